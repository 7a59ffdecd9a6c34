package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.awaitCondition;
import static io.smolscale.impl.api.Support.awaitInBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Scheduler;
import io.smolscale.Task;
import java.io.IOException;
import java.lang.Thread.UncaughtExceptionHandler;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Failures never vanish: a task's exception or Error is kept in its handle, a detached task's
 * failure reaches the uncaught-exception handler exactly once, and a failing task neither kills
 * its worker nor loses any other task.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class TaskFailureTest {

  /** A custom Error, standing for StackOverflowError-like failures that are not Exceptions. */
  static final class BodyError extends Error {
    private static final long serialVersionUID = 1L;

    BodyError(String message) {
      super(message);
    }
  }

  /** An uncaught-exception handler that records what it receives. */
  static final class Recorder implements UncaughtExceptionHandler {
    final ConcurrentLinkedQueue<Throwable> seen = new ConcurrentLinkedQueue<>();

    @Override
    public void uncaughtException(Thread t, Throwable e) {
      seen.add(e);
    }

    void awaitAtLeast(int n) {
      awaitCondition(() -> seen.size() >= n, n + " reports to reach the handler");
    }

    int count(Throwable e) {
      int n = 0;
      for (Throwable t : seen) {
        if (t == e) {
          n++;
        }
      }
      return n;
    }
  }

  private static Scheduler.Builder withHandler(Recorder r) {
    return Support.small(2).uncaughtExceptionHandler(r);
  }

  // A body's exception is kept in the handle: join wraps it, get wraps it, failure() is it.
  @Test
  void exceptionThrownByBodyIsCapturedInItsTask() {
    IllegalStateException boom = new IllegalStateException("boom");
    try (Scheduler s = Support.small(2).build()) {
      Task<Integer> t = s.spawn(() -> {
        throw boom;
      });
      CompletionException e = assertThrows(CompletionException.class, t::join);
      assertSame(boom, e.getCause());
      ExecutionException ee = assertThrows(ExecutionException.class, t::get);
      assertSame(boom, ee.getCause());
      assertSame(boom, t.failure());
      assertEquals(Task.Status.FAILED, t.status());
      assertTrue(t.isDone());
    }
  }

  // A checked exception from a Callable and an Error from a Runnable are captured the same way.
  @Test
  void checkedExceptionsAndErrorsAreCapturedToo() {
    IOException io = new IOException("disk");
    BodyError err = new BodyError("deep");
    try (Scheduler s = Support.small(2).build()) {
      Task<String> checked = s.spawn(() -> {
        throw io;
      });
      Task<Void> error = s.spawn((Runnable) () -> {
        throw err;
      });
      assertSame(io, assertThrows(CompletionException.class, checked::join).getCause());
      assertSame(err, assertThrows(CompletionException.class, error::join).getCause());
      assertSame(io, checked.failure());
      assertSame(err, error.failure());
      assertEquals(Task.Status.FAILED, checked.status());
      assertEquals(Task.Status.FAILED, error.status());
    }
  }

  // A task detached before it fails reports its failure to the handler, exactly once.
  @Test
  void detachedFailureReachesHandlerExactlyOnce() {
    Recorder handler = new Recorder();
    RuntimeException boom = new RuntimeException("detached boom");
    CountDownLatch release = new CountDownLatch(1);
    Scheduler s = withHandler(handler).build();
    try (s) {
      Task<Void> t = s.spawn(() -> {
        awaitInBody(release);
        throw boom;
      });
      t.detach();
      release.countDown();
      handler.awaitAtLeast(1);
      t.detach(); // idempotent: must not report again
      assertSame(boom, t.failure(), "a detached failure also stays in the handle");
    }
    // The scheduler has terminated: no report can still be on its way.
    assertEquals(1, handler.count(boom));
    assertEquals(1, handler.seen.size());
  }

  // A task that already failed when it is detached is reported at once, exactly once.
  @Test
  void failureDetachedAfterItHappenedIsReportedExactlyOnce() {
    Recorder handler = new Recorder();
    BodyError boom = new BodyError("already failed");
    Scheduler s = withHandler(handler).build();
    try (s) {
      Task<Integer> t = s.spawn(() -> {
        throw boom;
      });
      assertThrows(CompletionException.class, t::join);
      assertEquals(0, handler.seen.size(), "not reported while someone may join it");
      t.detach();
      handler.awaitAtLeast(1);
      t.detach();
    }
    assertEquals(1, handler.count(boom));
    assertEquals(1, handler.seen.size());
  }

  // Detaching while the failure happens (a race on every task) still reports each failure once.
  @Test
  void detachRacingFailureReportsEachFailureExactlyOnce() {
    Recorder handler = new Recorder();
    int n = 2_000;
    List<RuntimeException> failures = new ArrayList<>();
    Scheduler s = withHandler(handler).build();
    try (s) {
      for (int i = 0; i < n; i++) {
        RuntimeException e = new RuntimeException("race " + i);
        failures.add(e);
        s.spawn(() -> {
          throw e;
        }).detach();
      }
      handler.awaitAtLeast(n);
    }
    Map<Throwable, Integer> counts = new IdentityHashMap<>();
    for (Throwable t : handler.seen) {
      counts.merge(t, 1, Integer::sum);
    }
    for (RuntimeException e : failures) {
      assertEquals(1, counts.getOrDefault(e, 0), "reports of " + e.getMessage());
    }
    assertEquals(n, handler.seen.size());
  }

  // A failure nobody detached stays in its handle and never reaches the handler.
  @Test
  void undetachedFailureIsNotReported() {
    Recorder handler = new Recorder();
    Scheduler s = withHandler(handler).build();
    try (s) {
      Task<Integer> t = s.spawn(() -> {
        throw new IllegalStateException("kept");
      });
      assertThrows(CompletionException.class, t::join);
    }
    assertEquals(0, handler.seen.size());
  }

  // A raw Runnable given to execute() has no handle: what it throws (exception or Error) is
  // reported to the handler, and the worker goes on running tasks.
  @Test
  void executedRunnableThatThrowsIsReportedToHandler() {
    Recorder handler = new Recorder();
    RuntimeException boom = new RuntimeException("raw");
    BodyError err = new BodyError("raw error");
    try (Scheduler s = Support.singleLongLivedWorker().uncaughtExceptionHandler(handler).build()) {
      s.execute(() -> {
        throw boom;
      });
      s.execute(() -> {
        throw err;
      });
      handler.awaitAtLeast(2);
      assertEquals(1, handler.count(boom));
      assertEquals(1, handler.count(err));
      assertEquals("alive", s.spawn(() -> "alive").join());
      assertEquals(0, s.stats().threadsRetired(), "the only worker survived");
    }
  }

  // A handler that itself throws does not kill the worker either.
  @Test
  void throwingHandlerDoesNotKillTheWorker() {
    AtomicInteger calls = new AtomicInteger();
    UncaughtExceptionHandler bad = (th, e) -> {
      calls.incrementAndGet();
      throw new IllegalStateException("handler failed");
    };
    try (Scheduler s = Support.singleLongLivedWorker().uncaughtExceptionHandler(bad).build()) {
      s.spawn(() -> {
        throw new RuntimeException("detached");
      }).detach();
      s.execute(() -> {
        throw new RuntimeException("raw");
      });
      awaitCondition(() -> calls.get() == 2, "both reports");
      assertEquals(3, s.spawn(() -> 3).join());
      assertEquals(0, s.stats().threadsRetired());
    }
  }

  // Failing tasks (exceptions and Errors) do not kill workers: the same scheduler keeps running
  // tasks with the threads it started, none of which retired.
  @Test
  void workersSurviveFailingTasks() {
    try (Scheduler s =
        Scheduler.builder().parallelism(2).preemption(false)
            .keepAlive(java.time.Duration.ofSeconds(60)).build()) {
      List<Task<Object>> failing = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        int k = i;
        failing.add(s.spawn(() -> {
          if (k % 2 == 0) {
            throw new IllegalArgumentException("e" + k);
          }
          throw new StackOverflowError("fake overflow " + k);
        }));
      }
      for (Task<Object> t : failing) {
        assertThrows(CompletionException.class, t::join);
      }
      long started = s.stats().threadsStarted();
      assertEquals(0, s.stats().threadsRetired(), "no worker died: " + s.stats());
      assertTrue(started <= 2, "no replacement threads were needed: " + s.stats());
      for (int i = 0; i < 100; i++) {
        int k = i;
        assertEquals(k, s.spawn(() -> k).join());
      }
      assertEquals(0, s.stats().threadsRetired(), "still no worker died: " + s.stats());
    }
  }

  // Among 10,000 tasks of which every third throws an exception or an Error, every other task
  // completes with its result and every failing one is FAILED with its own failure.
  @Test
  void noTaskIsLostAmongFailingOnes() {
    int n = 10_000;
    try (Scheduler s = Support.small(2).build()) {
      List<Task<Integer>> tasks = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int k = i;
        tasks.add(s.spawn(() -> {
          if (k % 3 == 0) {
            if (k % 2 == 0) {
              throw new IllegalStateException(Integer.toString(k));
            }
            throw new AssertionError(Integer.toString(k));
          }
          return k;
        }));
      }
      int succeeded = 0;
      int failed = 0;
      for (int i = 0; i < n; i++) {
        Task<Integer> t = tasks.get(i);
        if (i % 3 == 0) {
          CompletionException e = assertThrows(CompletionException.class, t::join);
          assertEquals(Integer.toString(i), e.getCause().getMessage());
          Class<? extends Throwable> expected =
              i % 2 == 0 ? IllegalStateException.class : AssertionError.class;
          assertInstanceOf(expected, t.failure());
          assertEquals(Task.Status.FAILED, t.status());
          failed++;
        } else {
          assertEquals(i, t.join());
          assertEquals(Task.Status.SUCCEEDED, t.status());
          succeeded++;
        }
      }
      assertEquals(n / 3 + 1, failed);
      assertEquals(n - failed, succeeded);
    }
  }

  // Waiting on a failing task from another task gets the failure there too (join on a worker).
  @Test
  void failureIsSeenByATaskThatJoinsIt() {
    IllegalStateException boom = new IllegalStateException("inner");
    try (Scheduler s = Support.small(2).build()) {
      Task<Throwable> outer = s.spawn(() -> {
        Task<Integer> inner = s.spawn(() -> {
          throw boom;
        });
        try {
          inner.join();
          return null;
        } catch (CompletionException e) {
          return e.getCause();
        }
      });
      assertSame(boom, outer.join());
    }
  }

  // A detached task spawned through submit() is the same as spawn(): its failure is reported.
  @Test
  void detachedSubmittedTaskIsReported() {
    Recorder handler = new Recorder();
    Scheduler s = withHandler(handler).build();
    IllegalStateException boom = new IllegalStateException("submitted");
    try (s) {
      Runnable body = () -> {
        throw boom;
      };
      s.submit(body).detach();
      handler.awaitAtLeast(1);
    }
    assertEquals(1, handler.count(boom));
  }
}
