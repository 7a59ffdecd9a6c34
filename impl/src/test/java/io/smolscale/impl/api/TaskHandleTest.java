package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.await;
import static io.smolscale.impl.api.Support.awaitInBody;
import static io.smolscale.impl.api.Support.singleWorker;
import static io.smolscale.impl.api.Support.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Nursery;
import io.smolscale.Scheduler;
import io.smolscale.Task;
import io.smolscale.TimeoutCancellationException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * The handle additions of issue 16: continuations typed as {@link CompletableFuture}, {@link
 * Task#join(Duration)} and {@link Task#cancelAfter(Duration)}. No test sleeps: each waits for a
 * latch or a join, and a timing decision is checked only from below (a timer never fires early),
 * with generous bounds above.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class TaskHandleTest {
  private static final Duration PATIENCE = Duration.ofSeconds(Support.PATIENCE_SECONDS);

  private static Scheduler compensatingSingleWorker() {
    return Scheduler.builder().parallelism(1).maxThreads(2).preemption(false)
        .keepAlive(Support.KEEP_ALIVE).build();
  }

  // ------------------------------------------------------------------ typed continuations

  // Proves that every continuation of a task is typed CompletableFuture (the assignments compile)
  // and can be joined directly, with the outcome each one defines.
  @Test
  void everyContinuationIsACompletableFutureThatJoins() {
    try (Scheduler s = small(2).build()) {
      Task<Integer> t = s.spawn(() -> 20);
      Task<Integer> failed = s.spawn(() -> {
        throw new IllegalStateException("boom");
      });
      CompletableFuture<Integer> other = CompletableFuture.completedFuture(1);
      AtomicLong sink = new AtomicLong();

      assertEquals(42, t.thenApply(x -> x + 1).thenApply(x -> 2 * x).join());
      CompletableFuture<Integer> applied = t.thenApplyAsync(x -> x + 1);
      assertEquals(21, applied.join());
      assertEquals(22, t.thenApplyAsync(x -> x + 2, Runnable::run).join());
      CompletableFuture<Void> accepted = t.thenAccept(sink::addAndGet);
      assertNull(accepted.join());
      assertNull(t.thenAcceptAsync(sink::addAndGet).join());
      assertNull(t.thenAcceptAsync(sink::addAndGet, Runnable::run).join());
      assertEquals(60, sink.get());
      assertNull(t.thenRun(sink::incrementAndGet).join());
      assertNull(t.thenRunAsync(sink::incrementAndGet).join());
      assertNull(t.thenRunAsync(sink::incrementAndGet, Runnable::run).join());
      assertEquals(63, sink.get());
      assertEquals(21, t.thenCombine(other, Integer::sum).join());
      assertEquals(21, t.thenCombineAsync(other, Integer::sum).join());
      assertEquals(21, t.thenCombineAsync(other, Integer::sum, Runnable::run).join());
      assertNull(t.thenAcceptBoth(other, (a, b) -> sink.addAndGet(a + b)).join());
      assertNull(t.thenAcceptBothAsync(other, (a, b) -> sink.addAndGet(a + b)).join());
      assertNull(t.thenAcceptBothAsync(other, (a, b) -> sink.addAndGet(a + b), Runnable::run)
          .join());
      assertEquals(63 + 3 * 21, sink.get());
      assertNull(t.runAfterBoth(other, sink::incrementAndGet).join());
      assertNull(t.runAfterBothAsync(other, sink::incrementAndGet).join());
      assertNull(t.runAfterBothAsync(other, sink::incrementAndGet, Runnable::run).join());
      CompletableFuture<Integer> never = new CompletableFuture<>();
      assertEquals(40, t.applyToEither(never, x -> 2 * x).join());
      assertEquals(40, t.applyToEitherAsync(never, x -> 2 * x).join());
      assertEquals(40, t.applyToEitherAsync(never, x -> 2 * x, Runnable::run).join());
      assertNull(t.acceptEither(never, sink::addAndGet).join());
      assertNull(t.acceptEitherAsync(never, sink::addAndGet).join());
      assertNull(t.acceptEitherAsync(never, sink::addAndGet, Runnable::run).join());
      assertNull(t.runAfterEither(never, sink::incrementAndGet).join());
      assertNull(t.runAfterEitherAsync(never, sink::incrementAndGet).join());
      assertNull(t.runAfterEitherAsync(never, sink::incrementAndGet, Runnable::run).join());
      assertEquals(63 + 3 * 21 + 3 + 3 * 20 + 3, sink.get());
      assertEquals(21, t.thenCompose(x -> s.spawn(() -> x + 1)).join());
      assertEquals(21, t.thenComposeAsync(x -> s.spawn(() -> x + 1)).join());
      assertEquals(21, t.thenComposeAsync(x -> s.spawn(() -> x + 1), Runnable::run).join());
      assertEquals("boom", failed.handle((v, e) -> e.getMessage()).join());
      assertEquals("boom", failed.handleAsync((v, e) -> e.getMessage()).join());
      assertEquals("boom", failed.handleAsync((v, e) -> e.getMessage(), Runnable::run).join());
      CompletableFuture<Integer> completed = t.whenComplete((v, e) -> sink.incrementAndGet());
      assertEquals(20, completed.join());
      assertEquals(20, t.whenCompleteAsync((v, e) -> sink.incrementAndGet()).join());
      assertEquals(20, t.whenCompleteAsync((v, e) -> sink.incrementAndGet(), Runnable::run)
          .join());
      assertEquals(-1, failed.exceptionally(e -> -1).join());
      assertEquals(-1, failed.exceptionallyAsync(e -> -1).join());
      assertEquals(-1, failed.exceptionallyAsync(e -> -1, Runnable::run).join());
      assertEquals(-2, failed.exceptionallyCompose(e -> s.spawn(() -> -2)).join());
      assertEquals(-2, failed.exceptionallyComposeAsync(e -> s.spawn(() -> -2)).join());
      assertEquals(-2, failed.exceptionallyComposeAsync(e -> s.spawn(() -> -2), Runnable::run)
          .join());
      CompletionException e =
          assertThrows(CompletionException.class, () -> failed.thenApply(x -> x + 1).join());
      assertEquals("boom", e.getCause().getMessage());
    }
  }

  // Proves the async stages of a derived stage still run on the task's scheduler, as the Task
  // javadoc promises for the task itself: a stage two steps from the task, and its own async
  // continuation.
  @Test
  void asyncStagesOfDerivedStagesRunOnTheTasksScheduler() {
    try (Scheduler s = small(2).build()) {
      Task<Integer> t = s.spawn(() -> 1);
      CompletableFuture<Boolean> onWorker =
          t.thenApply(x -> x + 1).thenApplyAsync(x -> s.isWorkerThread());
      assertTrue(onWorker.join(), "thenApply(..).thenApplyAsync ran on a worker");
      assertTrue(t.handleAsync((v, e) -> s.isWorkerThread()).join());
      assertTrue(t.whenComplete((v, e) -> { }).thenApplyAsync(x -> s.isWorkerThread()).join());
    }
  }

  // Proves join() of a derived stage compensates on a worker: the stage depends on a task queued
  // behind the joining task on the only worker, with preemption off; without compensation this
  // deadlocks (the test's timeout fails it).
  @Test
  void joinOfADerivedStageOnAWorkerCompensates() {
    try (Scheduler s = compensatingSingleWorker()) {
      Task<Integer> outer = s.spawn(() -> s.spawn(() -> 20).thenApply(x -> x + 22).join());
      assertEquals(42, outer.join());
      assertTrue(s.stats().compensations() >= 1, s.stats().toString());
    }
  }

  // ------------------------------------------------------------------ join(Duration)

  // join(Duration) returns the result of a task done in time, and a task's failure or
  // cancellation exactly as join() reports them.
  @Test
  void timedJoinReportsOutcomesAsJoinDoes() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    try (Scheduler s = small(2).build()) {
      assertEquals("x", s.spawn(() -> "x").join(PATIENCE));
      Task<Integer> failed = s.spawn(() -> {
        throw boom;
      });
      CompletionException e =
          assertThrows(CompletionException.class, () -> failed.join(PATIENCE));
      assertSame(boom, e.getCause());
      CountDownLatch never = new CountDownLatch(1);
      Task<Integer> cancelled = s.spawn(() -> {
        awaitInBody(never);
        return 1;
      });
      cancelled.cancel(true);
      assertThrows(CancellationException.class, () -> cancelled.join(PATIENCE));
    }
  }

  // A task not done in time: TimeoutException naming the timeout, the task untouched (it still
  // runs and then succeeds). Zero and negative timeouts do not wait; on a done task they answer.
  @Test
  void timedJoinTimesOutWithoutChangingTheTask() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = small(1).build()) {
      Task<Integer> t = s.spawn(() -> {
        awaitInBody(release);
        return 7;
      });
      TimeoutException e =
          assertThrows(TimeoutException.class, () -> t.join(Duration.ofMillis(20)));
      assertTrue(e.getMessage().contains("PT0.02S"), e.getMessage());
      assertThrows(TimeoutException.class, () -> t.join(Duration.ZERO));
      assertThrows(TimeoutException.class, () -> t.join(Duration.ofMillis(-5)));
      assertFalse(t.isDone(), "a timed-out join does not change the task");
      release.countDown();
      assertEquals(7, t.join());
      assertEquals(7, t.join(Duration.ZERO));
      assertEquals(7, t.join(Duration.ofMillis(-5)));
    }
  }

  // Durations too long for a long of nanoseconds saturate: the join waits until the task is done.
  @Test
  void hugeTimeoutWaitsUntilDone() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = small(1).build()) {
      Task<Integer> t = s.spawn(() -> {
        awaitInBody(release);
        return 9;
      });
      Task<Integer> joiner = s.spawnBlocking(() -> t.join(Duration.ofSeconds(Long.MAX_VALUE)));
      release.countDown();
      assertEquals(9, joiner.join());
    }
  }

  // An interrupted waiter gets InterruptedException (so cancelling a task that waits in a timed
  // join ends its wait), and the interrupt status is cleared.
  @Test
  void timedJoinIsInterruptible() {
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = small(1).build()) {
      Task<Integer> t = s.spawn(() -> {
        awaitInBody(release);
        return 1;
      });
      Thread.currentThread().interrupt();
      assertThrows(InterruptedException.class, () -> t.join(PATIENCE));
      assertFalse(Thread.currentThread().isInterrupted(), "interrupt status cleared");
      release.countDown();
      assertEquals(1, t.join());
    } finally {
      Thread.interrupted();
    }
  }

  // Proves join(Duration) on a worker compensates like join(): the joined task is queued behind
  // the joiner on the only worker, preemption is off; without compensation the join would time
  // out after the whole patience instead of returning 20.
  @Test
  void timedJoinOnAWorkerCompensates() {
    try (Scheduler s = compensatingSingleWorker()) {
      Task<Integer> outer = s.spawn(() -> s.spawn(() -> 20).join(PATIENCE) + 22);
      assertEquals(42, outer.join());
      assertTrue(s.stats().compensations() >= 1, s.stats().toString());
    }
  }

  @Test
  void timedJoinRejectsNullNamingIt() {
    try (Scheduler s = small(1).build()) {
      Task<Integer> t = s.spawn(() -> 1);
      NullPointerException e = assertThrows(NullPointerException.class, () -> t.join(null));
      assertEquals("timeout", e.getMessage());
    }
  }

  // ------------------------------------------------------------------ cancelAfter(Duration)

  // A running body past its timeout is interrupted; the task is CANCELLED with a
  // TimeoutCancellationException naming the timeout, given by failure(), join() and get(); and
  // the cancel came no earlier than the timeout after the call (the only timing assertion, from
  // below, which a loaded machine cannot break).
  @Test
  void cancelAfterInterruptsARunningBodyAndCancelsWithATimeoutReason() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    AtomicLong interruptedAt = new AtomicLong();
    Duration timeout = Duration.ofMillis(50);
    try (Scheduler s = small(1).build()) {
      Task<Integer> t = s.spawn(() -> {
        started.countDown();
        try {
          awaitInBody(new CountDownLatch(1));
        } catch (InterruptedException e) {
          interruptedAt.set(System.nanoTime());
          interrupted.countDown();
          throw e;
        }
        return 1;
      });
      await(started, "the body to start");
      long calledAt = System.nanoTime();
      assertSame(t, t.cancelAfter(timeout));
      await(interrupted, "the timeout to interrupt the body");
      assertTrue(interruptedAt.get() - calledAt >= timeout.toNanos(), "not before the timeout");
      assertEquals(Task.Status.CANCELLED, t.status());
      assertTrue(t.isCancelled());
      TimeoutCancellationException reason =
          assertInstanceOf(TimeoutCancellationException.class, t.failure());
      assertEquals(timeout, reason.timeout());
      assertTrue(reason.getMessage().contains("PT0.05S"), reason.getMessage());
      assertSame(reason, assertThrows(CancellationException.class, t::join));
      assertSame(reason, assertThrows(CancellationException.class, t::get));
    }
  }

  // A task that completes before its timeout is untouched: SUCCEEDED with its own result.
  @Test
  void aTaskDoneBeforeItsTimeoutIsNotCancelled() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = small(1).build()) {
      Task<Integer> t = s.spawn(() -> {
        awaitInBody(release);
        return 5;
      }).cancelAfter(PATIENCE);
      release.countDown();
      assertEquals(5, t.join());
      assertEquals(Task.Status.SUCCEEDED, t.status());
      assertEquals(5, s.spawn(() -> 5).cancelAfter(Duration.ofDays(365)).join());
    }
  }

  // A pending task whose timeout passes never runs (its worker is held by another task).
  @Test
  void aPendingTaskPastItsTimeoutNeverRuns() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch releaseHolder = new CountDownLatch(1);
    AtomicBoolean ran = new AtomicBoolean();
    try (Scheduler s = singleWorker().build()) {
      s.spawn(() -> {
        holding.countDown();
        awaitInBody(releaseHolder);
        return null;
      });
      await(holding, "the holder to occupy the only worker");
      Task<Void> t = s.spawn(() -> ran.set(true)).cancelAfter(Duration.ofMillis(10));
      assertInstanceOf(
          TimeoutCancellationException.class,
          assertThrows(CancellationException.class, t::join));
      releaseHolder.countDown();
      assertEquals(1, s.spawn(() -> 1).join(), "the worker went on");
      assertFalse(ran.get(), "the cancelled body never ran");
    }
  }

  // Zero or negative: cancelled at once, on the calling thread; a done task is left alone.
  @Test
  void nonPositiveTimeoutCancelsAtOnce() {
    try (Scheduler s = small(1).build()) {
      for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(-1)}) {
        CountDownLatch never = new CountDownLatch(1);
        Task<Integer> t = s.spawn(() -> {
          awaitInBody(never);
          return 1;
        });
        t.cancelAfter(d);
        assertTrue(t.isCancelled(), "cancelled before cancelAfter returned");
        assertEquals(d, ((TimeoutCancellationException) t.failure()).timeout());
      }
      Task<Integer> done = s.spawn(() -> 3);
      assertEquals(3, done.join());
      assertEquals(3, done.cancelAfter(Duration.ZERO).join());
      assertEquals(Task.Status.SUCCEEDED, done.status());
    }
  }

  // An async task's timeout cancels the stage its supplier returned.
  @Test
  void cancelAfterCancelsAnAsyncTasksStage() {
    CompletableFuture<Integer> stage = new CompletableFuture<>();
    try (Scheduler s = small(1).build()) {
      Task<Integer> t = s.spawnAsync(() -> stage).cancelAfter(Duration.ofMillis(10));
      assertThrows(CancellationException.class, t::join);
      Support.awaitCondition(stage::isCancelled, "the async stage to be cancelled");
    }
  }

  // In a nursery a child cancelled by its own timeout is not a failure: close() returns.
  @Test
  void aNurseryChildCancelledByItsTimeoutDoesNotFailTheNursery() {
    try (Scheduler s = small(2).build()) {
      Task<Integer> child;
      Task<Integer> sibling;
      try (Nursery n = s.nursery()) {
        child = n.spawn(() -> {
          awaitInBody(new CountDownLatch(1));
          return 1;
        }).cancelAfter(Duration.ofMillis(10));
        sibling = n.spawn(() -> 2);
      }
      assertInstanceOf(TimeoutCancellationException.class, child.failure());
      assertEquals(2, sibling.join());
    }
  }

  @Test
  void cancelAfterRejectsNullNamingIt() {
    try (Scheduler s = small(1).build()) {
      Task<Integer> t = s.spawn(() -> 1);
      NullPointerException e = assertThrows(NullPointerException.class, () -> t.cancelAfter(null));
      assertEquals("timeout", e.getMessage());
      NullPointerException e2 =
          assertThrows(NullPointerException.class, () -> new TimeoutCancellationException(null));
      assertEquals("timeout", e2.getMessage());
    }
  }
}
