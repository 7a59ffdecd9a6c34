package io.smolscale.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link SharePolicy} as a decision table over an injected clock: no threads, no timing. Each
 * case runs tasks of a known length on a fake clock and asks whether a backlog is worth sharing.
 */
class SharePolicyTest {
  private static final long MIN = 50_000;

  /** A fake clock that advances only when told. */
  private long now = 1_000_000;

  private SharePolicy policy(long minWork) {
    return new SharePolicy(() -> now, minWork);
  }

  /** Runs {@code tasks} tasks of {@code nanos} each. */
  private void run(SharePolicy p, int tasks, long nanos) {
    for (int i = 0; i < tasks; i++) {
      now += nanos;
      p.taskRan();
    }
  }

  @Test
  void aNewWorkerSharesTheFirstBacklogOfTheThresholdAsBefore() {
    SharePolicy p = policy(MIN);
    assertTrue(p.worthSharing(Pool.SHARE_THRESHOLD));
    assertFalse(p.worthSharing(Pool.SHARE_THRESHOLD - 1));
  }

  @Test
  void tinyTasksAreKeptEvenInALongBacklog() {
    SharePolicy p = policy(MIN);
    run(p, 32 * 40, 100); // 100 ns tasks: 40 windows of weight 1/4, the average converges
    assertEquals(100, p.avgTaskNanos(), 5);
    assertFalse(p.worthSharing(256), "256 x 100 ns = 25.6 us is less than a wake-up is worth");
    assertTrue(p.worthSharing(600), "600 x 100 ns = 60 us is");
  }

  @Test
  void longTasksAreSharedFromTheThreshold() {
    SharePolicy p = policy(MIN);
    run(p, 32 * 40, 100);
    run(p, 32 * 20, 20_000); // the tasks became 20 us long
    assertTrue(p.worthSharing(Pool.SHARE_THRESHOLD));
  }

  @Test
  void aWindowThatSpansAnIdleSpellIsDropped() {
    SharePolicy p = policy(MIN);
    run(p, 32 * 40, 100);
    run(p, 16, 100);
    now += 1_000_000_000L; // parked for a second in the middle of a window
    p.afterIdle();
    run(p, 16 + 32 * 2, 100);
    assertEquals(100, p.avgTaskNanos(), 5, "the idle second is not task time");
  }

  @Test
  void zeroMinimumSharesEveryBacklog() {
    SharePolicy p = policy(0);
    run(p, 32 * 20, 1);
    assertTrue(p.worthSharing(Pool.SHARE_THRESHOLD));
    assertTrue(p.worthSharing(1));
  }
}
