package io.smolscale.impl;

import java.time.Duration;

/** Duration helpers. */
final class Durations {
  private Durations() {}

  /**
   * Nanoseconds, saturated: a duration too long for a {@code long} of nanoseconds (about 292
   * years) is {@link Long#MAX_VALUE}, which the parker treats as "no timeout".
   */
  static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
