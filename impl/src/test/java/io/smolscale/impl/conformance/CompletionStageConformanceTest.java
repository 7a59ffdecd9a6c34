package io.smolscale.impl.conformance;

import static io.smolscale.impl.conformance.Conformance.PATIENCE_SECONDS;
import static io.smolscale.impl.conformance.Conformance.await;
import static io.smolscale.impl.conformance.Conformance.awaitInBody;
import static io.smolscale.impl.conformance.Conformance.scheduler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smolscale.Scheduler;
import io.smolscale.Task;
import io.smolscale.impl.conformance.Conformance.Holders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link CompletionStage} contract on {@link Task} handles and their dependent stages, as the
 * JDK javadoc of {@code CompletionStage} and {@code CompletableFuture} states it, plus the Task
 * javadoc's own clauses (default executor, sealed outcome, {@code toCompletableFuture} copy), on
 * private schedulers of parallelism 1 and 2. Each test names the clause it checks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class CompletionStageConformanceTest {

  /** Every async continuation, by name, recording whether it ran where it should. */
  private static final class Marks {
    final Map<String, CompletableFuture<Boolean>> seen = new LinkedHashMap<>();
    final List<CompletionStage<?>> dependents = new ArrayList<>();
    private final BooleanSupplier where;
    final AtomicInteger ran = new AtomicInteger();

    Marks(BooleanSupplier where) {
      this.where = where;
    }

    private Runnable mark(String name) {
      CompletableFuture<Boolean> f = new CompletableFuture<>();
      if (seen.put(name, f) != null) {
        throw new IllegalArgumentException("duplicate mark " + name);
      }
      return () -> {
        ran.incrementAndGet();
        f.complete(where.getAsBoolean());
      };
    }

    <T> Function<T, T> fn(String name) {
      Runnable m = mark(name);
      return v -> {
        m.run();
        return v;
      };
    }

    <T> Consumer<T> consumer(String name) {
      Runnable m = mark(name);
      return v -> m.run();
    }

    Runnable runnable(String name) {
      return mark(name);
    }

    <T, U> BiFunction<T, U, T> bifn(String name) {
      Runnable m = mark(name);
      return (a, b) -> {
        m.run();
        return a;
      };
    }

    <T, U> BiConsumer<T, U> biconsumer(String name) {
      Runnable m = mark(name);
      return (a, b) -> m.run();
    }

    <T> Function<Throwable, T> recover(String name, T value) {
      Runnable m = mark(name);
      return e -> {
        m.run();
        return value;
      };
    }

    void add(CompletionStage<?> d) {
      dependents.add(d);
    }

    /** Waits for every continuation and checks that each ran where it should. */
    void assertAllRanWhereExpected(String where) {
      for (Map.Entry<String, CompletableFuture<Boolean>> e : seen.entrySet()) {
        assertTrue(await(e.getValue(), e.getKey() + " to run"), e.getKey() + " ran " + where);
      }
      for (CompletionStage<?> d : dependents) {
        await(d.toCompletableFuture().handle((v, e) -> null), "a dependent stage to complete");
      }
    }
  }

  /**
   * Registers every {@code *Async} continuation on {@code ok} (a stage that succeeds) and the
   * failure-handling ones on {@code failed}, with {@code executor}, or without an executor if it
   * is null.
   */
  private static void registerAll(Marks m, CompletionStage<String> ok,
      CompletionStage<String> failed, Executor executor, String tag) {
    CompletableFuture<String> other = CompletableFuture.completedFuture("other");
    CompletableFuture<String> never = new CompletableFuture<>();
    if (executor == null) {
      m.add(ok.thenApplyAsync(m.fn(tag + " thenApplyAsync")));
      m.add(ok.thenAcceptAsync(m.consumer(tag + " thenAcceptAsync")));
      m.add(ok.thenRunAsync(m.runnable(tag + " thenRunAsync")));
      m.add(ok.handleAsync(m.bifn(tag + " handleAsync")));
      m.add(ok.whenCompleteAsync(m.biconsumer(tag + " whenCompleteAsync")));
      Function<String, String> compose = m.fn(tag + " thenComposeAsync");
      m.add(ok.thenComposeAsync(v -> CompletableFuture.completedFuture(compose.apply(v))));
      m.add(ok.thenCombineAsync(other, m.bifn(tag + " thenCombineAsync")));
      m.add(ok.thenAcceptBothAsync(other, m.biconsumer(tag + " thenAcceptBothAsync")));
      m.add(ok.runAfterBothAsync(other, m.runnable(tag + " runAfterBothAsync")));
      m.add(ok.applyToEitherAsync(never, m.fn(tag + " applyToEitherAsync")));
      m.add(ok.acceptEitherAsync(never, m.consumer(tag + " acceptEitherAsync")));
      m.add(ok.runAfterEitherAsync(never, m.runnable(tag + " runAfterEitherAsync")));
      m.add(failed.exceptionallyAsync(m.recover(tag + " exceptionallyAsync", "recovered")));
      m.add(failed.handleAsync(m.bifn(tag + " handleAsync on failure")));
      m.add(failed.whenCompleteAsync(m.biconsumer(tag + " whenCompleteAsync on failure")));
    } else {
      m.add(ok.thenApplyAsync(m.fn(tag + " thenApplyAsync"), executor));
      m.add(ok.thenAcceptAsync(m.consumer(tag + " thenAcceptAsync"), executor));
      m.add(ok.thenRunAsync(m.runnable(tag + " thenRunAsync"), executor));
      m.add(ok.handleAsync(m.bifn(tag + " handleAsync"), executor));
      m.add(ok.whenCompleteAsync(m.biconsumer(tag + " whenCompleteAsync"), executor));
      Function<String, String> compose = m.fn(tag + " thenComposeAsync");
      m.add(ok.thenComposeAsync(v -> CompletableFuture.completedFuture(compose.apply(v)),
          executor));
      m.add(ok.thenCombineAsync(other, m.bifn(tag + " thenCombineAsync"), executor));
      m.add(ok.thenAcceptBothAsync(other, m.biconsumer(tag + " thenAcceptBothAsync"), executor));
      m.add(ok.runAfterBothAsync(other, m.runnable(tag + " runAfterBothAsync"), executor));
      m.add(ok.applyToEitherAsync(never, m.fn(tag + " applyToEitherAsync"), executor));
      m.add(ok.acceptEitherAsync(never, m.consumer(tag + " acceptEitherAsync"), executor));
      m.add(ok.runAfterEitherAsync(never, m.runnable(tag + " runAfterEitherAsync"), executor));
      m.add(failed.exceptionallyAsync(m.recover(tag + " exceptionallyAsync", "recovered"),
          executor));
      m.add(failed.handleAsync(m.bifn(tag + " handleAsync on failure"), executor));
      m.add(failed.whenCompleteAsync(m.biconsumer(tag + " whenCompleteAsync on failure"),
          executor));
    }
  }

  /** A task held on {@code release}, then returning "late" or throwing {@code failure}. */
  private static Task<String> heldTask(Scheduler s, CountDownLatch release, RuntimeException failure) {
    return s.submit(() -> {
      awaitInBody(release);
      if (failure != null) {
        throw failure;
      }
      return "late";
    });
  }

  /** Waits for a task to be done, whatever its outcome. */
  private static void awaitDone(Task<?> t, String what) {
    try {
      t.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | CancellationException e) {
      // done
    } catch (Exception e) {
      throw new AssertionError("waiting for " + what + " failed: " + e, e);
    }
  }

  /** Waits for a stage to fail and returns the exception get() reports as the cause. */
  private static Throwable awaitFailure(CompletionStage<?> stage, String what) {
    try {
      stage.toCompletableFuture().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("waiting for " + what + " failed: " + e, e);
    }
    throw new AssertionError(what + ": completed normally, expected a failure");
  }

  /** One CompletionException layer removed, if there is one. */
  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  // ------------------------------------------------------------------ where continuations run

  /**
   * Task javadoc: "Its asynchronous continuations (thenApplyAsync(fn) and the other *Async
   * methods without an executor argument) run on the task's scheduler, not on
   * ForkJoinPool.commonPool()"; CompletionStage: "using this stage's default asynchronous
   * execution facility". Checked for a completed task, a task still running when they are
   * registered, a dependent stage of a task and a task's toCompletableFuture() copy.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void asyncContinuationsWithoutAnExecutorRunOnTheTasksScheduler(int p) throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = scheduler(p).build()) {
      Marks m = new Marks(s::isWorkerThread);
      Task<String> ok = s.submit(() -> "v");
      Task<String> failed = s.submit(() -> {
        throw boom;
      });
      awaitDone(ok, "the task");
      awaitDone(failed, "the failing task");
      registerAll(m, ok, failed, null, "completed:");
      registerAll(m, ok.thenApply(v -> v), failed.thenApply(v -> v), null, "dependent:");
      registerAll(m, ok.toCompletableFuture(), failed.toCompletableFuture(), null, "copy:");
      try {
        Task<String> lateOk = heldTask(s, release, null);
        Task<String> lateFailed = heldTask(s, release, boom);
        registerAll(m, lateOk, lateFailed, null, "pending:");
      } finally {
        release.countDown();
      }
      m.assertAllRanWhereExpected("on a worker of the task's scheduler");
      assertEquals("v!", await(ok.thenApplyAsync(v -> v + "!").toCompletableFuture(), "result"));
    }
  }

  /**
   * CompletionStage *Async(…, Executor): "executed using the supplied Executor": every variant,
   * for a completed and a pending task, runs on the executor's thread, not on a worker.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void asyncContinuationsWithAnExecutorRunOnThatExecutor(int p) throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> executorThread = new AtomicReference<>();
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "conformance-explicit-executor");
      t.setDaemon(true);
      executorThread.set(t);
      return t;
    });
    try (Scheduler s = scheduler(p).build()) {
      Marks m = new Marks(() -> Thread.currentThread() == executorThread.get()
          && !s.isWorkerThread());
      Task<String> ok = s.submit(() -> "v");
      Task<String> failed = s.submit(() -> {
        throw boom;
      });
      awaitDone(ok, "the task");
      awaitDone(failed, "the failing task");
      registerAll(m, ok, failed, executor, "completed:");
      try {
        registerAll(m, heldTask(s, release, null), heldTask(s, release, boom), executor,
            "pending:");
      } finally {
        release.countDown();
      }
      m.assertAllRanWhereExpected("on the explicit executor's thread");
    } finally {
      executor.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ rejection

  /**
   * CompletableFuture: an async stage whose executor throws RejectedExecutionException completes
   * exceptionally with a CompletionException whose cause is that exception (get: an
   * ExecutionException with it as the cause), and its function never runs; for a completed task
   * and for a task that completes after the stage was registered (the executor then rejects on
   * the completing worker, which must not disturb the task).
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void asyncStagesWhoseExecutorRejectsFailWithCompletionException(int p) throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    RejectedExecutionException rejection = new RejectedExecutionException("test executor");
    AtomicInteger executeCalls = new AtomicInteger();
    Executor rejecting = r -> {
      executeCalls.incrementAndGet();
      throw rejection;
    };
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = scheduler(p).build()) {
      Marks m = new Marks(() -> true);
      Task<String> ok = s.submit(() -> "v");
      Task<String> failed = s.submit(() -> {
        throw boom;
      });
      awaitDone(ok, "the task");
      awaitDone(failed, "the failing task");
      registerAll(m, ok, failed, rejecting, "completed:");
      Task<String> lateOk;
      Task<String> lateFailed;
      try {
        lateOk = heldTask(s, release, null);
        lateFailed = heldTask(s, release, boom);
        registerAll(m, lateOk, lateFailed, rejecting, "pending:");
      } finally {
        release.countDown();
      }
      assertEquals("late", await(lateOk, "the late task: the rejection does not disturb it"));
      assertSame(boom, assertThrows(ExecutionException.class,
          () -> lateFailed.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).getCause());
      assertEquals(30, m.dependents.size());
      for (CompletionStage<?> stage : m.dependents) {
        Throwable cause = awaitFailure(stage, "the rejected stage");
        assertSame(rejection, cause, "get's cause is the executor's exception");
        CompletionException ce =
            assertThrows(CompletionException.class, stage.toCompletableFuture()::join);
        assertSame(rejection, ce.getCause());
        assertTrue(stage.toCompletableFuture().isCompletedExceptionally());
      }
      assertEquals(0, m.ran.get(), "no function of a rejected stage ran");
      assertTrue(executeCalls.get() > 0);
    }
  }

  /**
   * Scheduler spec §8 with CompletableFuture's rule above: "*Async continuations that default to
   * the scheduler" are refused after shutdown, "whose dependent stage then fails": a
   * CompletionException caused by RejectedExecutionException, for a task completed before the
   * shutdown and for one that completes after it (accepted before, so it still runs).
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void defaultAsyncContinuationsFailOnceTheSchedulerIsShutDown(int p) throws Exception {
    AtomicInteger ran = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = scheduler(p).build()) {
      Task<String> done = s.submit(() -> "v");
      await(done, "the task");
      Task<String> late = heldTask(s, release, null);
      CompletableFuture<String> lateDependent =
          late.thenApplyAsync(v -> v + ran.incrementAndGet()).toCompletableFuture();
      s.shutdown();
      CompletableFuture<String> doneDependent =
          done.thenApplyAsync(v -> v + ran.incrementAndGet()).toCompletableFuture();
      release.countDown();
      assertEquals("late", await(late, "the accepted task to complete after shutdown"));
      for (CompletableFuture<String> d : List.of(doneDependent, lateDependent)) {
        assertInstanceOf(RejectedExecutionException.class, awaitFailure(d, "the dependent"));
        CompletionException ce = assertThrows(CompletionException.class, d::join);
        assertInstanceOf(RejectedExecutionException.class, ce.getCause());
      }
      assertEquals(0, ran.get(), "the refused continuations never ran");
    } finally {
      release.countDown();
    }
  }

  // ------------------------------------------------------------------ failures

  /**
   * CompletionStage: exceptionally "is executed with this stage's exception", handle and
   * whenComplete are "executed with this stage's result (or null if none) and exception (or null
   * if none)", and the whenComplete stage "completes exceptionally with this stage's exception";
   * "all dependent stages requiring its completion complete exceptionally as well, with a
   * CompletionException holding the exception as its cause". For a failed and a pending task.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void failureHandlersSeeTheTasksFailure(int p) throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = scheduler(p).build()) {
      Task<String> failedNow = s.submit(() -> {
        throw boom;
      });
      awaitDone(failedNow, "the failing task");
      Task<String> failedLater = heldTask(s, release, boom);
      List<CompletableFuture<Throwable>> seen = new ArrayList<>();
      List<CompletableFuture<?>> whenCompleteStages = new ArrayList<>();
      List<CompletableFuture<String>> recovered = new ArrayList<>();
      List<CompletableFuture<Throwable>> seenByDependents = new ArrayList<>();
      AtomicInteger skipped = new AtomicInteger();
      for (Task<String> t : List.of(failedNow, failedLater)) {
        CompletableFuture<Throwable> a = new CompletableFuture<>();
        recovered.add(t.exceptionally(e -> {
          a.complete(e);
          return "recovered";
        }).toCompletableFuture());
        CompletableFuture<Throwable> b = new CompletableFuture<>();
        recovered.add(t.handle((v, e) -> {
          b.complete(v == null ? e : new AssertionError("value " + v));
          return "recovered";
        }).toCompletableFuture());
        CompletableFuture<Throwable> c = new CompletableFuture<>();
        whenCompleteStages.add(t.whenComplete((v, e) -> c.complete(e)).toCompletableFuture());
        CompletableFuture<Throwable> d = new CompletableFuture<>();
        recovered.add(t.handleAsync((v, e) -> {
          d.complete(e);
          return "recovered";
        }).toCompletableFuture());
        CompletableFuture<Throwable> e2 = new CompletableFuture<>();
        whenCompleteStages.add(t.whenCompleteAsync((v, e) -> e2.complete(e)).toCompletableFuture());
        seen.addAll(List.of(a, b, c, d, e2));
        CompletableFuture<Throwable> f = new CompletableFuture<>();
        recovered.add(t.thenApply(v -> v + skipped.incrementAndGet()).exceptionally(e -> {
          f.complete(e);
          return "recovered";
        }).toCompletableFuture());
        seenByDependents.add(f);
      }
      release.countDown();
      for (CompletableFuture<Throwable> f : seen) {
        assertSame(boom, unwrap(await(f, "a failure handler")), "the handler saw the failure");
      }
      for (CompletableFuture<Throwable> f : seenByDependents) {
        Throwable e = await(f, "a dependent's failure handler");
        assertInstanceOf(CompletionException.class, e, "a dependent fails with CompletionException");
        assertSame(boom, e.getCause());
      }
      for (CompletableFuture<String> r : recovered) {
        assertEquals("recovered", await(r, "a recovering stage"));
      }
      for (CompletableFuture<?> w : whenCompleteStages) {
        assertSame(boom, awaitFailure(w, "a whenComplete stage"));
        assertSame(boom, assertThrows(CompletionException.class, w::join).getCause());
      }
      assertEquals(0, skipped.get(), "thenApply's function does not run on a failure");
    } finally {
      release.countDown();
    }
  }

  // ------------------------------------------------------------------ the copy

  /**
   * Task javadoc: toCompletableFuture() "returns a new dependent future, not this task ... its
   * caller may complete, time out or cancel [it] without changing the task, whose outcome only
   * its body decides": completing, failing, cancelling and obtruding copies of a running task
   * leave it RUNNING and uninterrupted, and it then succeeds with its body's result.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void completingTheCopyDoesNotChangeTheTask(int p) throws Exception {
    try (Scheduler s = scheduler(p).build(); Holders h = Holders.hold(s, 1)) {
      Task<String> t = h.tasks.get(0);
      CompletableFuture<String> c1 = t.toCompletableFuture();
      CompletableFuture<String> c2 = t.toCompletableFuture();
      CompletableFuture<String> c3 = t.toCompletableFuture();
      CompletableFuture<String> c4 = t.toCompletableFuture();
      assertNotSame(t, c1, "a copy, not the task");
      assertNotSame(c1, c2, "a new future each time");
      assertTrue(c1.complete("outside"));
      assertTrue(c2.completeExceptionally(new IllegalStateException("outside")));
      assertTrue(c3.cancel(true));
      c4.obtrudeValue("obtruded");
      assertEquals("outside", c1.join());
      assertTrue(c3.isCancelled());
      assertFalse(t.isDone(), "the task is not done");
      assertFalse(t.isCancelled(), "cancelling the copy does not cancel the task");
      assertEquals(Task.Status.RUNNING, t.status());
      h.release();
      assertEquals("released", await(t, "the task"));
      assertEquals(Task.Status.SUCCEEDED, t.status());
      assertEquals(1, h.interrupted.getCount(), "the body was never interrupted");
      assertEquals("outside", c1.join(), "the copy keeps what its caller gave it");
      assertEquals("obtruded", c4.join());
      assertEquals("released", await(t.toCompletableFuture(), "a fresh copy"));
    }
  }

  /**
   * Task javadoc, as above, for timeouts: orTimeout and completeOnTimeout on a copy (JDK 9
   * CompletableFuture: "Exceptionally completes this CompletableFuture with a TimeoutException" /
   * "Completes this CompletableFuture with the given value if not otherwise completed before the
   * given timeout") complete the copy only; the task runs on and succeeds.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void timingOutTheCopyDoesNotChangeTheTask(int p) throws Exception {
    try (Scheduler s = scheduler(p).build(); Holders h = Holders.hold(s, 1)) {
      Task<String> t = h.tasks.get(0);
      CompletableFuture<String> timedOut = t.toCompletableFuture().orTimeout(10, TimeUnit.MILLISECONDS);
      CompletableFuture<String> defaulted =
          t.toCompletableFuture().completeOnTimeout("default", 10, TimeUnit.MILLISECONDS);
      assertInstanceOf(TimeoutException.class, awaitFailure(timedOut, "the copy to time out"));
      assertEquals("default", await(defaulted, "the copy to take its default"));
      assertFalse(t.isDone(), "the task did not time out");
      assertEquals(Task.Status.RUNNING, t.status());
      h.release();
      assertEquals("released", await(t, "the task"));
      assertEquals(Task.Status.SUCCEEDED, t.status());
    }
  }

  /**
   * CompletionStage.toCompletableFuture: "Returns a CompletableFuture maintaining the same
   * completion properties as this stage": the copy of a task completes with its value, its
   * failure (get: ExecutionException with the body's exception; join: CompletionException) or
   * its cancellation (CancellationException), also when taken before the task completed.
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void theCopyCompletesWithTheTasksOutcome(int p) throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = scheduler(p).build()) {
      Task<String> ok = heldTask(s, release, null);
      Task<String> failed = heldTask(s, release, boom);
      Task<String> cancelled = heldTask(s, release, null);
      CompletableFuture<String> okCopy = ok.toCompletableFuture();
      CompletableFuture<String> failedCopy = failed.toCompletableFuture();
      CompletableFuture<String> cancelledCopy = cancelled.toCompletableFuture();
      assertFalse(okCopy.isDone(), "the copy of a running task is not done");
      assertTrue(cancelled.cancel(true));
      release.countDown();
      assertEquals("late", await(okCopy, "the copy of the task"));
      assertSame(boom, awaitFailure(failedCopy, "the copy of the failed task"));
      assertSame(boom, assertThrows(CompletionException.class, failedCopy::join).getCause());
      assertTrue(cancelledCopy.isCancelled(), "the copy of a cancelled task is cancelled");
      assertThrows(CancellationException.class, cancelledCopy::join);
      assertEquals("late", ok.toCompletableFuture().join(), "a copy taken after completion");
      assertSame(boom, assertThrows(CompletionException.class,
          failed.toCompletableFuture()::join).getCause());
    } finally {
      release.countDown();
    }
  }

  /**
   * Task javadoc: "Outside code cannot complete a task: complete, completeExceptionally,
   * obtrudeValue, obtrudeException, completeAsync, completeOnTimeout and orTimeout of the
   * implementing class throw UnsupportedOperationException": on a running task (which then
   * succeeds with its body's result, untouched by the refused timeouts) and on a completed one
   * (whose value is not overwritten).
   */
  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void outsideCodeCannotCompleteTheTask(int p) throws Exception {
    AtomicInteger suppliers = new AtomicInteger();
    try (Scheduler s = scheduler(p).build(); Holders h = Holders.hold(s, 1)) {
      Task<String> running = h.tasks.get(0);
      assumeTrue(running instanceof CompletableFuture,
          "a Task that is not a CompletableFuture has no completion methods to refuse");
      Task<String> done = s.submit(() -> "done");
      assertEquals("done", await(done, "the task"));
      for (Task<String> t : List.of(running, done)) {
        @SuppressWarnings("unchecked")
        CompletableFuture<String> cf = (CompletableFuture<String>) (Object) t;
        Task.Status before = t.status();
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("complete", () -> cf.complete("outside"));
        calls.put("completeExceptionally",
            () -> cf.completeExceptionally(new IllegalStateException("outside")));
        calls.put("obtrudeValue", () -> cf.obtrudeValue("outside"));
        calls.put("obtrudeException",
            () -> cf.obtrudeException(new IllegalStateException("outside")));
        calls.put("orTimeout", () -> cf.orTimeout(1, TimeUnit.MILLISECONDS));
        calls.put("completeOnTimeout",
            () -> cf.completeOnTimeout("outside", 1, TimeUnit.MILLISECONDS));
        calls.put("completeAsync(supplier)", () -> cf.completeAsync(() -> {
          suppliers.incrementAndGet();
          return "outside";
        }));
        calls.put("completeAsync(supplier, executor)", () -> cf.completeAsync(() -> {
          suppliers.incrementAndGet();
          return "outside";
        }, Runnable::run));
        for (Map.Entry<String, Executable> c : calls.entrySet()) {
          assertThrows(UnsupportedOperationException.class, c.getValue(),
              c.getKey() + " on a " + before + " task");
          assertEquals(before, t.status(), c.getKey() + " did not change the task");
        }
      }
      assertEquals("done", done.join(), "the completed task keeps its value");
      assertFalse(running.isDone());
      h.release();
      assertEquals("released", await(running, "the running task"));
      assertEquals(Task.Status.SUCCEEDED, running.status());
      assertEquals(0, suppliers.get(), "no completeAsync supplier ran");
    }
  }
}
