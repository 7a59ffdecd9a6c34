package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.PATIENCE_SECONDS;
import static io.smolscale.impl.api.Support.await;
import static io.smolscale.impl.api.Support.awaitInBody;
import static io.smolscale.impl.api.Support.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Scheduler;
import io.smolscale.Task;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.function.Executable;

/**
 * Only the body decides a task's outcome (Task's javadoc: "transitions only go forward",
 * "failures never vanish"): the completion methods that {@code CompletableFuture} makes public
 * are refused on the task, and {@code toCompletableFuture()} is a dependent copy that outside code
 * may complete without changing the task.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class TaskSealedTest {

  @SuppressWarnings("unchecked")
  private static <T> CompletableFuture<T> asFuture(Task<T> t) {
    return (CompletableFuture<T>) (Object) t; // what outside code can do with the handle
  }

  private static void assertRefused(Executable e) {
    assertThrows(UnsupportedOperationException.class, e);
  }

  // A FAILED task stays FAILED with its failure: every outside completion is refused.
  @Test
  void aFailedTaskCannotBeOverwritten() {
    try (Scheduler s = small(1).build()) {
      IllegalStateException boom = new IllegalStateException("boom");
      Task<Integer> t = s.spawn(() -> { throw boom; });
      assertThrows(ExecutionException.class, () -> t.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
      CompletableFuture<Integer> f = asFuture(t);
      assertRefused(() -> f.complete(1));
      assertRefused(() -> f.completeExceptionally(new RuntimeException()));
      assertRefused(() -> f.obtrudeValue(1));
      assertRefused(() -> f.obtrudeException(new RuntimeException()));
      assertRefused(() -> f.completeAsync(() -> 1));
      assertRefused(() -> f.completeAsync(() -> 1, Runnable::run));
      assertRefused(() -> f.completeOnTimeout(1, 1, TimeUnit.NANOSECONDS));
      assertRefused(() -> f.orTimeout(1, TimeUnit.NANOSECONDS));
      assertEquals(Task.Status.FAILED, t.status());
      assertEquals(boom, t.failure());
    }
  }

  // Completing the copy of a running task leaves the task RUNNING; the body's own result wins.
  @Test
  void completingTheCopyOfARunningTaskDoesNotChangeTheTask() {
    try (Scheduler s = small(1).build()) {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Task<Integer> t =
          s.spawn(
              () -> {
                started.countDown();
                awaitInBody(release);
                return 42;
              });
      await(started, "the body to start");
      CompletableFuture<Integer> copy = t.toCompletableFuture();
      assertNotSame(t, copy);
      assertTrue(copy.complete(5), "the copy is the caller's to complete");
      assertEquals(5, copy.join());
      assertTrue(copy.orTimeout(1, TimeUnit.NANOSECONDS).isDone());
      assertEquals(Task.Status.RUNNING, t.status(), "the copy's completion reached the task");
      release.countDown();
      assertEquals(42, t.join());
      assertEquals(Task.Status.SUCCEEDED, t.status());
    }
  }

  // A copy follows the task's outcome: value, failure, and cancellation (a cancelled copy).
  @Test
  void theCopyFollowsTheTask() {
    try (Scheduler s = small(1).build()) {
      assertEquals(3, await(s.spawn(() -> 3).toCompletableFuture(), "the copy"));
      CountDownLatch never = new CountDownLatch(1);
      Task<Integer> held =
          s.spawn(
              () -> {
                awaitInBody(never);
                return 0;
              });
      CompletableFuture<Integer> copy = held.toCompletableFuture();
      assertTrue(held.cancel(true));
      assertTrue(copy.isCancelled(), "the copy of a cancelled task is cancelled");
      CompletableFuture<Integer> other = s.spawn(() -> 9).toCompletableFuture();
      assertTrue(other.cancel(false) || other.isDone());
      Task<Integer> unaffected = s.spawn(() -> 10);
      unaffected.toCompletableFuture().cancel(true);
      assertEquals(10, unaffected.join(), "cancelling a copy does not cancel the task");
    }
  }

  // An async stage chained on a task is an ordinary dependent: its holder may complete it.
  @Test
  void dependentsOfATaskAreOrdinaryFutures() {
    try (Scheduler s = small(1).build()) {
      CountDownLatch release = new CountDownLatch(1);
      Task<Integer> t =
          s.spawn(
              () -> {
                awaitInBody(release);
                return 1;
              });
      CompletableFuture<Integer> next = t.thenApply(v -> v + 1).toCompletableFuture();
      assertTrue(next.complete(100));
      release.countDown();
      assertEquals(1, t.join());
      assertEquals(100, next.join());
      assertInstanceOf(CompletableFuture.class, next);
    }
  }
}
