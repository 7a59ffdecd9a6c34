package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.await;
import static io.smolscale.impl.api.Support.awaitCondition;
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

import io.smolscale.Scheduler;
import io.smolscale.Task;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** Behaviour of a {@link Task} handle: results, states, cancellation, continuations, memory effects. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class TaskTest {

  // join(), get() and get(timeout) all return the body's result.
  @Test
  void joinAndGetReturnTheBodysResult() throws Exception {
    try (Scheduler s = small(2).build()) {
      Task<String> t = s.spawn(() -> "answer");
      assertEquals("answer", t.join());
      assertEquals("answer", t.get());
      assertEquals("answer", t.get(1, TimeUnit.SECONDS));
      assertTrue(t.isDone());
      assertFalse(t.isCancelled());
      assertNull(t.failure());
    }
  }

  // A timed get() on a task that cannot finish yet times out instead of returning.
  @Test
  void timedGetOfUnfinishedTaskTimesOut() {
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = small(1).build()) {
      Task<Integer> t = s.spawn(() -> {
        awaitInBody(release);
        return 1;
      });
      assertThrows(TimeoutException.class, () -> t.get(20, TimeUnit.MILLISECONDS));
      assertFalse(t.isDone());
      release.countDown();
      assertEquals(1, t.join());
    }
  }

  // A task goes PENDING (queued behind a busy worker), RUNNING (in its body), then SUCCEEDED.
  @Test
  void stateMovesFromPendingThroughRunningToSucceeded() throws Exception {
    CountDownLatch holderStarted = new CountDownLatch(1);
    CountDownLatch releaseHolder = new CountDownLatch(1);
    CountDownLatch inBody = new CountDownLatch(1);
    CountDownLatch releaseBody = new CountDownLatch(1);
    try (Scheduler s = singleWorker().build()) {
      s.spawn(() -> {
        holderStarted.countDown();
        awaitInBody(releaseHolder);
        return null;
      });
      await(holderStarted, "the holder to occupy the only worker");
      Task<Integer> t = s.spawn(() -> {
        inBody.countDown();
        awaitInBody(releaseBody);
        return 7;
      });
      assertEquals(Task.Status.PENDING, t.status());
      assertFalse(t.status().isDone());
      releaseHolder.countDown();
      await(inBody, "the task's body to start");
      assertEquals(Task.Status.RUNNING, t.status());
      assertFalse(t.isDone());
      releaseBody.countDown();
      assertEquals(7, t.join());
      assertEquals(Task.Status.SUCCEEDED, t.status());
      assertTrue(t.status().isDone());
    }
  }

  // Cancelling a pending task completes it as CANCELLED at once, and its body never runs.
  @Test
  void cancelledPendingTaskNeverRuns() {
    CountDownLatch holderStarted = new CountDownLatch(1);
    CountDownLatch releaseHolder = new CountDownLatch(1);
    AtomicBoolean ran = new AtomicBoolean();
    Scheduler s = singleWorker().build();
    try (s) {
      s.spawn(() -> {
        holderStarted.countDown();
        awaitInBody(releaseHolder);
        return null;
      });
      await(holderStarted, "the holder to occupy the only worker");
      Task<Void> victim = s.spawn(() -> ran.set(true));
      assertEquals(Task.Status.PENDING, victim.status());
      assertTrue(victim.cancel(false));
      assertEquals(Task.Status.CANCELLED, victim.status());
      assertTrue(victim.isCancelled());
      assertTrue(victim.isDone());
      assertInstanceOf(CancellationException.class, victim.failure());
      assertThrows(CancellationException.class, victim::join);
      assertFalse(victim.cancel(true), "a second cancel does not move the task again");
      releaseHolder.countDown();
      // A task queued after the victim runs, so the worker has passed the victim's slot.
      assertEquals("after", s.spawn(() -> "after").join());
    }
    assertFalse(ran.get(), "the cancelled body never ran");
  }

  // cancel(true) interrupts the running body, and the interrupt is consumed: the next task on
  // the same worker does not start interrupted, even if the cancelled body re-asserted it.
  @Test
  void cancelWithInterruptStopsRunningBodyAndDoesNotLeakIntoNextTask() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Thread> victimThread = new CompletableFuture<>();
    CompletableFuture<Boolean> victimSawInterrupt = new CompletableFuture<>();
    try (Scheduler s = singleWorker().build()) {
      Task<String> victim = s.spawn(() -> {
        victimThread.complete(Thread.currentThread());
        started.countDown();
        try {
          new CountDownLatch(1).await(Support.PATIENCE_SECONDS, TimeUnit.SECONDS);
          victimSawInterrupt.complete(false);
        } catch (InterruptedException e) {
          victimSawInterrupt.complete(true);
          Thread.currentThread().interrupt(); // a body that (wrongly) keeps the flag set
        }
        return "discarded";
      });
      await(started, "the victim to start");
      // Queued behind the victim on the only worker, so they run right after it on its thread.
      Task<Boolean> next = s.spawn(() -> Thread.currentThread().isInterrupted());
      Task<Thread> nextThread = s.spawn(Thread::currentThread);
      assertTrue(victim.cancel(true));
      assertEquals(Task.Status.CANCELLED, victim.status());
      assertThrows(CancellationException.class, victim::join);
      assertTrue(await(victimSawInterrupt, "the victim to see the interrupt"));
      assertFalse(next.join(), "the next task must not start interrupted");
      assertSame(await(victimThread, "the victim's thread"), nextThread.join(), "same worker");
    }
  }

  // cancel(false) does not interrupt a running body; the body finishes but its result is dropped.
  @Test
  void cancelWithoutInterruptLetsBodyFinishAndDiscardsResult() {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Boolean> interruptedAtEnd = new CompletableFuture<>();
    try (Scheduler s = small(1).build()) {
      Task<String> t = s.spawn(() -> {
        started.countDown();
        Support.awaitUninterruptibly(release);
        interruptedAtEnd.complete(Thread.currentThread().isInterrupted());
        return "dropped";
      });
      await(started, "the body to start");
      assertTrue(t.cancel(false));
      assertEquals(Task.Status.CANCELLED, t.status());
      release.countDown();
      assertFalse(await(interruptedAtEnd, "the body to finish"), "cancel(false) must not interrupt");
      assertThrows(CancellationException.class, t::join);
      assertEquals(Task.Status.CANCELLED, t.status(), "a late result does not revive the task");
    }
  }

  // Cancelling a finished task does nothing and returns false.
  @Test
  void cancelOfCompletedTaskReturnsFalse() {
    try (Scheduler s = small(1).build()) {
      Task<Integer> t = s.spawn(() -> 3);
      assertEquals(3, t.join());
      assertFalse(t.cancel(true));
      assertEquals(Task.Status.SUCCEEDED, t.status());
      assertEquals(3, t.join());
    }
  }

  // detach() returns the same handle, is idempotent, does not cancel, and the task still completes.
  @Test
  void detachMarksTheTaskWithoutCancellingIt() {
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = small(1).build()) {
      Task<Integer> t = s.spawn(() -> {
        awaitInBody(release);
        return 5;
      });
      assertFalse(t.isDetached());
      assertSame(t, t.detach());
      assertSame(t, t.detach());
      assertTrue(t.isDetached());
      assertFalse(t.isCancelled());
      release.countDown();
      assertEquals(5, t.join());
      assertEquals(Task.Status.SUCCEEDED, t.status());
    }
  }

  // An async continuation without an executor runs on a worker of the task's scheduler, and so
  // do the async continuations of the stages derived from it.
  @Test
  void asyncContinuationsRunOnTheTasksScheduler() {
    try (Scheduler s = small(2).build(); Scheduler other = small(1).build()) {
      Task<Integer> t = s.spawn(() -> 1);
      CompletionStage<Boolean> onWorker = t.thenApplyAsync(v -> s.isWorkerThread());
      CompletionStage<Boolean> derived =
          t.thenApply(v -> v + 1).thenApplyAsync(v -> s.isWorkerThread());
      CompletableFuture<Boolean> accepted = new CompletableFuture<>();
      t.thenAcceptAsync(v -> accepted.complete(s.isWorkerThread()));
      CompletionStage<Boolean> combined =
          t.thenCombineAsync(other.spawn(() -> 2), (a, b) -> s.isWorkerThread());
      assertTrue(await(onWorker.toCompletableFuture(), "thenApplyAsync"));
      assertTrue(await(derived.toCompletableFuture(), "a derived stage's thenApplyAsync"));
      assertTrue(await(accepted, "thenAcceptAsync"));
      assertTrue(await(combined.toCompletableFuture(), "thenCombineAsync"));
      assertFalse(s.isWorkerThread(), "the test thread is not a worker");
    }
  }

  // Writes made before spawn are seen by the body, and the body's writes are seen after join,
  // through plain (non-volatile) fields. Such a test can show a missing edge, never prove there
  // is no race; it checks that the documented happens-before edges hold in the common case.
  @Test
  void spawnAndJoinPublishPlainWrites() {
    try (Scheduler s = small(2).build()) {
      for (int round = 0; round < 1_000; round++) {
        Box box = new Box();
        box.in = round;
        box.text = "r" + round;
        int expected = round;
        Task<Boolean> t = s.spawn(() -> {
          boolean saw = box.in == expected && ("r" + expected).equals(box.text);
          box.out = expected * 2;
          box.text = "done";
          return saw;
        });
        assertTrue(t.join(), "body saw the writes made before spawn");
        assertEquals(round * 2, box.out, "join saw the body's writes");
        assertEquals("done", box.text);
      }
    }
  }

  /** Plain fields on purpose: the task's happens-before edges are what make them visible. */
  private static final class Box {
    int in;
    int out;
    String text;
  }

  // join() on a worker compensates: the joined task, queued on the joiner's own worker, still
  // runs although the scheduler has parallelism 1 and preemption off.
  @Test
  void joinOnAWorkerDoesNotStarveTheJoinedTask() {
    try (Scheduler s =
        Scheduler.builder().parallelism(1).maxThreads(2).preemption(false)
            .keepAlive(Support.KEEP_ALIVE).build()) {
      Task<Integer> outer = s.spawn(() -> {
        Task<Integer> inner = s.spawn(() -> 20); // queued locally, behind the running outer task
        return inner.join() + inner.get() + 2;
      });
      assertEquals(42, outer.join());
      assertTrue(s.stats().compensations() >= 1, "the joining worker compensated: " + s.stats());
    }
  }

  // failure() is null while a task is pending, running or succeeded.
  @Test
  void failureIsNullUnlessTheTaskFailedOrWasCancelled() {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = small(1).build()) {
      Task<Integer> t = s.spawn(() -> {
        started.countDown();
        awaitInBody(release);
        return 1;
      });
      await(started, "the body to start");
      assertNull(t.failure());
      release.countDown();
      t.join();
      assertNull(t.failure());
    }
  }

  // A task spawned on one scheduler that is cancelled while its body runs ends CANCELLED even if
  // the body then throws: the first completion wins.
  @Test
  void cancelledTaskStaysCancelledWhenItsBodyThrowsAfterwards() {
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Throwable> seen = new AtomicReference<>();
    try (Scheduler s = small(1).build()) {
      Task<Void> t = s.spawn(() -> {
        started.countDown();
        try {
          new CountDownLatch(1).await(Support.PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          seen.set(e);
          throw new IllegalStateException("thrown after cancellation");
        }
      });
      await(started, "the body to start");
      assertTrue(t.cancel(true));
      awaitCondition(() -> seen.get() != null, "the body to be interrupted");
      assertEquals(Task.Status.CANCELLED, t.status());
      assertInstanceOf(CancellationException.class, t.failure());
    }
  }
}
