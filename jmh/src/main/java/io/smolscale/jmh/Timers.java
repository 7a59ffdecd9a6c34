package io.smolscale.jmh;

import io.smolscale.Smolscale;
import io.smolscale.jmh.harness.ForkJvm;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of {@code Smolscale.delay} (issue 16) next to the nearest JDK equivalents. Not in the
 * report (it compares timers, not schedulers): {@code java -jar jmh/target/benchmarks.jar Timers}.
 *
 * <ul>
 *   <li>{@code schedule_cancel}: a delay of an hour, scheduled and cancelled at once: what a
 *       timeout that is almost never reached costs (a request timeout, a nursery deadline).
 *       smolscale removes the entry on cancel; the JDK peer is a {@link ScheduledThreadPoolExecutor}
 *       with {@code setRemoveOnCancelPolicy(true)} ({@code CompletableFuture.delayedExecutor}
 *       cannot be a peer here: a cancelled stage leaves its entry queued for the hour).
 *   <li>{@code fire_1000}: 1,000 delays of 1 ms from one thread, joined: the timer thread's
 *       throughput and the hop of each completion to the executor. The JDK peer is {@code
 *       CompletableFuture.delayedExecutor(1 ms, commonPool)}.
 * </ul>
 */
@Fork(value = 1, jvmArgsAppend = {ForkJvm.XMS, ForkJvm.XMX, ForkJvm.THP, ForkJvm.PRETOUCH})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class Timers {
  /** {@code smolscale}: {@code Smolscale.delay}; {@code jdk}: the peer named above. */
  @Param({"smolscale", "jdk"})
  public String timer;

  private ScheduledThreadPoolExecutor jdkTimer;
  private Executor jdkDelayed;

  /** Starts the JDK peers. */
  @Setup(Level.Trial)
  public void up() {
    jdkTimer = new ScheduledThreadPoolExecutor(1);
    jdkTimer.setRemoveOnCancelPolicy(true);
    jdkDelayed = CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS, ForkJoinPool.commonPool());
  }

  /** Stops the JDK's timer. */
  @TearDown(Level.Trial)
  public void down() {
    jdkTimer.shutdownNow();
  }

  /**
   * Schedules a delay of an hour and cancels it.
   *
   * @return whether the cancel won (always)
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public boolean schedule_cancel() {
    if ("smolscale".equals(timer)) {
      return Smolscale.delay(Duration.ofHours(1)).cancel(false);
    }
    ScheduledFuture<?> f = jdkTimer.schedule(() -> {}, 1, TimeUnit.HOURS);
    return f.cancel(false);
  }

  /**
   * 1,000 delays of 1 ms, joined.
   *
   * @return the delays completed
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int fire_1000() {
    CompletableFuture<?>[] all = new CompletableFuture<?>[1000];
    for (int i = 0; i < all.length; i++) {
      all[i] =
          "smolscale".equals(timer)
              ? Smolscale.delay(Duration.ofMillis(1))
              : CompletableFuture.runAsync(() -> {}, jdkDelayed);
    }
    CompletableFuture.allOf(all).join();
    return all.length;
  }
}
