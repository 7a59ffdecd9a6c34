package io.smolscale.jmh;

import io.smolscale.JoinSet;
import io.smolscale.Smolscale;
import io.smolscale.jmh.harness.ForkJvm;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of a {@link JoinSet} (issue 16) next to the JDK's {@link ExecutorCompletionService}.
 * Not in the report (it compares completion queues, not schedulers): {@code java -jar
 * jmh/target/benchmarks.jar JoinSets}.
 *
 * <p>{@code spawn_take_1000}: one outside thread spawns 1,000 tasks that return at once, then
 * takes all 1,000 in completion order and sums them. {@code set}: {@code joinSet} ({@code
 * Smolscale.joinSet()}: spawn, then {@code next()}); {@code ecsSmolscale} (an {@code
 * ExecutorCompletionService} over {@code Smolscale.executor()}: the same scheduler, the JDK's
 * queue, so the difference between the two is the set's own cost); {@code ecsFjp} (over {@code
 * ForkJoinPool.commonPool()}, the JDK default).
 */
@Fork(value = 1, jvmArgsAppend = {ForkJvm.XMS, ForkJvm.XMX, ForkJvm.THP, ForkJvm.PRETOUCH})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class JoinSets {
  private static final int TASKS = 1000;

  /** Which completion queue; see the class comment. */
  @Param({"joinSet", "ecsSmolscale", "ecsFjp"})
  public String set;

  /**
   * Spawns 1,000 tasks and takes them all.
   *
   * @return the sum of the results
   * @throws Exception never, in practice (a task failure or an interrupt)
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public long spawn_take_1000() throws InterruptedException, ExecutionException {
    long sum = 0;
    if ("joinSet".equals(set)) {
      JoinSet<Integer> s = Smolscale.joinSet();
      for (int i = 0; i < TASKS; i++) {
        int k = i;
        s.spawn(() -> k);
      }
      for (int i = 0; i < TASKS; i++) {
        sum += s.next().join();
      }
      return sum;
    }
    ExecutorCompletionService<Integer> ecs =
        new ExecutorCompletionService<>(
            "ecsSmolscale".equals(set) ? Smolscale.executor() : ForkJoinPool.commonPool());
    for (int i = 0; i < TASKS; i++) {
      int k = i;
      ecs.submit(() -> k);
    }
    for (int i = 0; i < TASKS; i++) {
      sum += ecs.take().get();
    }
    return sum;
  }
}
