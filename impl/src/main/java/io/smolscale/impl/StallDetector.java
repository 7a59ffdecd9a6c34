package io.smolscale.impl;

import java.util.function.BooleanSupplier;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The monitor's decision table, as a pure function of what the balancer samples for one worker
 * at one tick: its progress counter, its thread's state, the time, the configuration. No thread,
 * no clock and no scheduler inside: the balancer passes the clock's reading and a thread-state
 * probe in, so {@code StallDetectorTest} checks every row without starting a thread.
 *
 * <h2>The table</h2>
 *
 * <p>{@link #sample}: a worker whose progress counter is odd (inside a task) and equal to the
 * previous tick's has been inside one task for at least a tick: it is <i>stalled</i>, and the
 * balancer halves its queue. Any other reading restarts the stall clock.
 *
 * <p>{@link #judge}, for a stalled worker that is not blocked, with preemption on:
 *
 * <table>
 *   <caption>preemption verdicts</caption>
 *   <tr><th>thread seen</th><th>condition</th><th>verdict</th></tr>
 *   <tr><td>WAITING, TIMED_WAITING or BLOCKED</td><td>on {@value #WAITING_TICKS} consecutive
 *       ticks of this stall</td><td>{@link Verdict#WAITING}</td></tr>
 *   <tr><td>anything else (or waiting on fewer ticks)</td><td>stalled for at least the
 *       threshold, fewer than {@code parallelism} replaced workers still computing, and work
 *       waiting for a thread</td><td>{@link Verdict#COMPUTING}</td></tr>
 *   <tr><td colspan="2">otherwise</td><td>{@link Verdict#NONE}</td></tr>
 * </table>
 *
 * <p>Why two sightings for "waiting": a computing thread can wait for a moment (a contended
 * lock, a class being initialised by another thread) and then compute on, which would let
 * replaced-but-computing threads exceed the bound. Why the computing rule asks for waiting work
 * and a free computing slot: replacing a long computation only helps if something waits for the
 * thread, and CPU-bound tasks must never multiply the threads competing for the cores beyond
 * twice the parallelism (Tokio's objection to blocking detection, answered in spec/DESIGN.md).
 */
final class StallDetector {
  /** Consecutive ticks a stalled worker must be seen waiting before it is replaced. */
  static final int WAITING_TICKS = 2;

  /** Tells a thread's state; {@code Thread::getState} outside tests. */
  @FunctionalInterface
  interface ThreadStateProbe {
    /**
     * The thread's state.
     *
     * @param t the thread
     * @return its state
     */
    Thread.State stateOf(Thread t);
  }

  /** What the monitor concludes about a stalled worker. */
  enum Verdict {
    /** Leave it: balancing its queue is enough. */
    NONE,
    /** Mark it blocked: it waits and uses no CPU ({@link BlockCause#WAITING}). */
    WAITING,
    /** Mark it blocked: a long computation while work waits ({@link BlockCause#COMPUTING}). */
    COMPUTING
  }

  /** One worker's sampling state; read and written by the balancer thread alone. */
  static final class Sample {
    long seq = -1;
    long stallStartNanos;
    int waitingTicks;
  }

  private final long thresholdNanos;
  private final boolean preemption;
  private final ThreadStateProbe probe;

  /**
   * Creates the table.
   *
   * @param thresholdNanos how long a computing worker may stay in one task
   * @param preemption whether to give verdicts at all (false: always {@link Verdict#NONE})
   * @param probe reads thread states
   */
  StallDetector(long thresholdNanos, boolean preemption, ThreadStateProbe probe) {
    this.thresholdNanos = thresholdNanos;
    this.preemption = preemption;
    this.probe = probe;
  }

  /**
   * Takes this tick's reading of a worker's progress counter.
   *
   * @param s the worker's sampling state, updated
   * @param seq the progress counter (odd while a task runs)
   * @param now this tick's clock reading
   * @return true if the worker is stalled (inside the same task as at the previous tick)
   */
  boolean sample(Sample s, long seq, long now) {
    boolean stalled = (seq & 1) == 1 && seq == s.seq;
    if (!stalled) {
      s.seq = seq;
      s.stallStartNanos = now;
      s.waitingTicks = 0;
    }
    return stalled;
  }

  /**
   * Whether a thread is visibly waiting: parked, sleeping or blocked on a monitor.
   *
   * @param t the thread, or null (a worker not started yet)
   * @return true if its state is WAITING, TIMED_WAITING or BLOCKED
   */
  boolean isWaiting(@Nullable Thread t) {
    if (t == null) {
      return false;
    }
    Thread.State st = probe.stateOf(t);
    return st == Thread.State.WAITING
        || st == Thread.State.TIMED_WAITING
        || st == Thread.State.BLOCKED;
  }

  /**
   * The verdict on a stalled, unblocked worker (call after {@link #sample} returned true).
   *
   * @param s its sampling state, updated (the waiting sightings)
   * @param thread its thread
   * @param now this tick's clock reading
   * @param computingSlotFree whether fewer than parallelism replaced workers are still computing
   * @param workWaits whether work waits for a thread; asked only when it decides the verdict
   * @return the verdict
   */
  Verdict judge(
      Sample s, @Nullable Thread thread, long now, boolean computingSlotFree, BooleanSupplier workWaits) {
    if (!preemption) {
      return Verdict.NONE;
    }
    if (isWaiting(thread)) {
      s.waitingTicks++;
    } else {
      s.waitingTicks = 0;
    }
    if (s.waitingTicks >= WAITING_TICKS) {
      return Verdict.WAITING;
    }
    if (now - s.stallStartNanos >= thresholdNanos && computingSlotFree && workWaits.getAsBoolean()) {
      return Verdict.COMPUTING;
    }
    return Verdict.NONE;
  }

  /**
   * How long the worker has been inside its task, for the Flight Recorder event.
   *
   * @param s its sampling state
   * @param now this tick's clock reading
   * @return nanoseconds since the stall began
   */
  static long stalledNanos(Sample s, long now) {
    return now - s.stallStartNanos;
  }
}
