package io.smolscale.impl.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Scheduler;
import io.smolscale.Task;
import io.smolscale.impl.util.SharedTimer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * The timer behind {@code Task.cancelAfter}: a task that finishes first removes its entry at once,
 * and the timer's thread exits once nothing is pending. Each test uses a timer of its own (the
 * shared one also serves other tests' nursery deadlines), with a short keep-alive.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class CancelAfterTimerTest {
  private static final long PATIENCE_MS = 20_000;

  private static Scheduler scheduler() {
    return Scheduler.builder().parallelism(1).keepAlive(Duration.ofMillis(200)).build();
  }

  // Proves no timer leak: the entry of a task that completed before its timeout is removed when
  // the task completes (not when the timeout would have passed, an hour later), and then the
  // timer thread exits (joined: the event, not a sleep). Fails without the whenComplete that
  // cancels the entry (pending stays 1 and the thread never exits).
  @Test
  void aTaskDoneFirstRemovesItsTimerAndTheTimerThreadExits() throws Exception {
    SharedTimer timer = new SharedTimer("test-timer", Duration.ofMillis(50));
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = scheduler()) {
      TaskImpl<Integer> t =
          (TaskImpl<Integer>)
              s.spawn(
                  () -> {
                    assertTrue(release.await(PATIENCE_MS, TimeUnit.MILLISECONDS));
                    return 1;
                  });
      t.cancelAfter(Duration.ofHours(1), timer);
      assertEquals(1, timer.pending(), "one entry while the task runs");
      Thread thread = timer.lastThread();
      assertNotNull(thread, "the first entry started the timer thread");
      release.countDown();
      assertEquals(1, t.join());
      assertEquals(Task.Status.SUCCEEDED, t.status());
      // The entry is removed by the completing thread, after the completion join() saw; wait for
      // that event with a bound.
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
      while (timer.pending() != 0 && System.nanoTime() - deadline < 0) {
        Thread.onSpinWait();
      }
      assertEquals(0, timer.pending(), "the entry was removed when the task completed");
      thread.join(PATIENCE_MS);
      assertFalse(thread.isAlive(), "the timer thread exited once nothing was pending");
    }
  }

  // A timeout too long to mean anything ("forever") and a task already done schedule nothing:
  // no entry, no timer thread.
  @Test
  void foreverAndDoneTasksScheduleNothing() {
    SharedTimer timer = new SharedTimer("test-timer", Duration.ofMillis(50));
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = scheduler()) {
      TaskImpl<Integer> running =
          (TaskImpl<Integer>)
              s.spawn(
                  () -> {
                    assertTrue(release.await(PATIENCE_MS, TimeUnit.MILLISECONDS));
                    return 1;
                  });
      running.cancelAfter(Duration.ofSeconds(Long.MAX_VALUE), timer);
      TaskImpl<Integer> done = (TaskImpl<Integer>) s.spawn(() -> 2);
      assertEquals(2, done.join());
      done.cancelAfter(Duration.ofMillis(1), timer);
      assertEquals(0, timer.pending());
      assertNull(timer.lastThread(), "no timer thread was started");
      release.countDown();
      assertEquals(1, running.join());
    }
  }

  // The timer that fires first cancels; the task then removes the other entries.
  @Test
  void theFirstTimeoutToPassCancelsAndTheOthersAreRemoved() throws Exception {
    SharedTimer timer = new SharedTimer("test-timer", Duration.ofMillis(50));
    try (Scheduler s = scheduler()) {
      TaskImpl<Integer> t =
          (TaskImpl<Integer>)
              s.spawn(
                  () -> {
                    new CountDownLatch(1).await(PATIENCE_MS, TimeUnit.MILLISECONDS);
                    return 1;
                  });
      t.cancelAfter(Duration.ofHours(1), timer);
      t.cancelAfter(Duration.ofMillis(10), timer);
      Throwable failure = null;
      try {
        t.join();
      } catch (java.util.concurrent.CancellationException e) {
        failure = e;
      }
      assertEquals(
          Duration.ofMillis(10), ((io.smolscale.TimeoutCancellationException) failure).timeout());
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
      while (timer.pending() != 0 && System.nanoTime() - deadline < 0) {
        Thread.onSpinWait();
      }
      assertEquals(0, timer.pending(), "the hour-long entry was removed with the cancellation");
    }
  }
}
