package io.smolscale.jmh;

import static io.smolscale.jmh.harness.Driver.check;

import io.smolscale.Channel;
import io.smolscale.jmh.harness.Driver;
import io.smolscale.jmh.harness.ForkJvm;
import io.smolscale.jmh.harness.IterationResults;
import io.smolscale.jmh.harness.Job;
import io.smolscale.jmh.harness.LatencyHistogram;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Partial load: an application that is mostly idle, the case of the original's claim "an app that
 * takes 80% of CPU time may take only 20%".
 *
 * <p>{@link #PAIRS} ping-pong pairs live on the executor. Every {@link #INTERVAL_MICROS} µs the
 * benchmark thread (the pacer, the same for every executor) ticks every pair through an
 * unbounded channel; the pinger then sends a ping to its ponger over a bounded(1) channel and
 * waits for the pong on another. So each pair exchanges a message every ~200 µs and the workers
 * spend most of their time waiting for the next tick, which is where spinning, scanning and
 * eager wake-ups cost CPU.
 *
 * <p>One operation is one message (a ping or a pong): read {@code cpu.time/op} of {@link
 * CpuTimeProfiler}, CPU per message; the time score is only the pacing (~25 µs/op when the
 * executor keeps up). At the end of each iteration every tick must have been answered with the
 * right pong, or the benchmark fails.
 *
 * <p>Two more results, handed to {@link CpuTimeProfiler} per iteration through {@link
 * IterationResults} (so they need {@code -prof io.smolscale.jmh.CpuTimeProfiler}, which the
 * report always attaches):
 *
 * <ul>
 *   <li>{@code cpu.time.exclPacer/op}: CPU per message <em>excluding the pacer</em>, i.e. the
 *       process CPU minus the benchmark thread's own CPU time ({@link
 *       ThreadMXBean#getCurrentThreadCpuTime()}, read in the iteration's set-up and tear-down,
 *       which run on the benchmark thread inside the profiler's window). The pacer is the same
 *       code for every executor, but it also pays for whatever each executor does on the
 *       submitting thread when a tick wakes a pinger (its {@code execute}: queue insertion, a
 *       worker's unpark), so this figure leaves that out: read it with the plain one.
 *   <li>{@code rtt_p50_us}, {@code rtt_p99_us}: the round-trip latency from a tick being sent by
 *       the pacer (a {@code System.nanoTime()} per pair just before the send, kept in a
 *       preallocated ring indexed by the tick's value) to the pong being received by the pinger,
 *       recorded into one {@link LatencyHistogram} per pinger (no allocation per message); the
 *       percentiles of each iteration, averaged over iterations.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ForkJvm.XMS, ForkJvm.XMX, ForkJvm.THP, ForkJvm.PRETOUCH})
@State(Scope.Benchmark)
public class PartialLoad {
  /** Ping-pong pairs. */
  public static final int PAIRS = 4;
  /** Pace of each pair's exchange. */
  public static final long INTERVAL_MICROS = 200;
  /** Messages per tick: a ping and a pong per pair. */
  public static final int MESSAGES_PER_TICK = 2 * PAIRS;
  /**
   * Send times kept per pair: tick values run modulo this, and a pair may lag at most this many
   * ticks behind the pacer (checked; at 200 µs a tick that is 13 s).
   */
  static final int RING = 1 << 16;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final AtomicLong answered = new AtomicLong();
  private final CompletableFuture<Void> trouble = new CompletableFuture<>();
  private Channel<Integer>[] ticks;
  private final long[] sentAt = new long[PAIRS * RING];
  private final LatencyHistogram[] rtt = new LatencyHistogram[PAIRS];
  private final LatencyHistogram merged = new LatencyHistogram();
  private long pacerCpuStart = -1;
  private long ticksSent;
  private long nextTick;
  private int seq;

  /** Waits for the next tick. */
  static final class Pinger extends Job {
    private final Channel<Integer> tick;
    private final Channel<Integer> ping;
    private final Channel<Integer> pong;
    private final AtomicLong answered;
    private final long[] sentAt;
    private final int base;
    private final LatencyHistogram rtt;
    private int state;
    private int sent;

    Pinger(Executor ex, CompletableFuture<?> trouble, Channel<Integer> tick, Channel<Integer> ping,
        Channel<Integer> pong, AtomicLong answered, long[] sentAt, int pair,
        LatencyHistogram rtt) {
      super(ex, trouble);
      this.tick = tick;
      this.ping = ping;
      this.pong = pong;
      this.answered = answered;
      this.sentAt = sentAt;
      this.base = pair * RING;
      this.rtt = rtt;
    }

    // States: 0 = idle, 1 = awaiting a tick, 2 = awaiting the ping's send, 3 = awaiting the pong.
    @Override
    protected void step() {
      for (;;) {
        switch (state) {
          case 0:
            state = 1;
            if (suspend(tick.receive())) {
              return;
            }
            break;
          case 1:
            if (closed()) {
              ping.close();
              return;
            }
            sent = this.<Integer>take();
            state = 2;
            if (suspend(ping.send(sent))) {
              return;
            }
            break;
          case 2:
            take();
            state = 3;
            if (suspend(pong.receive())) {
              return;
            }
            break;
          default:
            int v = take();
            // The tick's send time was written before the tick was sent (channel hand-off).
            rtt.record(System.nanoTime() - sentAt[base + sent]);
            check(v == sent + 1, "partial_load pong " + v + " for ping " + sent);
            // After the record: the pacer reads the histograms once every tick is answered.
            answered.incrementAndGet();
            state = 0;
        }
      }
    }
  }

  /** Answers each ping with ping + 1. */
  static final class Ponger extends Job {
    private final Channel<Integer> ping;
    private final Channel<Integer> pong;
    private int state;

    Ponger(Executor ex, CompletableFuture<?> trouble, Channel<Integer> ping, Channel<Integer> pong) {
      super(ex, trouble);
      this.ping = ping;
      this.pong = pong;
    }

    @Override
    protected void step() {
      for (;;) {
        switch (state) {
          case 0:
            state = 1;
            if (suspend(ping.receive())) {
              return;
            }
            break;
          case 1:
            if (closed()) {
              return;
            }
            int v = take();
            state = 2;
            if (suspend(pong.send(v + 1))) {
              return;
            }
            break;
          default:
            take();
            state = 0;
        }
      }
    }
  }

  /**
   * Spawns the pairs.
   *
   * @param s the executor
   */
  @Setup(Level.Trial)
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void up(ExecutorState s) {
    ticks = new Channel[PAIRS];
    for (int i = 0; i < PAIRS; i++) {
      ticks[i] = Channel.unbounded();
      Channel<Integer> ping = Channel.bounded(1);
      Channel<Integer> pong = Channel.bounded(1);
      rtt[i] = new LatencyHistogram();
      new Pinger(s.ex, trouble, ticks[i], ping, pong, answered, sentAt, i, rtt[i]).start();
      new Ponger(s.ex, trouble, ping, pong).start();
    }
    nextTick = System.nanoTime();
  }

  /**
   * Starts an iteration on the benchmark thread: its CPU time so far, empty histograms (no tick
   * is outstanding: the previous iteration's tear-down saw every one answered).
   */
  @Setup(Level.Iteration)
  public void beginIteration() {
    for (LatencyHistogram h : rtt) {
      h.clear();
    }
    pacerCpuStart = THREADS.isCurrentThreadCpuTimeSupported()
        ? THREADS.getCurrentThreadCpuTime() : -1;
  }

  /**
   * Every tick sent in the iteration must have been answered (waits for the last ones); then hands
   * the round-trip percentiles and the pacer's CPU time of the iteration to the profiler.
   */
  @TearDown(Level.Iteration)
  public void verify() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Driver.TIMEOUT_SECONDS);
    while (answered.get() < ticksSent * PAIRS && !trouble.isDone()) {
      check(System.nanoTime() < deadline,
          "partial_load: " + answered.get() + " of " + ticksSent * PAIRS + " answered");
      LockSupport.parkNanos(INTERVAL_MICROS * 1000);
    }
    if (trouble.isDone()) {
      Driver.join(trouble);
    }
    check(answered.get() == ticksSent * PAIRS,
        "partial_load answered " + answered.get() + " of " + ticksSent * PAIRS);
    merged.clear();
    for (LatencyHistogram h : rtt) {
      merged.add(h);
    }
    if (merged.count() > 0) {
      IterationResults.put("rtt_p50_us", merged.percentile(50) / 1000, "us");
      IterationResults.put("rtt_p99_us", merged.percentile(99) / 1000, "us");
    }
    // Last: the pacer's CPU of the whole iteration, this wait included.
    if (pacerCpuStart >= 0) {
      IterationResults.excludeCpu(THREADS.getCurrentThreadCpuTime() - pacerCpuStart);
    }
  }

  /** Ends the pairs. */
  @TearDown(Level.Trial)
  public void down() {
    if (ticks != null) {
      for (Channel<Integer> t : ticks) {
        t.close();
      }
    }
  }

  /**
   * One tick: waits for the next 200 µs boundary, then ticks every pair (8 messages follow).
   *
   * @param s the executor (a state dependency, so the pairs exist)
   */
  @Benchmark
  @OperationsPerInvocation(MESSAGES_PER_TICK)
  public void partial_load(ExecutorState s) {
    long now = System.nanoTime();
    while (now < nextTick) {
      LockSupport.parkNanos(nextTick - now);
      now = System.nanoTime();
    }
    // A late tick is not made up with a burst: the load stays a steady trickle.
    nextTick = Math.max(nextTick, now - INTERVAL_MICROS * 1000) + INTERVAL_MICROS * 1000;
    // Every pair lags less than RING ticks if fewer than RING are unanswered in all.
    check(ticksSent * PAIRS - answered.get() < RING,
        "partial_load: the pairs are " + RING + " ticks behind the pacer");
    int v = seq++ & (RING - 1);
    for (int i = 0; i < PAIRS; i++) {
      sentAt[i * RING + v] = System.nanoTime();
      check(ticks[i].trySend(v), "an unbounded channel refused a tick");
    }
    ticksSent++;
  }
}
