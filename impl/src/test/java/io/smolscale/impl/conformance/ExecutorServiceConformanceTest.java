package io.smolscale.impl.conformance;

import static io.smolscale.impl.conformance.Conformance.LONG_MILLIS;
import static io.smolscale.impl.conformance.Conformance.PATIENCE_SECONDS;
import static io.smolscale.impl.conformance.Conformance.await;
import static io.smolscale.impl.conformance.Conformance.awaitCondition;
import static io.smolscale.impl.conformance.Conformance.awaitInBody;
import static io.smolscale.impl.conformance.Conformance.awaitTermination;
import static io.smolscale.impl.conformance.Conformance.awaitUninterruptibly;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link java.util.concurrent.ExecutorService} contract, as its JDK javadoc states it (the
 * clauses the JSR166 TCK checks), on private schedulers of parallelism 1 and 2. Each test names
 * the clause it checks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class ExecutorServiceConformanceTest {

  // ------------------------------------------------------------------ submit / execute

  /**
   * ExecutorService.submit: "Returns a Future representing the pending results of the task. The
   * Future's get method will return the task's result upon successful completion"; for
   * submit(Runnable) "get will return null", for submit(Runnable, T) "the given result".
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void submitReturnsAFutureOfTheResult(int p) throws Exception {
    AtomicInteger ran = new AtomicInteger();
    try (Scheduler s = scheduler(p).build()) {
      Future<String> callable = s.submit(() -> "callable");
      Future<?> runnable = s.submit(() -> {
        ran.incrementAndGet();
      });
      Future<String> withResult = s.submit(ran::incrementAndGet, "given");
      assertEquals("callable", callable.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
      assertNull(runnable.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
      assertEquals("given", withResult.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
      assertEquals(2, ran.get());
      for (Future<?> f : List.of(callable, runnable, withResult)) {
        assertInstanceOf(Task.class, f);
        assertTrue(f.isDone());
        assertFalse(f.isCancelled());
      }
    }
  }

  /**
   * ExecutorService.submit and Executor.execute: "@throws NullPointerException if the task is
   * null"; the scheduler stays usable.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void nullTasksAreRefusedWithNullPointerException(int p) {
    try (Scheduler s = scheduler(p).build()) {
      assertThrows(NullPointerException.class, () -> s.submit((Callable<String>) null));
      assertThrows(NullPointerException.class, () -> s.submit((Runnable) null));
      assertThrows(NullPointerException.class, () -> s.submit((Runnable) null, "v"));
      assertThrows(NullPointerException.class, () -> s.execute(null));
      assertEquals("still usable", await(s.submit(() -> "still usable"), "a task after the NPEs"));
    }
  }

  // ------------------------------------------------------------------ invokeAll

  /**
   * invokeAll: "@throws NullPointerException if tasks or any of its elements are null" (also
   * the timed form, and a null unit); an empty collection gives an empty list.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void invokeAllRefusesNullsAndReturnsNothingForNothing(int p) throws Exception {
    try (Scheduler s = scheduler(p).build()) {
      List<Callable<String>> withNull = Arrays.asList(() -> "a", null);
      assertThrows(NullPointerException.class, () -> s.invokeAll(null));
      assertThrows(NullPointerException.class, () -> s.invokeAll(null, 1, TimeUnit.SECONDS));
      assertThrows(NullPointerException.class, () -> s.invokeAll(withNull));
      assertThrows(NullPointerException.class, () -> s.invokeAll(withNull, 1, TimeUnit.SECONDS));
      assertThrows(NullPointerException.class,
          () -> s.invokeAll(List.<Callable<String>>of(() -> "a"), 1, null));
      assertEquals(List.of(), s.invokeAll(List.<Callable<String>>of()));
      assertEquals(List.of(), s.invokeAll(List.<Callable<String>>of(), 1, TimeUnit.SECONDS));
    }
  }

  /**
   * invokeAll: "Returns a list of Futures holding their status and results when all complete.
   * Future.isDone is true for each element of the returned list", "in the same sequential order
   * as produced by the iterator"; a task that threw is done and its get throws
   * ExecutionException.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void invokeAllReturnsEveryTaskDoneInIteratorOrder(int p) throws Exception {
    IllegalStateException boom = new IllegalStateException("task 5");
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int n = i;
      tasks.add(() -> {
        if (n == 5) {
          throw boom;
        }
        return n;
      });
    }
    try (Scheduler s = scheduler(p).build()) {
      for (List<Future<Integer>> results :
          List.of(s.invokeAll(tasks), s.invokeAll(tasks, PATIENCE_SECONDS, TimeUnit.SECONDS))) {
        assertEquals(10, results.size());
        for (int i = 0; i < 10; i++) {
          Future<Integer> f = results.get(i);
          assertTrue(f.isDone(), "future " + i + " done on return");
          assertFalse(f.isCancelled());
          if (i == 5) {
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertSame(boom, e.getCause());
          } else {
            assertEquals(i, f.get());
          }
        }
      }
    }
  }

  /**
   * Timed invokeAll: "Upon return, tasks that have not completed are cancelled"; every returned
   * future is done, the held one is cancelled. (The quick task is checked leniently: on a loaded
   * machine it may itself miss the timeout, and then it must be cancelled too.)
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void timedInvokeAllCancelsTheTasksNotFinishedByTheTimeout(int p) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = scheduler(p).build()) {
      try {
        List<Callable<String>> tasks = List.of(() -> "quick", () -> {
          awaitInBody(release);
          return "late";
        });
        List<Future<String>> results = s.invokeAll(tasks, 500, TimeUnit.MILLISECONDS);
        assertEquals(2, results.size());
        Future<String> quick = results.get(0);
        Future<String> held = results.get(1);
        assertTrue(quick.isDone());
        assertTrue(held.isDone(), "the held task is done (cancelled) when invokeAll returns");
        assertTrue(held.isCancelled(), "the held task was cancelled at the timeout");
        assertThrows(CancellationException.class, held::get);
        if (!quick.isCancelled()) {
          assertEquals("quick", quick.get());
        }
      } finally {
        release.countDown();
      }
    }
  }

  /**
   * invokeAll: "@throws InterruptedException if interrupted while waiting, in which case
   * unfinished tasks are cancelled" (untimed and timed). The tasks are queued behind holders that
   * occupy every worker; once cancelled they never run, even after the holders let go.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void invokeAllInterruptedWhileWaitingThrowsAndCancelsItsTasks(int p) throws Exception {
    AtomicInteger ran = new AtomicInteger();
    List<Callable<String>> tasks = List.of(() -> "x" + ran.incrementAndGet(),
        () -> "y" + ran.incrementAndGet());
    Scheduler s = capped(p).build();
    try (Holders h = Holders.hold(s, p)) {
      Helper<List<Future<String>>> untimed = Helper.start("invokeAll", () -> s.invokeAll(tasks));
      awaitWaiting(untimed.thread, "invokeAll to wait");
      untimed.thread.interrupt();
      assertInstanceOf(InterruptedException.class, untimed.awaitFailure("invokeAll"));

      Helper<List<Future<String>>> timed = Helper.start("timed invokeAll",
          () -> s.invokeAll(tasks, 2 * PATIENCE_SECONDS, TimeUnit.SECONDS));
      awaitWaiting(timed.thread, "timed invokeAll to wait");
      timed.thread.interrupt();
      assertInstanceOf(InterruptedException.class, timed.awaitFailure("timed invokeAll"));

      h.release();
      s.shutdown();
      awaitTermination(s, "the scheduler to terminate once the holders let go");
      assertEquals(0, ran.get(), "the cancelled tasks never ran");
    } finally {
      cleanUp(s);
    }
  }

  // ------------------------------------------------------------------ invokeAny

  /**
   * invokeAny: "@throws NullPointerException if tasks or any element task subject to execution
   * is null", "@throws IllegalArgumentException if tasks is empty" (untimed and timed).
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void invokeAnyRefusesNullAndEmpty(int p) {
    try (Scheduler s = scheduler(p).build()) {
      List<Callable<String>> onlyNull = Collections.singletonList(null);
      assertThrows(NullPointerException.class, () -> s.invokeAny(null));
      assertThrows(NullPointerException.class, () -> s.invokeAny(null, 1, TimeUnit.SECONDS));
      assertThrows(NullPointerException.class, () -> s.invokeAny(onlyNull));
      assertThrows(NullPointerException.class, () -> s.invokeAny(onlyNull, 1, TimeUnit.SECONDS));
      assertThrows(IllegalArgumentException.class, () -> s.invokeAny(List.<Callable<String>>of()));
      assertThrows(IllegalArgumentException.class,
          () -> s.invokeAny(List.<Callable<String>>of(), 1, TimeUnit.SECONDS));
    }
  }

  /**
   * invokeAny: "Returns the result of one that has completed successfully (i.e., without
   * throwing an exception)", and "Upon normal or exceptional return, tasks that have not
   * completed are cancelled": the held task, which would wait {@value Conformance#LONG_MILLIS}
   * ms, is stopped (interrupted) or never starts, so the scheduler terminates within the test's
   * patience without anybody releasing it.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void invokeAnyReturnsASuccessAndCancelsTheOthers(int p) throws Exception {
    CountDownLatch heldStarted = new CountDownLatch(1);
    CountDownLatch heldInterrupted = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger heldFinished = new AtomicInteger();
    List<Callable<String>> tasks = List.of(
        () -> {
          throw new IllegalStateException("fails");
        },
        () -> "ok",
        () -> {
          heldStarted.countDown();
          try {
            awaitInBody(never);
          } catch (InterruptedException e) {
            heldInterrupted.countDown();
            throw e;
          }
          heldFinished.incrementAndGet();
          return "held";
        });
    Scheduler s = scheduler(p).build();
    try {
      assertEquals("ok", s.invokeAny(tasks));
      assertEquals("ok", s.invokeAny(tasks, PATIENCE_SECONDS, TimeUnit.SECONDS));
      s.shutdown();
      awaitTermination(s, "termination: the held task must have been cancelled");
      assertEquals(0, heldFinished.get());
      assertTrue(heldStarted.getCount() == 1 || heldInterrupted.getCount() == 0,
          "the held task either never started or was interrupted by its cancellation");
    } finally {
      never.countDown();
      cleanUp(s);
    }
  }

  /**
   * invokeAny: "@throws ExecutionException if no task successfully completes" (untimed and
   * timed); its cause is one of the tasks' exceptions.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void invokeAnyThrowsExecutionExceptionWhenEveryTaskFails(int p) {
    List<RuntimeException> failures = List.of(new IllegalStateException("a"),
        new IllegalArgumentException("b"), new UnsupportedOperationException("c"));
    List<Callable<String>> tasks = new ArrayList<>();
    for (RuntimeException e : failures) {
      tasks.add(() -> {
        throw e;
      });
    }
    try (Scheduler s = scheduler(p).build()) {
      ExecutionException untimed = assertThrows(ExecutionException.class, () -> s.invokeAny(tasks));
      assertTrue(failures.contains(untimed.getCause()), "cause is a task's exception");
      ExecutionException timed = assertThrows(ExecutionException.class,
          () -> s.invokeAny(tasks, PATIENCE_SECONDS, TimeUnit.SECONDS));
      assertTrue(failures.contains(timed.getCause()), "cause is a task's exception");
    }
  }

  /**
   * Timed invokeAny: "@throws TimeoutException if the given timeout elapses before any task
   * successfully completes", and the tasks not completed are cancelled: both sleep {@value
   * Conformance#LONG_MILLIS} ms, yet the scheduler terminates within the test's patience.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void timedInvokeAnyTimesOutAndCancelsTheTasks(int p) {
    AtomicInteger finished = new AtomicInteger();
    Callable<String> sleeper = () -> {
      Thread.sleep(LONG_MILLIS);
      finished.incrementAndGet();
      return "slept";
    };
    Scheduler s = scheduler(p).build();
    try {
      assertThrows(TimeoutException.class,
          () -> s.invokeAny(List.of(sleeper, sleeper), 200, TimeUnit.MILLISECONDS));
      s.shutdown();
      awaitTermination(s, "termination: the timed-out tasks must have been cancelled");
      assertEquals(0, finished.get());
    } finally {
      cleanUp(s);
    }
  }

  // ------------------------------------------------------------------ shutdown

  /**
   * shutdown: "Initiates an orderly shutdown in which previously submitted tasks are executed,
   * but no new tasks will be accepted" (isShutdown true; execute, submit, invokeAll and invokeAny
   * throw RejectedExecutionException and the refused bodies never run); isTerminated: "Returns
   * true if all tasks have completed following shut down", so not before the queued tasks ran.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void shutdownRunsAcceptedTasksAndRefusesNewOnes(int p) throws Exception {
    AtomicInteger refusedRan = new AtomicInteger();
    CountDownLatch executed = new CountDownLatch(1);
    Scheduler s = capped(p).build();
    try (Holders h = Holders.hold(s, p)) {
      List<Task<Integer>> queued = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int n = i;
        queued.add(s.submit(() -> n));
      }
      s.execute(executed::countDown);
      s.shutdown();
      assertTrue(s.isShutdown());
      assertFalse(s.isTerminated(), "not terminated while accepted tasks remain");

      Callable<String> refused = () -> "refused " + refusedRan.incrementAndGet();
      Runnable refusedRunnable = refusedRan::incrementAndGet;
      assertThrows(RejectedExecutionException.class, () -> s.execute(refusedRunnable));
      assertThrows(RejectedExecutionException.class, () -> s.submit(refused));
      assertThrows(RejectedExecutionException.class, () -> s.submit(refusedRunnable));
      assertThrows(RejectedExecutionException.class, () -> s.submit(refusedRunnable, "v"));
      assertThrows(RejectedExecutionException.class, () -> s.invokeAll(List.of(refused)));
      assertThrows(RejectedExecutionException.class,
          () -> s.invokeAll(List.of(refused), 1, TimeUnit.SECONDS));
      assertThrows(RejectedExecutionException.class, () -> s.invokeAny(List.of(refused)));
      assertThrows(RejectedExecutionException.class,
          () -> s.invokeAny(List.of(refused), 1, TimeUnit.SECONDS));

      assertFalse(s.awaitTermination(50, TimeUnit.MILLISECONDS));
      assertFalse(s.isTerminated());
      for (Task<Integer> t : queued) {
        assertFalse(t.isDone(), "queued tasks wait behind the holders");
      }
      h.release();
      awaitTermination(s, "termination after the holders let go");
      assertTrue(s.isTerminated());
      for (int i = 0; i < 3; i++) {
        Task<Integer> t = queued.get(i);
        assertTrue(t.isDone(), "terminated only after every accepted task completed");
        assertEquals(i, t.get());
      }
      assertEquals(0, executed.getCount(), "the executed runnable ran before termination");
      for (Task<String> t : h.tasks) {
        assertEquals("released", t.get());
      }
      assertEquals(0, refusedRan.get(), "refused bodies never run");
    } finally {
      cleanUp(s);
    }
  }

  /**
   * shutdownNow: "Attempts to stop all actively executing tasks, halts the processing of waiting
   * tasks, and returns a list of the tasks that were awaiting execution" ("typical
   * implementations will cancel via Thread.interrupt"); new submissions are refused. smolscale
   * also cancels the queued Task handles (spec §8), so their get throws CancellationException.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void shutdownNowReturnsTheWaitingTasksAndInterruptsTheRunningOnes(int p) throws Exception {
    AtomicInteger queuedRan = new AtomicInteger();
    Runnable raw1 = queuedRan::incrementAndGet;
    Runnable raw2 = queuedRan::incrementAndGet;
    Scheduler s = capped(p).build();
    try {
      Holders h = Holders.sleepers(s, p);
      s.execute(raw1);
      Task<Integer> t1 = s.submit(queuedRan::incrementAndGet);
      s.execute(raw2);
      Task<?> t2 = s.submit(() -> {
        queuedRan.incrementAndGet();
      });

      List<Runnable> never = s.shutdownNow();
      assertTrue(s.isShutdown());
      assertEquals(4, never.size(), "the four queued tasks, and nothing else: " + never);
      assertTrue(never.stream().anyMatch(r -> r == raw1), "raw runnable 1 returned");
      assertTrue(never.stream().anyMatch(r -> r == raw2), "raw runnable 2 returned");
      await(h.interrupted, "the running tasks to be interrupted");
      for (Task<?> t : List.of(t1, t2)) {
        assertTrue(t.isCancelled(), "a queued Task handle is cancelled");
        assertEquals(Task.Status.CANCELLED, t.status());
        assertThrows(CancellationException.class, t::get);
      }
      assertThrows(RejectedExecutionException.class, () -> s.execute(() -> { }));
      assertThrows(RejectedExecutionException.class, () -> s.submit(() -> "late"));
      awaitTermination(s, "termination after shutdownNow");
      assertEquals(0, queuedRan.get(), "the returned tasks never ran");
      for (Task<String> t : h.tasks) {
        assertTrue(t.isDone(), "the interrupted running task completed");
      }
    } finally {
      cleanUp(s);
    }
  }

  /**
   * awaitTermination: "Blocks until all tasks have completed execution after a shutdown request,
   * or the timeout occurs ... @return true if this executor terminated and false if the timeout
   * elapsed before termination": false before shutdown and while a task runs, true after; an
   * unused scheduler terminates as soon as it is shut down.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void awaitTerminationIsFalseOnTimeoutWhileATaskRunsAndTrueAfter(int p) throws Exception {
    Scheduler s = scheduler(p).build();
    try (Holders h = Holders.hold(s, 1)) {
      assertFalse(s.awaitTermination(20, TimeUnit.MILLISECONDS), "not shut down: times out");
      s.shutdown();
      assertFalse(s.awaitTermination(50, TimeUnit.MILLISECONDS), "a task still runs");
      assertFalse(s.isTerminated());
      h.release();
      assertTrue(s.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS));
      assertTrue(s.isTerminated());
      assertTrue(h.allDone(), "terminated only once the running task completed");
      assertTrue(s.awaitTermination(0, TimeUnit.NANOSECONDS), "already terminated: true at once");
    } finally {
      cleanUp(s);
    }
    Scheduler unused = scheduler(p).build();
    assertFalse(unused.isTerminated());
    unused.shutdown();
    assertTrue(unused.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS));
    assertTrue(unused.isTerminated());
  }

  // ------------------------------------------------------------------ close

  /**
   * close (JDK 19+): "Initiates an orderly shutdown in which previously submitted tasks are
   * executed, but no new tasks will be accepted. This method waits until all tasks have completed
   * execution and the executor has terminated", and "If already terminated, invoking this method
   * has no effect" (idempotent); closing an unused scheduler terminates it.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void closeWaitsForRunningAndQueuedTasksAndIsIdempotent(int p) throws Exception {
    Scheduler s = capped(p).build();
    try (Holders h = Holders.hold(s, p)) {
      Task<String> queued = s.submit(() -> "queued");
      Helper<Boolean> closer = Helper.start("closer", () -> {
        s.close();
        return h.allDone() && queued.isDone() && s.isTerminated();
      });
      awaitCondition(s::isShutdown, "close() to shut the scheduler down");
      awaitWaiting(closer.thread, "close() to wait");
      assertFalse(closer.result.isDone(), "close() returned while tasks still run");
      assertFalse(s.isTerminated());
      assertThrows(RejectedExecutionException.class, () -> s.submit(() -> "late"));
      h.release();
      assertTrue(await(closer.result, "close() to return"),
          "when close() returned, every accepted task had completed and it had terminated");
      assertEquals("queued", queued.get());
      s.close();
      s.close();
      assertTrue(s.isTerminated());
    } finally {
      cleanUp(s);
    }
    Scheduler unused = scheduler(p).build();
    unused.close();
    assertTrue(unused.isTerminated());
    unused.close();
  }

  /**
   * close (JDK 19+), interrupt status set before the call: "If interrupted while waiting, this
   * method stops all executing tasks as if by invoking shutdownNow(). It then continues to wait
   * until all actively executing tasks have completed. Tasks that were awaiting execution are not
   * executed. The interrupt status will be re-asserted before this method returns." The running
   * tasks sleep {@value Conformance#LONG_MILLIS} ms, so returning within the test's patience
   * proves the interrupt stopped them.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void closeWithTheInterruptStatusSetStopsTheTasks(int p) throws Exception {
    closeInterrupted(p, true);
  }

  /**
   * close (JDK 19+), interrupt arriving while close() waits: the same clause as {@link
   * #closeWithTheInterruptStatusSetStopsTheTasks}: running tasks interrupted, queued ones never
   * executed, interrupt status re-asserted on return.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void closeInterruptedWhileWaitingStopsTheTasks(int p) throws Exception {
    closeInterrupted(p, false);
  }

  private static void closeInterrupted(int p, boolean interruptFirst) throws Exception {
    CountDownLatch queuedRan = new CountDownLatch(2);
    CountDownLatch releaseQueued = new CountDownLatch(1);
    CountDownLatch ignored = new CountDownLatch(2);
    Scheduler s = capped(p).build();
    Helper<Boolean> closer = null;
    try {
      Holders h = Holders.sleepers(s, p);
      // Queued tasks that ignore interrupts: if one ran, close() could not return before the test
      // released it.
      s.execute(() -> {
        queuedRan.countDown();
        awaitUninterruptibly(releaseQueued, ignored);
      });
      Task<String> queuedTask = s.submit(() -> {
        queuedRan.countDown();
        awaitUninterruptibly(releaseQueued, ignored);
        return "queued";
      });
      closer = Helper.start("closer", () -> {
        if (interruptFirst) {
          Thread.currentThread().interrupt();
        }
        s.close();
        return Thread.currentThread().isInterrupted();
      });
      if (!interruptFirst) {
        awaitCondition(s::isShutdown, "close() to shut the scheduler down");
        awaitWaiting(closer.thread, "close() to wait");
        assertFalse(closer.result.isDone(), "close() returned while a task sleeps");
        closer.thread.interrupt();
      }
      boolean reasserted = await(closer.result,
          "close() to return: an interrupted close() must stop the sleeping tasks");
      assertTrue(reasserted, "the interrupt status is re-asserted when close() returns");
      assertEquals(0, h.interrupted.getCount(), "the running tasks were interrupted");
      assertTrue(h.allDone(), "the running tasks completed before close() returned");
      assertTrue(s.isTerminated(), "terminated when close() returned");
      assertEquals(2, queuedRan.getCount(), "tasks awaiting execution were not executed");
      assertTrue(queuedTask.isCancelled(), "the queued Task is cancelled, as by shutdownNow()");
    } finally {
      releaseQueued.countDown();
      cleanUp(s);
      if (closer != null) {
        closer.joinQuietly();
      }
    }
  }

  /**
   * close (JDK 19+): after an interrupt, "It then continues to wait until all actively executing
   * tasks have completed": a running task that ignores the interrupt keeps close() waiting; the
   * queued task is not executed, and the interrupt status is re-asserted.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void interruptedCloseStillWaitsForTasksThatIgnoreTheInterrupt(int p) throws Exception {
    CountDownLatch started = new CountDownLatch(p);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch interruptsSeen = new CountDownLatch(p);
    AtomicInteger queuedRan = new AtomicInteger();
    Scheduler s = capped(p).build();
    Helper<Boolean> closer = null;
    try {
      List<Task<String>> running = new ArrayList<>();
      for (int i = 0; i < p; i++) {
        running.add(s.submit(() -> {
          started.countDown();
          awaitUninterruptibly(release, interruptsSeen);
          return "finished";
        }));
      }
      await(started, "the stubborn tasks to start");
      Task<Integer> queued = s.submit(queuedRan::incrementAndGet);
      closer = Helper.start("closer", () -> {
        Thread.currentThread().interrupt();
        s.close();
        return Thread.currentThread().isInterrupted()
            && running.stream().allMatch(Task::isDone);
      });
      await(interruptsSeen, "the interrupted close() to interrupt the running tasks");
      assertFalse(closer.result.isDone(), "close() returned while tasks were still running");
      release.countDown();
      assertTrue(await(closer.result, "close() to return"),
          "close() returned after the running tasks completed, interrupt status re-asserted");
      for (Task<String> t : running) {
        assertEquals("finished", t.get());
      }
      assertTrue(s.isTerminated());
      assertEquals(0, queuedRan.get(), "the queued task was not executed");
      assertTrue(queued.isCancelled(), "the queued Task is cancelled, as by shutdownNow()");
    } finally {
      release.countDown();
      cleanUp(s);
      if (closer != null) {
        closer.joinQuietly();
      }
    }
  }
}
