package io.smolscale.impl.conformance;

import static io.smolscale.impl.conformance.Conformance.PATIENCE_SECONDS;
import static io.smolscale.impl.conformance.Conformance.await;
import static io.smolscale.impl.conformance.Conformance.awaitInBody;
import static io.smolscale.impl.conformance.Conformance.awaitTermination;
import static io.smolscale.impl.conformance.Conformance.awaitWaiting;
import static io.smolscale.impl.conformance.Conformance.capped;
import static io.smolscale.impl.conformance.Conformance.cleanUp;
import static io.smolscale.impl.conformance.Conformance.scheduler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Scheduler;
import io.smolscale.Task;
import io.smolscale.impl.conformance.Conformance.Helper;
import io.smolscale.impl.conformance.Conformance.Holders;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link java.util.concurrent.Future} contract, as its JDK javadoc states it, on {@link
 * Task} handles of private schedulers of parallelism 1 and 2. Each test names the clause it
 * checks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class FutureConformanceTest {

  /** An Error thrown by a body: also caught and kept in the handle. */
  static final class BodyError extends Error {
    private static final long serialVersionUID = 1L;

    BodyError(String message) {
      super(message);
    }
  }

  /**
   * Future.get: "Waits if necessary for the computation to complete, and then retrieves its
   * result"; after completion get() and get(timeout) (even a zero one) return it at once;
   * isDone: "Returns true if this task completed"; isCancelled false.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void getReturnsTheResultOfACompletedTask(int p) throws Exception {
    try (Scheduler s = scheduler(p).build()) {
      Task<String> t = s.submit(() -> "value");
      Task<?> r = s.submit(() -> { });
      assertEquals("value", await(t, "the task"));
      assertNull(await(r, "the runnable task"));
      assertTrue(t.isDone());
      assertFalse(t.isCancelled());
      assertEquals(Task.Status.SUCCEEDED, t.status());
      assertEquals("value", t.get());
      assertEquals("value", t.get(0, TimeUnit.NANOSECONDS));
      assertNull(r.get());
    }
  }

  /**
   * Future.get(timeout, unit): "@throws TimeoutException if the wait timed out", for a task held
   * on a latch (also with a zero timeout); the timeout does not cancel or complete the task,
   * which later completes normally.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void timedGetThrowsTimeoutExceptionWhileTheTaskIsHeld(int p) throws Exception {
    try (Scheduler s = scheduler(p).build(); Holders h = Holders.hold(s, 1)) {
      Task<String> t = h.tasks.get(0);
      assertThrows(TimeoutException.class, () -> t.get(50, TimeUnit.MILLISECONDS));
      assertThrows(TimeoutException.class, () -> t.get(0, TimeUnit.NANOSECONDS));
      assertFalse(t.isDone(), "isDone is false while the task runs");
      assertFalse(t.isCancelled());
      assertEquals(Task.Status.RUNNING, t.status());
      h.release();
      assertEquals("released", t.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
    }
  }

  /**
   * Future.get: "@throws InterruptedException if the current thread was interrupted while
   * waiting": with the interrupt status set before get() and get(timeout), and with an interrupt
   * arriving while another thread waits in get(); the task is not affected.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void getThrowsInterruptedExceptionWhenTheWaiterIsInterrupted(int p) throws Exception {
    try (Scheduler s = scheduler(p).build(); Holders h = Holders.hold(s, 1)) {
      Task<String> t = h.tasks.get(0);
      try {
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, t::get);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class,
            () -> t.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
      } finally {
        Thread.interrupted();
      }
      Helper<String> waiter = Helper.start("waiter", t::get);
      awaitWaiting(waiter.thread, "the waiter to block in get()");
      waiter.thread.interrupt();
      assertInstanceOf(InterruptedException.class, waiter.awaitFailure("the interrupted get()"));

      assertFalse(t.isDone(), "interrupting a waiter does not complete the task");
      assertEquals(1, h.interrupted.getCount(), "interrupting a waiter does not interrupt the body");
      h.release();
      assertEquals("released", await(t, "the task"));
    }
  }

  /**
   * Future.cancel: "If this task has not started when cancel is called, this task should never
   * run"; "Subsequent calls to isDone will always return true. Subsequent calls to isCancelled
   * will always return true if this method returned true"; get: "@throws CancellationException
   * if the computation was cancelled"; a second cancel returns false.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void cancelOfAPendingTaskMeansItNeverRuns(int p) throws Exception {
    AtomicInteger ran = new AtomicInteger();
    Scheduler s = capped(p).build();
    try (Holders h = Holders.hold(s, p)) {
      Task<Integer> pending = s.submit(ran::incrementAndGet);
      Task<Integer> pendingToo = s.submit(ran::incrementAndGet);
      assertEquals(Task.Status.PENDING, pending.status());
      assertTrue(pending.cancel(false));
      assertTrue(pendingToo.cancel(true));
      for (Task<Integer> t : List.of(pending, pendingToo)) {
        assertTrue(t.isDone());
        assertTrue(t.isCancelled());
        assertEquals(Task.Status.CANCELLED, t.status());
        assertThrows(CancellationException.class, t::get);
        assertThrows(CancellationException.class, () -> t.get(1, TimeUnit.SECONDS));
        assertThrows(CancellationException.class, t::join);
        assertFalse(t.cancel(false), "already cancelled: false");
        assertFalse(t.cancel(true), "already cancelled: false");
      }
      h.release();
      s.shutdown();
      awaitTermination(s, "the scheduler to run (or discard) everything it accepted");
      assertEquals(0, ran.get(), "a task cancelled before it started never runs");
      assertTrue(pending.isCancelled() && pendingToo.isCancelled());
    } finally {
      cleanUp(s);
    }
  }

  /**
   * Future.cancel(true): "If the task has already started, then the mayInterruptIfRunning
   * parameter determines whether the thread executing this task should be interrupted in an
   * attempt to stop the task": the body waiting on a latch is interrupted; the handle is
   * cancelled at once; the interrupt does not leak into the next task run by the workers.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void cancelTrueOfARunningTaskInterruptsIt(int p) throws Exception {
    try (Scheduler s = capped(p).build(); Holders h = Holders.hold(s, 1)) {
      Task<String> t = h.tasks.get(0);
      assertEquals(Task.Status.RUNNING, t.status());
      assertTrue(t.cancel(true));
      assertTrue(t.isDone());
      assertTrue(t.isCancelled());
      assertEquals(Task.Status.CANCELLED, t.status());
      assertThrows(CancellationException.class, t::get);
      await(h.interrupted, "the cancelled body to be interrupted");
      for (int i = 0; i < 2 * p; i++) {
        assertFalse(await(s.submit(() -> Thread.currentThread().isInterrupted()), "a next task"),
            "the cancelling interrupt does not leak into a later task");
      }
    }
  }

  /**
   * Future.cancel(false): "otherwise, in-progress tasks are allowed to complete": the running
   * body is not interrupted and runs to its end, but the handle is cancelled at once (isDone,
   * isCancelled, get throws CancellationException) and stays cancelled after the body returns.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void cancelFalseOfARunningTaskLetsItRunUninterrupted(int p) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Boolean> endedInterrupted = new CompletableFuture<>();
    try (Scheduler s = scheduler(p).build()) {
      Task<String> t = s.submit(() -> {
        started.countDown();
        try {
          awaitInBody(release);
          endedInterrupted.complete(Thread.currentThread().isInterrupted());
        } catch (InterruptedException e) {
          endedInterrupted.complete(true);
        }
        return "body";
      });
      try {
        await(started, "the body to start");
        assertTrue(t.cancel(false));
        assertTrue(t.isDone());
        assertTrue(t.isCancelled());
        assertThrows(CancellationException.class, t::get);
      } finally {
        release.countDown();
      }
      assertFalse(await(endedInterrupted, "the body to end"), "the body was not interrupted");
      assertTrue(t.isCancelled(), "the body's later result does not undo the cancellation");
      assertEquals(Task.Status.CANCELLED, t.status());
    }
  }

  /**
   * Future.cancel: "This method has no effect if the task is already completed ... @return false
   * if the task could not be cancelled, typically because it has already completed": for a
   * task that succeeded and one that failed; their outcome is unchanged.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void cancelReturnsFalseOnceTheTaskCompleted(int p) throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    try (Scheduler s = scheduler(p).build()) {
      Task<String> ok = s.submit(() -> "ok");
      Task<String> failed = s.submit(() -> {
        throw boom;
      });
      assertEquals("ok", await(ok, "the task"));
      assertThrows(ExecutionException.class, () -> failed.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
      for (Task<String> t : List.of(ok, failed)) {
        assertFalse(t.cancel(false));
        assertFalse(t.cancel(true));
        assertFalse(t.isCancelled());
        assertTrue(t.isDone());
      }
      assertEquals("ok", ok.get());
      assertEquals(Task.Status.SUCCEEDED, ok.status());
      assertSame(boom, assertThrows(ExecutionException.class, failed::get).getCause());
      assertEquals(Task.Status.FAILED, failed.status());
    }
  }

  /**
   * Future.get: "@throws ExecutionException if the computation threw an exception", with that
   * exception as the cause (unchecked, checked, and an Error), for get() and get(timeout); the
   * task is done and not cancelled; join wraps the same cause in CompletionException.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void getOfAFailedTaskThrowsExecutionExceptionWithTheCause(int p) throws Exception {
    List<Throwable> causes = List.of(new IllegalArgumentException("unchecked"),
        new IOException("checked"), new BodyError("error"));
    try (Scheduler s = scheduler(p).build()) {
      for (Throwable cause : causes) {
        Task<String> t = s.submit(() -> {
          if (cause instanceof Exception) {
            throw (Exception) cause;
          }
          throw (Error) cause;
        });
        ExecutionException timed = assertThrows(ExecutionException.class,
            () -> t.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        assertSame(cause, timed.getCause());
        assertSame(cause, assertThrows(ExecutionException.class, t::get).getCause());
        assertSame(cause, assertThrows(CompletionException.class, t::join).getCause());
        assertTrue(t.isDone());
        assertFalse(t.isCancelled());
        assertEquals(Task.Status.FAILED, t.status());
      }
    }
  }
}
