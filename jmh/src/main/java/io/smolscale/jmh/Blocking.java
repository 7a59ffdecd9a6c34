package io.smolscale.jmh;

import static io.smolscale.jmh.harness.Driver.check;

import io.smolscale.jmh.harness.Driver;
import io.smolscale.jmh.harness.ExecutorKind;
import io.smolscale.jmh.harness.ForkJvm;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Blocking: what happens to tiny tasks while every worker is stuck in a blocking call.
 *
 * <p>For the whole trial, one blocking task per core is on the executor at all times: each calls
 * {@link Thread#sleep} for {@link #SLEEP_MILLIS} ms (a short blocking call, as a database call
 * makes), and a feeder thread submits a new one whenever one ends. Meanwhile the benchmark thread spawns one tiny task at a time
 * and waits for it; JMH's sample-time mode records each wait, so the report reads p50, p99 and
 * the maximum of the latency. A scheduler that notices its workers are blocked (or, like virtual
 * threads, unmounts them) answers in microseconds; one that does not makes tiny tasks queue
 * behind the sleeps (milliseconds).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ForkJvm.XMS, ForkJvm.XMX, ForkJvm.THP, ForkJvm.PRETOUCH})
@State(Scope.Benchmark)
public class Blocking {
  /** How long each blocking call lasts. */
  public static final long SLEEP_MILLIS = 5;

  private final CompletableFuture<Void> trouble = new CompletableFuture<>();
  private final Semaphore finished = new Semaphore(0);
  private volatile boolean stop;
  private Thread feeder;
  private int seq;

  /**
   * Starts the feeder: it keeps one blocking task per core submitted at all times.
   *
   * <p>The blocking tasks are resubmitted from the feeder, a plain thread, not by themselves: a
   * task that resubmits itself from a ForkJoinPool worker goes to that worker's local queue,
   * which the worker then runs forever without ever looking at external submissions, and the
   * benchmark would measure that starvation (see context_switch_busy) instead of blocking.
   *
   * @param s the executor
   */
  @Setup(Level.Trial)
  public void up(ExecutorState s) {
    Executor ex = s.ex;
    finished.release(ExecutorKind.cores());
    feeder = new Thread(() -> {
      try {
        for (;;) {
          finished.acquire();
          if (stop) {
            return;
          }
          ex.execute(() -> {
            try {
              Thread.sleep(SLEEP_MILLIS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } catch (Throwable t) {
              trouble.completeExceptionally(t);
            } finally {
              finished.release();
            }
          });
        }
      } catch (InterruptedException e) {
        // stopped
      } catch (Throwable t) {
        trouble.completeExceptionally(t);
      }
    }, "blocking-feeder");
    feeder.setDaemon(true);
    feeder.start();
  }

  /** Stops the feeder; the blocking tasks in flight end after their sleep. */
  @TearDown(Level.Trial)
  public void down() throws InterruptedException {
    stop = true;
    feeder.interrupt();
    feeder.join(TimeUnit.SECONDS.toMillis(10));
  }

  /**
   * Spawns one tiny task while the workers sleep, and waits for it.
   *
   * @param s the executor
   * @return the task's value
   */
  @Benchmark
  public int tiny_task_latency(ExecutorState s) {
    check(!trouble.isDone(), "a blocking task failed: " + trouble);
    int expected = ++seq;
    CompletableFuture<Integer> handle = new CompletableFuture<>();
    s.ex.execute(() -> handle.complete(expected));
    int v = Driver.join(handle);
    check(v == expected, "tiny task returned " + v);
    return v;
  }
}
