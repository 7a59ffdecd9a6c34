package io.smolscale.impl;

import java.util.function.LongSupplier;

/**
 * The sharing policy of one worker: is its local backlog worth another core? A heuristic kept
 * apart from the dispatch protocol it guards ({@link Pool#dispatch}: sharing moves half the
 * backlog to the global queue and wakes one sleeper, the model-checked part), as {@link
 * AdaptiveSpin} is kept apart from the park protocol.
 *
 * <h2>Why it asks</h2>
 *
 * <p>Sharing costs a wake-up (the sleeper's futex wake, several microseconds of CPU on each
 * side, and tens of microseconds before the woken thread runs) and moves every shared task, and
 * then every message those tasks exchange with the ones left behind, between two cores' caches.
 * For a fan-out of tiny tasks (an actor telling a thousand actors, chameneos' creatures meeting
 * through one mall) the sharing worker would have finished the whole backlog before the sleeper
 * even ran, and the replies then cross cores: measured on the actor suite, smolscale at 0.5-0.6x
 * of a ForkJoinPool with one worker. The thesis is to keep work where it is unless it needs two
 * cores; a backlog needs them when the work in it is large compared to a wake-up.
 *
 * <h2>The estimate</h2>
 *
 * <p>The worker times itself every {@value #SAMPLE_EVERY} tasks (one {@link System#nanoTime} per
 * window, nothing per task but a counter) and keeps a moving average of the time per task, loop
 * overhead included (an exponentially weighted average, weight 1/4 on the newest window). A
 * window that spans an idle spell is dropped ({@link #afterIdle}). A backlog is worth sharing
 * when {@code backlog x average >=} {@link #MIN_WORK_NANOS} (50 µs: about ten wake-ups' worth of
 * the sleeper's CPU; a longer backlog is also work the balancer would otherwise have to move). A
 * new worker starts from an average that makes the first backlog of {@link Pool#SHARE_THRESHOLD}
 * worth sharing, as before this policy, until its first window says otherwise.
 *
 * <p>What it does not cover: a backlog of few tasks that turn out to be long is found by the
 * balancer within a tick (the worker's progress counter stops), exactly as before. A backlog
 * that keeps growing (a producer task) reaches the ring's capacity and overflows to the global
 * queue; the same estimate decides whether that spill wakes a sleeper ({@link Pool}, "Overflow
 * without a wake-up"), and a producer that keeps the worker in one task long enough is found by
 * the balancer, which halves the ring and wakes a sleeper while work waits.
 *
 * <p>Owner-only state: no field is read by another thread.
 */
final class SharePolicy {
  /**
   * The least work, in nanoseconds, that a backlog must hold to be shared; system property
   * {@code smolscale.debug.shareMinWorkNanos} (0 = share every backlog of {@link
   * Pool#SHARE_THRESHOLD}, the rule before this policy: the A/B switch).
   */
  static final long MIN_WORK_NANOS =
      Math.max(0, Long.getLong("smolscale.debug.shareMinWorkNanos", 50_000));

  /** Tasks per timing window; a power of two. */
  static final int SAMPLE_EVERY = 32;

  private final LongSupplier clock;
  private final long minWorkNanos;
  private long avgTaskNanos;
  private long windowStart;
  private int count;

  /** The production policy: {@link System#nanoTime}, {@link #MIN_WORK_NANOS}. */
  SharePolicy() {
    this(System::nanoTime, MIN_WORK_NANOS);
  }

  /**
   * A policy with an injected clock (tests).
   *
   * @param clock nanoseconds, as {@link System#nanoTime}
   * @param minWorkNanos the least work worth sharing; 0 shares every backlog
   */
  SharePolicy(LongSupplier clock, long minWorkNanos) {
    this.clock = clock;
    this.minWorkNanos = minWorkNanos;
    this.avgTaskNanos = minWorkNanos / Pool.SHARE_THRESHOLD;
  }

  /** Called by the owner after each task. */
  void taskRan() {
    if ((++count & (SAMPLE_EVERY - 1)) == 0) {
      long now = clock.getAsLong();
      if (windowStart != 0) {
        long sample = (now - windowStart) / SAMPLE_EVERY;
        avgTaskNanos += (sample - avgTaskNanos) >> 2;
      }
      windowStart = now;
    }
  }

  /** Called by the owner when it comes back from idle: the open window spans no tasks. */
  void afterIdle() {
    windowStart = 0;
  }

  /**
   * Whether a backlog of {@code backlog} tasks holds enough work to wake another core for.
   *
   * @param backlog the local queue's size
   * @return true to share
   */
  boolean worthSharing(int backlog) {
    return minWorkNanos == 0 || (long) backlog * avgTaskNanos >= minWorkNanos;
  }

  /**
   * Sets the estimate, as a run of tasks of that length would (tests of the decisions that read
   * it, which must not depend on how fast the machine runs the test).
   *
   * @param nanos the time per task
   */
  void seedAverage(long nanos) {
    avgTaskNanos = nanos;
  }

  /** The current estimate, for tests and diagnostics. */
  long avgTaskNanos() {
    return avgTaskNanos;
  }
}
