package io.smolscale.jmh;

import static io.smolscale.jmh.harness.Driver.check;

import io.smolscale.jmh.harness.Driver;
import io.smolscale.jmh.harness.ForkJvm;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Idle: what an executor costs after its work is done ("nothing left running when idle").
 *
 * <p>One operation: a burst (25,000 tasks spawned from outside, as {@code spawn_many}, so every
 * worker starts), then {@link #quietMillis} of silence, then a {@link #windowMillis} window in
 * which the process CPU time and the live threads are read. The results are the auxiliary
 * counters {@code idleCpuMsPerSec} (CPU milliseconds burnt per second of idleness, all threads
 * of the JVM; a truly idle JVM is near 0) and {@code idleThreads} (threads alive at the end of
 * the window beyond those alive before the executor was first touched).
 *
 * <p>Each executor runs with its own default keep-alive, which is part of what is measured: the
 * default quiet period (4 s) is past smolscale's default keep-alive (3 s), not past the 60 s of
 * ForkJoinPool and Kotlin's scheduler, and a fixed thread pool never retires its core threads.
 * Run with {@code -p quietMillis=65000} to see every pool after its keep-alive. The time score
 * is meaningless (it is the quiet period plus the window).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = {ForkJvm.XMS, ForkJvm.XMX, ForkJvm.THP, ForkJvm.PRETOUCH})
@State(Scope.Benchmark)
public class Idle {
  /** Silence between the burst and the measurement window. */
  @Param("4000")
  public long quietMillis;

  /** Length of the measurement window. */
  @Param("1000")
  public long windowMillis;

  /** The idle measurements, reported as JMH auxiliary counters. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Counters {
    /** CPU milliseconds per second of the window. */
    public double idleCpuMsPerSec;
    /** Threads alive at the end of the window beyond those before the executor existed. */
    public double idleThreads;

    /** Cleared before each iteration. */
    @Setup(Level.Iteration)
    public void clear() {
      idleCpuMsPerSec = 0;
      idleThreads = 0;
    }
  }

  /**
   * Burst, silence, measurement.
   *
   * @param s the executor
   * @param c where the measurements go
   * @throws InterruptedException if interrupted
   */
  @Benchmark
  public void idle(ExecutorState s, Counters c) throws InterruptedException {
    burst(s.ex);
    Thread.sleep(quietMillis);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    Thread.sleep(windowMillis);
    long cpu = os.getProcessCpuTime() - cpu0;
    long wall = System.nanoTime() - t0;
    c.idleCpuMsPerSec = (cpu / 1e6) / (wall / 1e9);
    c.idleThreads = Math.max(0, ManagementFactory.getThreadMXBean().getThreadCount() - s.threadsBefore);
  }

  private static void burst(Executor ex) {
    int n = OriginalSuite.LIGHT_TASKS;
    @SuppressWarnings({"unchecked", "rawtypes"})
    CompletableFuture<Integer>[] handles = new CompletableFuture[n];
    for (int i = 0; i < n; i++) {
      CompletableFuture<Integer> h = new CompletableFuture<>();
      handles[i] = h;
      int v = i;
      ex.execute(() -> h.complete(v));
    }
    long sum = 0;
    for (CompletableFuture<Integer> h : handles) {
      sum += Driver.join(h);
    }
    check(sum == (long) n * (n - 1) / 2, "idle burst sum " + sum);
  }
}
