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

import io.smolscale.Nursery;
import io.smolscale.Scheduler;
import io.smolscale.SchedulerConfig;
import io.smolscale.Stats;
import io.smolscale.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** Every public method of a private {@link Scheduler}: spawning, waiting, life cycle, stats. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class SchedulerTest {

  // spawn(Callable) returns the value; spawn(Runnable) runs the body and completes with null.
  @Test
  void spawnRunsCallablesAndRunnables() {
    AtomicInteger ran = new AtomicInteger();
    try (Scheduler s = small(2).build()) {
      assertEquals("v", s.spawn(() -> "v").join());
      Task<Void> r = s.spawn(() -> {
        ran.incrementAndGet();
      });
      assertNull(r.join());
      assertEquals(1, ran.get());
    }
  }

  // The bodies run on this scheduler's workers, which isWorkerThread() recognises; other threads
  // (the caller, another scheduler's workers) are not its workers.
  @Test
  void isWorkerThreadIsTrueOnlyOnThisSchedulersWorkers() {
    try (Scheduler s = small(2).build(); Scheduler other = small(1).build()) {
      assertFalse(s.isWorkerThread());
      assertTrue(s.spawn(s::isWorkerThread).join());
      assertFalse(other.spawn(s::isWorkerThread).join());
      assertTrue(other.spawn(other::isWorkerThread).join());
    }
  }

  // spawnAsync runs the supplier on the scheduler; the task is RUNNING until the returned stage
  // completes, then takes its result.
  @Test
  void spawnAsyncCompletesWhenItsStageCompletes() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<Boolean> supplierOnWorker = new CompletableFuture<>();
    try (Scheduler s = small(2).build()) {
      Task<String> t = s.spawnAsync(() -> {
        supplierOnWorker.complete(s.isWorkerThread());
        return stage;
      });
      assertTrue(await(supplierOnWorker, "the supplier to run"));
      assertEquals(Task.Status.RUNNING, t.status());
      assertFalse(t.isDone());
      stage.complete("late");
      assertEquals("late", t.join());
      assertEquals(Task.Status.SUCCEEDED, t.status());
    }
  }

  // An async task fails with its stage's failure (unwrapped), with what its supplier threw, or
  // with a NullPointerException if the supplier returned null.
  @Test
  void spawnAsyncFailsWithTheStagesOrTheSuppliersFailure() {
    IllegalStateException stageFailure = new IllegalStateException("stage");
    IllegalArgumentException supplierFailure = new IllegalArgumentException("supplier");
    try (Scheduler s = small(2).build()) {
      Task<Integer> failedStage =
          s.spawnAsync(() -> CompletableFuture.supplyAsync(() -> {
            throw stageFailure;
          }, s));
      Task<Integer> failedSupplier = s.spawnAsync(() -> {
        throw supplierFailure;
      });
      Task<Integer> nullStage = s.spawnAsync(() -> null);
      // Each task is joined before its failure() is read: failure() is a snapshot, null until
      // the task has failed, and these tasks run on other threads (on a loaded machine the second
      // worker may not even have started when the first task is joined).
      assertSame(stageFailure, assertThrows(CompletionException.class, failedStage::join).getCause());
      assertSame(stageFailure, failedStage.failure());
      assertSame(supplierFailure,
          assertThrows(CompletionException.class, failedSupplier::join).getCause());
      assertSame(supplierFailure, failedSupplier.failure());
      assertThrows(CompletionException.class, nullStage::join);
      assertInstanceOf(NullPointerException.class, nullStage.failure());
      assertEquals(Task.Status.FAILED, nullStage.status());
    }
  }

  // Cancelling an async task cancels the stage its supplier returned.
  @Test
  void cancellingAnAsyncTaskCancelsItsStage() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    CountDownLatch supplied = new CountDownLatch(1);
    try (Scheduler s = small(2).build()) {
      Task<String> t = s.spawnAsync(() -> {
        supplied.countDown();
        return stage;
      });
      await(supplied, "the supplier to run");
      assertTrue(t.cancel(true));
      assertEquals(Task.Status.CANCELLED, t.status());
      awaitCondition(stage::isCancelled, "the stage to be cancelled");
      assertThrows(CancellationException.class, t::join);
    }
  }

  // submit(Callable), submit(Runnable) and submit(Runnable, result) return task handles with the
  // expected results; execute(Runnable) runs the body.
  @Test
  void submitAndExecuteRunTheirBodies() throws Exception {
    CountDownLatch executed = new CountDownLatch(1);
    try (Scheduler s = small(2).build()) {
      Task<Integer> callable = s.submit(() -> 1);
      Task<?> runnable = s.submit((Runnable) () -> { });
      Task<String> withResult = s.submit(() -> { }, "fixed");
      s.execute(executed::countDown);
      assertEquals(1, callable.get());
      assertNull(runnable.get());
      assertEquals("fixed", withResult.get());
      await(executed, "the executed runnable");
      assertEquals(Task.Status.SUCCEEDED, withResult.status());
    }
  }

  // invokeAll runs every task and returns completed futures, failed ones included, in order;
  // the timed form does the same when time allows.
  @Test
  void invokeAllReturnsEveryOutcomeInOrder() throws Exception {
    try (Scheduler s = small(2).build()) {
      List<Callable<Integer>> jobs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int k = i;
        jobs.add(() -> {
          if (k == 7) {
            throw new IllegalStateException("seven");
          }
          return k * k;
        });
      }
      for (List<Future<Integer>> results :
          List.of(s.invokeAll(jobs), s.invokeAll(jobs, Support.PATIENCE_SECONDS, TimeUnit.SECONDS))) {
        assertEquals(20, results.size());
        for (int i = 0; i < 20; i++) {
          Future<Integer> f = results.get(i);
          assertTrue(f.isDone());
          if (i == 7) {
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertEquals("seven", e.getCause().getMessage());
          } else {
            assertEquals(i * i, f.get());
          }
        }
      }
    }
  }

  // invokeAny returns a successful result even when other tasks fail, and throws
  // ExecutionException when all fail.
  @Test
  void invokeAnyReturnsASuccessfulResult() throws Exception {
    try (Scheduler s = small(2).build()) {
      List<Callable<String>> mixed = List.of(
          () -> {
            throw new IllegalStateException("a");
          },
          () -> "ok",
          () -> {
            throw new IllegalStateException("c");
          });
      assertEquals("ok", s.invokeAny(mixed));
      assertEquals("ok", s.invokeAny(mixed, Support.PATIENCE_SECONDS, TimeUnit.SECONDS));
      List<Callable<String>> allFail = List.of(() -> {
        throw new IllegalStateException("x");
      });
      assertThrows(ExecutionException.class, () -> s.invokeAny(allFail));
    }
  }

  // A nursery's children run on the scheduler that opened it.
  @Test
  void nurseryChildrenRunOnThisScheduler() {
    try (Scheduler s = small(2).build()) {
      Task<Boolean> child;
      try (Nursery n = s.nursery()) {
        child = n.spawn(s::isWorkerThread);
      }
      assertTrue(child.join());
      Task<Boolean> timed;
      try (Nursery n = s.nursery(java.time.Duration.ofSeconds(Support.PATIENCE_SECONDS))) {
        timed = n.spawn(s::isWorkerThread);
      }
      assertTrue(timed.join());
    }
  }

  // yieldNow() from a task queues the continuation behind the work already queued on the worker:
  // a task spawned before the yield runs before the code chained on it.
  @Test
  void yieldNowLetsQueuedWorkRunFirst() {
    ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
    try (Scheduler s = singleWorker().build()) {
      Task<Void> t = s.spawnAsync(() -> {
        s.spawn(() -> {
          order.add("queued task");
        });
        return s.yieldNow().thenRun(() -> order.add("after yield"));
      });
      t.join();
      assertEquals(List.of("queued task", "after yield"), new ArrayList<>(order));
      // From outside a worker, the yield simply completes once the scheduler ran it.
      CompletableFuture<Void> outside = s.yieldNow().toCompletableFuture();
      await(outside, "a yield from outside");
    }
  }

  // blockOn returns a stage's result, rethrows its failure wrapped in CompletionException, and
  // throws CancellationException for a cancelled stage.
  @Test
  void blockOnReturnsTheResultOrThrows() {
    IllegalStateException boom = new IllegalStateException("stage failed");
    try (Scheduler s = small(2).build()) {
      assertEquals(4, s.blockOn(s.spawn(() -> 4)));
      assertEquals(5, s.blockOn(CompletableFuture.completedFuture(5)));
      CompletionException e = assertThrows(CompletionException.class,
          () -> s.blockOn(CompletableFuture.failedFuture(boom)));
      assertSame(boom, e.getCause());
      CompletableFuture<Integer> cancelled = new CompletableFuture<>();
      cancelled.cancel(false);
      assertThrows(CancellationException.class, () -> s.blockOn(cancelled));
    }
  }

  // blockOn on a worker compensates: a stage completed by a task queued behind the blocked one
  // still completes on a scheduler with parallelism 1 and preemption off.
  @Test
  void blockOnAWorkerCompensatesSoTheAwaitedWorkRuns() {
    try (Scheduler s =
        Scheduler.builder().parallelism(1).maxThreads(2).preemption(false)
            .keepAlive(Support.KEEP_ALIVE).build()) {
      Task<String> outer = s.spawn(() -> {
        CompletableFuture<String> stage = new CompletableFuture<>();
        s.spawn(() -> stage.complete("from the queued task"));
        return s.blockOn(stage);
      });
      assertEquals("from the queued task", outer.join());
      assertTrue(s.stats().compensations() >= 1, s.stats().toString());
    }
  }

  // stats() counts spawned and completed tasks; after close every started thread has retired.
  @Test
  void statsCountTasksAndThreads() {
    int n = 500;
    Scheduler s = small(2).build();
    Stats fresh = s.stats();
    assertEquals(0, fresh.workers(), "no thread before the first task");
    assertEquals(0, fresh.spawned());
    try (s) {
      List<Task<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        tasks.add(s.spawn(() -> k));
      }
      tasks.forEach(Task::join);
      Stats running = s.stats();
      assertEquals(n, running.spawned());
      assertTrue(running.threadsStarted() >= 1);
      assertTrue(running.workers() <= s.config().maxThreads());
    }
    Stats done = s.stats();
    assertEquals(n, done.spawned());
    assertEquals(n, done.completed());
    assertEquals(0, done.workers());
    assertEquals(done.threadsStarted(), done.threadsRetired());
    assertEquals(0, done.queuedGlobal() + done.queuedLocal());
  }

  // config() is the configuration the builder produced.
  @Test
  void configIsTheBuiltConfiguration() {
    Scheduler.Builder b = small(3).maxThreads(7).threadNamePrefix("cfg-");
    SchedulerConfig expected = b.toConfig();
    try (Scheduler s = b.build()) {
      assertEquals(expected, s.config());
      assertEquals(3, s.config().parallelism());
      assertEquals(7, s.config().maxThreads());
    }
  }

  // After shutdown() the scheduler refuses new tasks, still runs the tasks it accepted, and
  // terminates.
  @Test
  void shutdownRejectsNewTasksButRunsAcceptedOnes() throws Exception {
    CountDownLatch holderStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    Scheduler s = singleWorker().build();
    try (s) {
      s.spawn(() -> {
        holderStarted.countDown();
        awaitInBody(release);
        return null;
      });
      await(holderStarted, "the holder to start");
      List<Task<Void>> queued = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        queued.add(s.spawn(() -> {
          ran.incrementAndGet();
        }));
      }
      s.shutdown();
      assertTrue(s.isShutdown());
      assertFalse(s.isTerminated());
      assertThrows(RejectedExecutionException.class, () -> s.spawn(() -> 1));
      release.countDown();
      assertTrue(s.awaitTermination(Support.PATIENCE_SECONDS, TimeUnit.SECONDS));
      assertTrue(s.isTerminated());
      assertEquals(10, ran.get());
      for (Task<Void> t : queued) {
        assertEquals(Task.Status.SUCCEEDED, t.status());
      }
    }
  }

  // shutdownNow() returns the tasks that never ran (and they never run), cancels them, and
  // interrupts the running one.
  @Test
  void shutdownNowReturnsTheTasksThatNeverRan() throws Exception {
    int n = 25;
    CountDownLatch holderStarted = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    Scheduler s = singleWorker().build();
    try (s) {
      Task<Void> holder = s.spawn(() -> {
        holderStarted.countDown();
        new CountDownLatch(1).await(Support.PATIENCE_SECONDS, TimeUnit.SECONDS);
        return null;
      });
      await(holderStarted, "the holder to start");
      Set<Task<Void>> queued = Collections.newSetFromMap(new IdentityHashMap<>());
      for (int i = 0; i < n; i++) {
        queued.add(s.spawn(() -> {
          ran.incrementAndGet();
        }));
      }
      List<Runnable> never = s.shutdownNow();
      assertEquals(n, never.size());
      for (Runnable r : never) {
        assertTrue(queued.contains(r), "shutdownNow returned the queued task handles");
      }
      for (Task<Void> t : queued) {
        assertEquals(Task.Status.CANCELLED, t.status());
      }
      assertTrue(s.isShutdown());
      assertTrue(s.awaitTermination(Support.PATIENCE_SECONDS, TimeUnit.SECONDS));
      assertInstanceOf(InterruptedException.class, holder.failure(), "the running task was interrupted");
      assertThrows(RejectedExecutionException.class, () -> s.spawn(() -> 1));
    }
    assertEquals(0, ran.get(), "no task returned by shutdownNow ran");
  }

  // awaitTermination returns false when the time passes with work still running.
  @Test
  void awaitTerminationTimesOutWhileWorkRuns() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = small(1).build()) {
      s.spawn(() -> {
        started.countDown();
        awaitInBody(release);
        return null;
      });
      await(started, "the task to start");
      s.shutdown();
      assertFalse(s.awaitTermination(20, TimeUnit.MILLISECONDS));
      assertFalse(s.isTerminated());
      release.countDown();
      assertTrue(s.awaitTermination(Support.PATIENCE_SECONDS, TimeUnit.SECONDS));
    }
  }

  // A scheduler that never ran a task terminates as soon as it is shut down.
  @Test
  void unusedSchedulerTerminatesAtOnceOnShutdown() throws Exception {
    Scheduler s = small(2).build();
    assertFalse(s.isShutdown());
    assertFalse(s.isTerminated());
    s.shutdown();
    assertTrue(s.awaitTermination(Support.PATIENCE_SECONDS, TimeUnit.SECONDS));
    assertTrue(s.isTerminated());
    assertEquals(0, s.stats().threadsStarted());
    s.close();
  }

  // close() waits for the accepted tasks, leaves the scheduler terminated, and is idempotent.
  @Test
  void closeWaitsForAcceptedTasksAndIsIdempotent() {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Scheduler s = small(2).build();
    Task<String> t = s.spawn(() -> {
      started.countDown();
      awaitInBody(release);
      return "finished";
    });
    await(started, "the task to start");
    CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
    release.countDown();
    await(closing, "close() to return");
    assertEquals(Task.Status.SUCCEEDED, t.status(), "close() returned after the task finished");
    assertTrue(s.isTerminated());
    s.close();
    assertTrue(s.isShutdown());
  }

  // close() called from inside one of the scheduler's own tasks shuts it down without waiting
  // for itself (no deadlock).
  @Test
  void closeFromOwnTaskDoesNotDeadlock() throws Exception {
    Scheduler s = small(2).build();
    try (s) {
      assertEquals("closed", s.spawn(() -> {
        s.close();
        return "closed";
      }).join());
      assertTrue(s.isShutdown());
    }
    assertTrue(s.isTerminated());
  }
}
