package io.smolscale.jmh;

import static io.smolscale.jmh.harness.Driver.check;

import io.smolscale.jmh.harness.Driver;
import io.smolscale.jmh.harness.ExecutorKind;
import io.smolscale.jmh.harness.ForkJvm;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CompletableFuture workloads (no actors, no harness jobs): what ordinary Java code does with an
 * executor. Every async stage goes to the executor under test ({@link
 * ExecutorKind#forCompletableFuture}: the common pool at parallelism 1 is passed so that
 * CompletableFuture does not swap it for a thread per task). Both are started from the JMH
 * thread, which waits with {@link Driver#join} and checks every value.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ForkJvm.XMS, ForkJvm.XMX, ForkJvm.THP, ForkJvm.PRETOUCH})
public class Futures {
  /**
   * cf_chains: independent chains per operation. The shape is 2,000 chains x 300 stages;
   * that is 600,000 async stages, ~0.3-0.6 s per operation on 2 cores, so the chain count is
   * scaled down to keep an operation in the report's 1-50 ms range; the shape (many long chains
   * in flight at once, each stage submitted by the completion of the previous one, on a worker)
   * is kept.
   */
  public static final int CF_CHAINS = 200;
  /** cf_chains: {@code thenApplyAsync} stages per chain. */
  public static final int CF_STAGES = 300;
  /** cf_fanout: {@code supplyAsync} calls from the JMH thread, joined with {@code allOf}. */
  public static final int CF_FANOUT = 10_000;

  private static final Function<Integer, Integer> INCREMENT = x -> x + 1;

  /**
   * cf_chains: 200 chains of 300 {@code thenApplyAsync(x -> x + 1, executor)} stages each, built
   * from the JMH thread while they run; waits for all with {@code allOf}.
   *
   * @param s the executor
   * @return the sum of the chains' results
   */
  @Benchmark
  public long cf_chains(ExecutorState s) {
    Executor ex = ExecutorKind.forCompletableFuture(s.ex);
    @SuppressWarnings({"unchecked", "rawtypes"})
    CompletableFuture<Integer>[] tails = new CompletableFuture[CF_CHAINS];
    for (int c = 0; c < CF_CHAINS; c++) {
      CompletableFuture<Integer> f = CompletableFuture.completedFuture(c);
      for (int i = 0; i < CF_STAGES; i++) {
        f = f.thenApplyAsync(INCREMENT, ex);
      }
      tails[c] = f;
    }
    Driver.join(CompletableFuture.allOf(tails));
    long sum = 0;
    for (int c = 0; c < CF_CHAINS; c++) {
      int v = tails[c].join();
      check(v == c + CF_STAGES, "cf_chains chain " + c + " gave " + v);
      sum += v;
    }
    return sum;
  }

  /**
   * cf_fanout: 10,000 {@code supplyAsync(() -> i, executor)} from the JMH thread, joined with
   * {@code allOf}.
   *
   * @param s the executor
   * @return the sum of the values
   */
  @Benchmark
  public long cf_fanout(ExecutorState s) {
    Executor ex = ExecutorKind.forCompletableFuture(s.ex);
    @SuppressWarnings({"unchecked", "rawtypes"})
    CompletableFuture<Integer>[] fs = new CompletableFuture[CF_FANOUT];
    for (int i = 0; i < CF_FANOUT; i++) {
      int v = i;
      fs[i] = CompletableFuture.supplyAsync(() -> v, ex);
    }
    Driver.join(CompletableFuture.allOf(fs));
    long sum = 0;
    for (int i = 0; i < CF_FANOUT; i++) {
      int v = fs[i].join();
      check(v == i, "cf_fanout future " + i + " gave " + v);
      sum += v;
    }
    check(sum == (long) CF_FANOUT * (CF_FANOUT - 1) / 2, "cf_fanout sum " + sum);
    return sum;
  }
}
