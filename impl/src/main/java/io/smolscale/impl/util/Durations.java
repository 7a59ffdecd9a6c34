package io.smolscale.impl.util;

import java.time.Duration;

/** The one conversion of configured durations to nanoseconds. */
public final class Durations {
  /**
   * "Forever" in nanoseconds: about 146 years, half of {@code Long.MAX_VALUE}, so that {@code
   * System.nanoTime() + FOREVER} cannot overflow a {@code long} (nanoTime's origin is arbitrary
   * but its values are differences apart from each other far smaller than this).
   */
  public static final long FOREVER = Long.MAX_VALUE / 2;

  private Durations() {}

  /**
   * Nanoseconds, saturated at {@link #FOREVER}: a duration at least that long (the builder
   * documents anything over about 292 years as "forever") is {@code FOREVER}, which every user of
   * this value (the parker's keep-alive, the preemption threshold, a nursery deadline) treats as
   * "never".
   *
   * @param d a non-negative duration
   * @return its nanoseconds, at most {@link #FOREVER}
   */
  public static long saturatedNanos(Duration d) {
    try {
      return Math.min(d.toNanos(), FOREVER);
    } catch (ArithmeticException e) {
      return FOREVER;
    }
  }
}
