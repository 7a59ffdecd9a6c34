package io.smolscale.impl;

/**
 * When to report starvation: every thread the scheduler may have ({@code maxThreads}) is blocked
 * and work waits. Then nothing runs until a blocked task returns, and if those tasks wait for the
 * queued work, never: ForkJoinPool at least throws ("Thread limit exceeded replacing blocked
 * worker"); a scheduler that stalls silently leaves the user guessing. One report per
 * <i>episode</i>, once it has lasted {@link #REPORT_AFTER_NANOS}: a burst of blocking calls that
 * saturates the cap for a moment and clears is not worth a warning; one that stays is, and a
 * warning per tick would flood the log. The episode ends as soon as a tick sees the condition
 * false.
 *
 * <p>A pure decision on the balancer's samples (the clock's reading is passed in), so {@code
 * StarvationWatchTest} checks it without threads; the balancer thread alone calls it.
 */
final class StarvationWatch {
  /** How long every allowed thread must have been blocked, with work waiting, before a report. */
  static final long REPORT_AFTER_NANOS = 1_000_000_000L;

  /** When the current episode began, or -1 when there is none. */
  private long since = -1;

  private boolean reported;

  /**
   * Takes one tick's sample.
   *
   * @param starved whether every allowed thread is blocked (none counted, no spare, the cap
   *     reached) while work waits
   * @param now the clock's reading
   * @return true exactly once per episode, when it has lasted {@link #REPORT_AFTER_NANOS}
   */
  boolean observe(boolean starved, long now) {
    if (!starved) {
      since = -1;
      reported = false;
      return false;
    }
    if (since < 0) {
      since = now;
    }
    if (!reported && now - since >= REPORT_AFTER_NANOS) {
      reported = true;
      return true;
    }
    return false;
  }

  /**
   * How long the current episode has lasted.
   *
   * @param now the clock's reading
   * @return nanoseconds, 0 if there is no episode
   */
  long lastedNanos(long now) {
    return since < 0 ? 0 : now - since;
  }
}
