package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Nursery;
import io.smolscale.Scheduler;
import io.smolscale.Task;
import io.smolscale.TaskDecorator;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TaskDecorator}: context captured on the submitting thread is what the body sees, on
 * every way in (spawn, blocking, async, nursery, execute, async stages, delay), and the rules of
 * its javadoc hold: a decorator that misbehaves (throws, skips the task, runs it twice, returns
 * null) never loses a task or an exception silently.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskDecoratorTest {
  /** The "MDC" of these tests: a thread local the decorator carries. */
  private static final ThreadLocal<String> CONTEXT = new ThreadLocal<>();

  /** Captures CONTEXT at decoration, sets it around the run, clears it after; counts calls. */
  private static final class Carrier implements TaskDecorator {
    final AtomicInteger decorations = new AtomicInteger();
    final List<String> leftAfterRun = new CopyOnWriteArrayList<>();

    @Override
    public Runnable decorate(Runnable task) {
      decorations.incrementAndGet();
      String captured = CONTEXT.get();
      return () -> {
        String before = CONTEXT.get();
        if (before != null) {
          leftAfterRun.add(before); // a previous task's context leaked onto this thread
        }
        CONTEXT.set(captured);
        try {
          task.run();
        } finally {
          CONTEXT.remove();
        }
      };
    }
  }

  private static Scheduler.Builder with(TaskDecorator d) {
    return Support.small(2).taskDecorator(d);
  }

  /** Proves each way of submitting work carries the submitter's context and clears it after. */
  @Test
  void everyWayInCarriesTheSubmittersContext() throws Exception {
    Carrier carrier = new Carrier();
    try (Scheduler s = with(carrier).build()) {
      CONTEXT.set("spawner");
      try {
        assertEquals("spawner", await(s.spawn(CONTEXT::get).toCompletableFuture(), "spawn"));
        assertEquals("spawner", await(s.spawn("named", CONTEXT::get).toCompletableFuture(), "named"));
        assertEquals("spawner",
            await(s.spawnBlocking(CONTEXT::get).toCompletableFuture(), "spawnBlocking"));
        assertEquals("spawner", await(s.spawnAsync(
            () -> CompletableFuture.completedFuture(CONTEXT.get())).toCompletableFuture(),
            "spawnAsync"));
        assertEquals("spawner", await(s.submit(CONTEXT::get).toCompletableFuture(), "submit"));

        LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
        s.execute(() -> seen.add(String.valueOf(CONTEXT.get())));
        s.blockingExecutor().execute(() -> seen.add(String.valueOf(CONTEXT.get())));
        assertEquals("spawner", seen.poll(Support.PATIENCE_SECONDS, TimeUnit.SECONDS));
        assertEquals("spawner", seen.poll(Support.PATIENCE_SECONDS, TimeUnit.SECONDS));

        try (Nursery n = s.nursery()) {
          assertEquals("spawner", await(n.spawn(CONTEXT::get).toCompletableFuture(), "child"));
        }

        // An async stage on the scheduler is decorated where it is queued: on the worker that
        // completed the task, inside the task's restored context.
        CompletableFuture<String> stage =
            s.spawn(() -> 1).thenApplyAsync(v -> CONTEXT.get(), s).toCompletableFuture();
        assertEquals("spawner", await(stage, "thenApplyAsync"));

        // delay's completion is decorated at the call: its dependents see this thread's context,
        // not the timer thread's.
        CompletableFuture<String> later =
            s.delay(Duration.ofMillis(50)).thenApply(v -> CONTEXT.get()); // registered before it fires
        assertEquals("spawner", await(later, "delay's dependent"));
      } finally {
        CONTEXT.remove();
      }
      // A task submitted with no context sees none, though its worker ran "spawner" tasks.
      assertNull(await(s.spawn(CONTEXT::get).toCompletableFuture(), "context-free spawn"));
    }
    assertEquals(List.of(), carrier.leftAfterRun, "a context leaked onto a worker");
    // One per unit of work: 11 submissions in the try block (the async stage and the delay's
    // completion each count one) and the context-free spawn.
    assertEquals(12, carrier.decorations.get());
  }

  /** Proves a task is decorated once, on submission, not again when the scheduler moves it. */
  @Test
  void oneDecorationPerTask() throws Exception {
    Carrier carrier = new Carrier();
    try (Scheduler s = with(carrier).build()) {
      int n = 1_000;
      CountDownLatch done = new CountDownLatch(n);
      // Spawned from inside a task, so they go to a worker's ring, where the balancer and the
      // other worker may take them: each is still decorated exactly once.
      s.spawn(() -> {
        for (int i = 0; i < n; i++) {
          s.spawn(done::countDown);
        }
      });
      Support.await(done, "the spawned tasks");
      assertEquals(n + 1, carrier.decorations.get());
    }
  }

  /** Proves a body's failure reaches its handle even through a decorator that swallows. */
  @Test
  void aSwallowingDecoratorCannotHideAFailure() {
    TaskDecorator swallow = task -> () -> {
      try {
        task.run();
      } catch (Throwable e) {
        // a careless decorator; the task's failure must not depend on it
      }
    };
    try (Scheduler s = with(swallow).build()) {
      Task<Object> t = s.spawn(() -> {
        throw new IOException("refused");
      });
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> t.toCompletableFuture().get(Support.PATIENCE_SECONDS, TimeUnit.SECONDS));
      assertInstanceOf(IOException.class, e.getCause());
    }
  }

  /** Proves a decorator that skips or re-runs the task, or throws before it, fails the task. */
  @Test
  void aMisbehavingDecoratorFailsTheTaskItBroke() {
    TaskDecorator skip = task -> () -> {};
    try (Scheduler s = with(skip).build()) {
      CompletionException e = assertThrows(CompletionException.class, () ->
          s.spawn(() -> 1).toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join());
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("without running the task"), e.toString());
    }
    AtomicInteger runs = new AtomicInteger();
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    CountDownLatch reported = new CountDownLatch(1);
    TaskDecorator twice = task -> () -> {
      task.run();
      task.run();
    };
    try (Scheduler s = with(twice)
        .uncaughtExceptionHandler((t, x) -> {
          uncaught.add(x);
          reported.countDown();
        })
        .build()) {
      assertEquals(1, await(s.spawn(runs::incrementAndGet).toCompletableFuture(), "twice"));
      Support.await(reported, "the second run's report");
      assertEquals(1, runs.get(), "the body ran twice");
      assertInstanceOf(IllegalStateException.class, uncaught.get(0));
    }
    RuntimeException boom = new IllegalArgumentException("decorator broke");
    TaskDecorator throwsBefore = task -> () -> {
      throw boom;
    };
    try (Scheduler s = with(throwsBefore).build()) {
      CompletionException e = assertThrows(CompletionException.class, () ->
          s.spawn(() -> 1).toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join());
      assertSame(boom, e.getCause());
    }
  }

  /**
   * Proves a raw runnable is never dropped silently: its own exception and a decorator that
   * skips it are both reported to the uncaught-exception handler.
   */
  @Test
  void rawRunnablesAreReportedNotLost() throws Exception {
    LinkedBlockingQueue<Throwable> uncaught = new LinkedBlockingQueue<>();
    TaskDecorator skipMarked = task -> () -> {
      if (!task.toString().contains("skip-me")) {
        task.run();
      }
    };
    try (Scheduler s = with(skipMarked)
        .uncaughtExceptionHandler((t, x) -> uncaught.add(x))
        .build()) {
      RuntimeException own = new IllegalStateException("own failure");
      s.execute(() -> {
        throw own;
      });
      assertSame(own, uncaught.poll(Support.PATIENCE_SECONDS, TimeUnit.SECONDS));
      s.execute(new Runnable() {
        @Override
        public void run() {}

        @Override
        public String toString() {
          return "skip-me";
        }
      });
      Throwable skipped = uncaught.poll(Support.PATIENCE_SECONDS, TimeUnit.SECONDS);
      assertInstanceOf(IllegalStateException.class, skipped);
      assertTrue(skipped.getMessage().contains("skip-me"), String.valueOf(skipped));
    }
  }

  /** Proves what decorate() throws, or a null it returns, goes to the submitter, queuing nothing. */
  @Test
  void decorateFailuresReachTheSubmitter() {
    AtomicInteger ran = new AtomicInteger();
    TaskDecorator refuses = task -> {
      throw new UnsupportedOperationException("no context here");
    };
    try (Scheduler s = with(refuses).build()) {
      assertThrows(UnsupportedOperationException.class, () -> s.spawn(ran::incrementAndGet));
      assertThrows(UnsupportedOperationException.class, () -> s.execute(ran::incrementAndGet));
    }
    try (Scheduler s = with(task -> null).build()) {
      NullPointerException e =
          assertThrows(NullPointerException.class, () -> s.spawn(ran::incrementAndGet));
      assertTrue(e.getMessage().contains("taskDecorator"), e.toString());
    }
    assertEquals(0, ran.get());
  }

  /** Proves shutdownNow returns what the user submitted, not the decorated wrapper. */
  @Test
  void shutdownNowReturnsTheSubmittedRunnables() throws Exception {
    Carrier carrier = new Carrier();
    CountDownLatch hold = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    Scheduler s = Support.singleWorker().taskDecorator(carrier).build();
    try {
      s.execute(() -> {
        holding.countDown();
        Support.awaitUninterruptibly(hold);
      });
      Support.await(holding, "the worker to be held");
      Runnable queued = () -> {};
      s.execute(queued);
      List<Runnable> never = s.shutdownNow();
      assertEquals(List.of(queued), never);
    } finally {
      hold.countDown();
      s.close();
    }
  }
}
