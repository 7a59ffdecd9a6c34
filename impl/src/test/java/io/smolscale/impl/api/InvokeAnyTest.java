package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.PATIENCE_SECONDS;
import static io.smolscale.impl.api.Support.await;
import static io.smolscale.impl.api.Support.awaitInBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Scheduler;
import io.smolscale.TaskDecorator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scheduler's own {@code invokeAny} (and {@code invokeAll}): each task decorated exactly once,
 * not nested; the losers cancelled (interrupted) once one succeeds, on a time-out, and when the
 * caller is interrupted; refused after shutdown.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InvokeAnyTest {

  /** Counts decorate calls and the nesting depth of decorated runs on each thread. */
  private static final class CountingDecorator implements TaskDecorator {
    final AtomicInteger decorated = new AtomicInteger();
    final AtomicInteger maxDepth = new AtomicInteger();
    final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

    @Override
    public Runnable decorate(Runnable task) {
      decorated.incrementAndGet();
      return () -> {
        int[] d = depth.get();
        d[0]++;
        maxDepth.accumulateAndGet(d[0], Math::max);
        try {
          task.run();
        } finally {
          d[0]--;
        }
      };
    }

    int depthHere() {
      return depth.get()[0];
    }
  }

  /**
   * Proves every task of invokeAny (untimed and timed) and invokeAll is decorated once: as many
   * decorate calls as tasks, and each body runs at depth 1 (AbstractExecutorService's invokeAny
   * gave 2 of each: the JDK's FutureTask around our task was decorated too, nested). Every body
   * runs before the call returns: the successful one waits for the two failing ones.
   */
  @Test
  void eachTaskIsDecoratedOnce() throws Exception {
    CountingDecorator d = new CountingDecorator();
    try (Scheduler s = Support.small(2).taskDecorator(d).build()) {
      for (int round = 0; round < 3; round++) {
        int before = d.decorated.get();
        List<Integer> depths = new CopyOnWriteArrayList<>();
        CountDownLatch failed = new CountDownLatch(2);
        Callable<String> fails = () -> {
          depths.add(d.depthHere());
          failed.countDown();
          throw new IllegalStateException("fails");
        };
        Callable<String> succeeds = () -> {
          depths.add(d.depthHere());
          awaitInBody(failed);
          return "ok";
        };
        List<Callable<String>> tasks = List.of(fails, fails, succeeds);
        if (round == 0) {
          assertEquals("ok", s.invokeAny(tasks));
        } else if (round == 1) {
          assertEquals("ok", s.invokeAny(tasks, PATIENCE_SECONDS, TimeUnit.SECONDS));
        } else {
          assertEquals(3, s.invokeAll(tasks).size());
        }
        assertEquals(3, d.decorated.get() - before, "decorate calls, round " + round);
        assertEquals(List.of(1, 1, 1), depths, "depth in each body, round " + round);
        assertEquals(1, d.maxDepth.get(), "deepest nesting, round " + round);
      }
    }
  }

  /**
   * Proves the losers are cancelled once one succeeds: both are running (the winner waits for
   * them to start) and each sees the interrupt of its cancellation after invokeAny returned.
   */
  @Test
  void theLosersAreInterruptedOnceOneSucceeds() throws Exception {
    try (Scheduler s = Support.small(3).build()) {
      CountDownLatch started = new CountDownLatch(2);
      CountDownLatch interrupted = new CountDownLatch(2);
      CountDownLatch never = new CountDownLatch(1);
      AtomicInteger finished = new AtomicInteger();
      Callable<String> loser = () -> {
        started.countDown();
        try {
          awaitInBody(never);
        } catch (InterruptedException e) {
          interrupted.countDown();
          throw e;
        }
        finished.incrementAndGet();
        return "lost";
      };
      Callable<String> winner = () -> {
        awaitInBody(started);
        return "won";
      };
      try {
        assertEquals("won", s.invokeAny(List.of(loser, winner, loser)));
        await(interrupted, "both losers interrupted by their cancellation");
        assertEquals(0, finished.get());
      } finally {
        never.countDown();
      }
    }
  }

  /**
   * Proves a timed invokeAny that runs out of time throws TimeoutException and cancels every
   * task: the two tasks that started (it waits for that before the time-out can matter, the
   * time-out being long for them to start in but short against their wait) are interrupted.
   */
  @Test
  void aTimeOutCancelsEveryTask() throws Exception {
    try (Scheduler s = Support.small(2).build()) {
      CountDownLatch started = new CountDownLatch(2);
      CountDownLatch interrupted = new CountDownLatch(2);
      CountDownLatch never = new CountDownLatch(1);
      AtomicInteger startedCount = new AtomicInteger();
      Callable<String> waiter = () -> {
        startedCount.incrementAndGet();
        started.countDown();
        try {
          awaitInBody(never);
        } catch (InterruptedException e) {
          interrupted.countDown();
          throw e;
        }
        return "never";
      };
      try {
        long t0 = System.nanoTime();
        assertThrows(TimeoutException.class,
            () -> s.invokeAny(List.of(waiter, waiter), 300, TimeUnit.MILLISECONDS));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(300), "waited");
        // A task cancelled before it started never starts; one that started is interrupted.
        if (started.await(0, TimeUnit.SECONDS)) {
          await(interrupted, "both tasks interrupted by the time-out's cancellation");
        } else {
          s.shutdown();
          assertTrue(s.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS),
              "the cancelled tasks ended");
          assertEquals(startedCount.get(), 2 - interrupted.getCount(),
              "every task that started was interrupted");
        }
      } finally {
        never.countDown();
      }
    }
  }

  /** Proves an interrupted caller gets InterruptedException and every task is interrupted. */
  @Test
  void anInterruptedCallerCancelsEveryTask() throws Exception {
    try (Scheduler s = Support.small(2).build()) {
      CountDownLatch started = new CountDownLatch(2);
      CountDownLatch interrupted = new CountDownLatch(2);
      CountDownLatch never = new CountDownLatch(1);
      Callable<String> waiter = () -> {
        started.countDown();
        try {
          awaitInBody(never);
        } catch (InterruptedException e) {
          interrupted.countDown();
          throw e;
        }
        return "never";
      };
      CompletableFuture<Throwable> thrown = new CompletableFuture<>();
      Thread caller = new Thread(() -> {
        try {
          s.invokeAny(List.of(waiter, waiter));
          thrown.complete(new AssertionError("invokeAny returned"));
        } catch (Throwable e) {
          thrown.complete(e);
        }
      }, "invokeAny caller");
      try {
        caller.start();
        await(started, "both tasks running");
        caller.interrupt();
        assertTrue(await(thrown, "the caller's exception") instanceof InterruptedException);
        await(interrupted, "both tasks interrupted by the caller's interrupt");
      } finally {
        never.countDown();
        caller.join(TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS));
      }
    }
  }

  /** Proves the failure's cause is a task's exception, and a shut-down scheduler refuses. */
  @Test
  void everyTaskFailingAndShutdown() throws Exception {
    Scheduler s = Support.small(2).build();
    List<RuntimeException> failures = new ArrayList<>();
    List<Callable<String>> tasks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RuntimeException e = new IllegalStateException("failure " + i);
      failures.add(e);
      tasks.add(() -> {
        throw e;
      });
    }
    ExecutionException e = assertThrows(ExecutionException.class, () -> s.invokeAny(tasks));
    assertTrue(failures.contains(e.getCause()), e.toString());
    s.shutdown();
    assertThrows(RejectedExecutionException.class, () -> s.invokeAny(List.of(() -> "x")));
    assertThrows(RejectedExecutionException.class,
        () -> s.invokeAny(List.of(() -> "x"), 1, TimeUnit.SECONDS));
    assertThrows(IllegalArgumentException.class, () -> s.invokeAny(List.<Callable<String>>of()));
    Support.closeAndCheck(s);
  }
}
