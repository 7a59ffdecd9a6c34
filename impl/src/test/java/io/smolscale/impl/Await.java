package io.smolscale.impl;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that only becomes true once (a thread count reaching zero, a counter
 * reaching its total), re-checking every millisecond up to a deadline. This is an outcome check
 * with a bound, not synchronisation: nothing is assumed to have happened after a fixed delay, and
 * the bound is only there so that a broken scheduler fails the test instead of hanging it.
 */
final class Await {
  private Await() {}

  static void until(Duration bound, BooleanSupplier condition, Supplier<String> whatFailed) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + bound + ": " + whatFailed.get());
      }
      LockSupport.parkNanos(1_000_000L);
    }
  }

  /** The test-size multiplier: -Dsmolscale.test.scale (default 1; CI 1, nightly larger). */
  static double scale() {
    String s = System.getProperty("smolscale.test.scale", "1");
    try {
      return Double.parseDouble(s.isEmpty() ? "1" : s);
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
