package io.smolscale.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Scheduler;
import io.smolscale.Smolscale;
import io.smolscale.impl.task.QuietCancellation;
import io.smolscale.impl.util.SharedTimer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * {@code Scheduler.delay}: the stage completes no earlier than its delay, from a task on the
 * scheduler (so its plain dependents run on a worker, not on the timer thread); a cancelled delay
 * removes its timer entry; a scheduler shut down before the delay passes fails the stage instead of
 * leaving it pending. Timers of their own where entries are counted (the shared one serves other
 * tests' nurseries and timeouts).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class DelayTest {
  private static final long PATIENCE_MS = 20_000;

  private static WorkBalancingScheduler scheduler() {
    return (WorkBalancingScheduler) Scheduler.builder().parallelism(1).build();
  }

  // Proves: not before the delay (checked from below only, so a busy machine cannot break it),
  // and the dependent runs on one of the scheduler's workers.
  @Test
  void aDelayCompletesAfterItsDelayOnAWorker() {
    try (Scheduler s = scheduler()) {
      long start = System.nanoTime();
      AtomicBoolean onWorker = new AtomicBoolean();
      CompletableFuture<Long> after =
          s.delay(Duration.ofMillis(30))
              .thenApply(
                  v -> {
                    onWorker.set(s.isWorkerThread());
                    return System.nanoTime() - start;
                  });
      long elapsed = after.join();
      assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(30), "completed after " + elapsed + " ns");
      assertTrue(onWorker.get(), "the dependent ran on a worker, not on the timer thread");
    }
  }

  // Proves: the holder's cancel removes the timer entry at once (an hour before it would fire),
  // and the stage stays cancelled.
  @Test
  void cancellingADelayRemovesItsTimer() {
    SharedTimer timer = new SharedTimer("delay-test-timer", Duration.ofMillis(50));
    try (WorkBalancingScheduler s = scheduler()) {
      CompletableFuture<Void> d = s.delay(Duration.ofHours(1), timer);
      assertEquals(1, timer.pending());
      assertTrue(d.cancel(false));
      assertEquals(0, timer.pending(), "the cancel removed the entry");
      assertTrue(d.isCancelled());
    }
  }

  // Proves the stackless cancel keeps CompletableFuture's contract and the waiter's trace: cancel
  // is true (again on a second call, as CompletableFuture's), the stage is cancelled, a cancel
  // after the delay passed is false; join and get throw a CancellationException that carries
  // this thread's stack (this method is on it) with the stackless one as its cause, and a
  // dependent sees the cancellation itself.
  @Test
  void aCancelledDelayIsStacklessButItsWaitersGetTheirOwnTrace() throws Exception {
    SharedTimer timer = new SharedTimer("delay-test-timer", Duration.ofMillis(50));
    try (WorkBalancingScheduler s = scheduler()) {
      CompletableFuture<Void> d = s.delay(Duration.ofHours(1), timer);
      CompletableFuture<Throwable> seen = d.handle((v, e) -> e);
      assertTrue(d.cancel(true));
      assertTrue(d.cancel(false), "cancel reports the cancelled state, as CompletableFuture's");
      assertTrue(d.isCancelled() && d.isCompletedExceptionally());
      Throwable stored = seen.join();
      assertInstanceOf(QuietCancellation.class, stored);
      assertEquals(0, stored.getStackTrace().length, "no stack filled in by the cancel");
      for (Executable wait : new Executable[] {d::join, d::get, () -> d.get(1, TimeUnit.SECONDS)}) {
        CancellationException thrown = assertThrows(CancellationException.class, wait);
        assertSame(stored, thrown.getCause(), "the stored cancellation is the cause");
        assertTrue(
            Arrays.stream(thrown.getStackTrace())
                .anyMatch(f -> f.getMethodName().startsWith("aCancelledDelayIsStackless")),
            "the waiter's own stack");
      }
      CompletableFuture<Void> passed = s.delay(Duration.ofMillis(1), timer);
      passed.join();
      assertFalse(passed.cancel(false), "a delay that passed is not cancelled");
    }
  }

  // Proves: nothing hangs silently: a delay whose scheduler shut down before it passed fails with
  // RejectedExecutionException; a delay asked of a shut-down scheduler is refused at once.
  @Test
  void aDelayPassingAfterShutdownFailsTheStage() throws InterruptedException {
    SharedTimer timer = new SharedTimer("delay-test-timer", Duration.ofMillis(50));
    CompletableFuture<Void> d;
    CountDownLatch fired = new CountDownLatch(1);
    try (WorkBalancingScheduler s = scheduler()) {
      d = s.delay(Duration.ofMillis(100), timer);
      d.whenComplete((v, e) -> fired.countDown());
      s.shutdown();
      assertThrows(RejectedExecutionException.class, () -> s.delay(Duration.ofMillis(1)));
    }
    assertTrue(fired.await(PATIENCE_MS, TimeUnit.MILLISECONDS), "the stage completed");
    CompletionException e = assertThrows(CompletionException.class, d::join);
    assertInstanceOf(RejectedExecutionException.class, e.getCause());
  }

  // Proves the edges: zero and negative complete from the scheduler (as a yield), "forever"
  // never completes and keeps no entry, null is refused with the parameter's name; and the
  // global facade delegates.
  @Test
  void zeroNegativeForeverAndNull() {
    SharedTimer timer = new SharedTimer("delay-test-timer", Duration.ofMillis(50));
    try (WorkBalancingScheduler s = scheduler()) {
      AtomicReference<Thread> ran = new AtomicReference<>();
      s.delay(Duration.ZERO, timer).thenRun(() -> ran.set(Thread.currentThread())).join();
      assertNotNull(ran.get());
      s.delay(Duration.ofMillis(-5), timer).join();
      CompletableFuture<Void> never = s.delay(Duration.ofSeconds(Long.MAX_VALUE), timer);
      assertFalse(never.isDone());
      assertEquals(0, timer.pending(), "no entry for a delay that never passes");
      NullPointerException npe = assertThrows(NullPointerException.class, () -> s.delay(null));
      assertTrue(String.valueOf(npe.getMessage()).contains("delay"), npe.getMessage());
    }
    assertNotNullCompletion(Smolscale.delay(Duration.ofMillis(1)));
  }

  private static void assertNotNullCompletion(CompletableFuture<Void> f) {
    f.orTimeout(PATIENCE_MS, TimeUnit.MILLISECONDS).join();
    assertTrue(f.isDone() && !f.isCompletedExceptionally());
  }
}
