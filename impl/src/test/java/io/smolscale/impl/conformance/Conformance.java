package io.smolscale.impl.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.smolscale.Scheduler;
import io.smolscale.Task;
import io.smolscale.impl.api.Support;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Helpers of the conformance tests, on the conventions of {@link Support} (whose waits they
 * share).
 *
 * <p>Waiting rules: a test waits for events (latches, futures), never sleeps to synchronise, and
 * every wait is bounded by {@link #PATIENCE_SECONDS}: generous, so that a 2-core machine busy with
 * other processes does not fail a test that normally passes in milliseconds, and bounded, so that
 * a broken scheduler fails the test instead of hanging it. Where the thing waited for has no event
 * (a thread entering a wait), {@link #awaitCondition} polls with {@link Thread#yield}.
 */
final class Conformance {
  /** How long a wait for something that normally takes milliseconds may take. */
  static final long PATIENCE_SECONDS = Support.PATIENCE_SECONDS;

  /**
   * How long a "long" task body waits or sleeps: longer than {@link #PATIENCE_SECONDS}, so that a
   * test that finishes within its patience proves the body was stopped (interrupted) or never ran.
   */
  static final long LONG_MILLIS = 60_000;

  /** A short keep-alive, so that private schedulers close fast. */
  static final Duration KEEP_ALIVE = Duration.ofMillis(200);

  private Conformance() {}

  /**
   * The scheduler under test: a private scheduler with the given parallelism and otherwise the
   * defaults (preemption on, so a worker held in a blocking wait is replaced).
   */
  static Scheduler.Builder scheduler(int parallelism) {
    return Scheduler.builder().parallelism(parallelism).keepAlive(KEEP_ALIVE);
  }

  /**
   * Like {@link #scheduler}, but with no thread beyond the parallelism ({@code maxThreads ==
   * parallelism}): once {@code parallelism} tasks are held in their bodies, no worker is left, so
   * every task submitted afterwards stays queued (PENDING) until the test lets a holder go.
   */
  static Scheduler.Builder capped(int parallelism) {
    return scheduler(parallelism).maxThreads(parallelism);
  }

  /** Waits for the latch, failing the test if it does not open in time. */
  static void await(CountDownLatch latch, String what) {
    Support.await(latch, what);
  }

  /** Waits for the future's result, failing the test if it does not complete normally in time. */
  static <T> T await(Future<T> future, String what) {
    try {
      return future.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("waiting for " + what + " failed: " + e, e);
    }
  }

  /** Waits for the scheduler to terminate, failing the test if it does not in time. */
  static void awaitTermination(Scheduler s, String what) {
    try {
      assertTrue(s.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS),
          "timed out waiting for " + what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted waiting for " + what);
    }
  }

  /** An interruptible wait on a latch inside a task body, bounded by {@link #LONG_MILLIS}. */
  static void awaitInBody(CountDownLatch latch) throws InterruptedException {
    if (!latch.await(LONG_MILLIS, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("test latch never opened");
    }
  }

  /**
   * An uninterruptible wait on a latch inside a task body: interrupts are counted on {@code
   * interruptsSeen} and otherwise ignored (the status is restored on return).
   */
  static void awaitUninterruptibly(CountDownLatch latch, CountDownLatch interruptsSeen) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LONG_MILLIS);
    while (true) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || latch.await(left, TimeUnit.NANOSECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        if (!interrupted) {
          interruptsSeen.countDown();
        }
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until a condition holds (a state that has no event to wait on, such as a thread having
   * entered a wait), yielding between looks; fails the test if it never does.
   */
  static void awaitCondition(BooleanSupplier condition, String what) {
    Support.awaitCondition(condition, what);
  }

  /** Waits until the thread is waiting (or has ended): it has entered the blocking call. */
  static void awaitWaiting(Thread t, String what) {
    awaitCondition(() -> {
      Thread.State st = t.getState();
      return st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING
          || st == Thread.State.TERMINATED;
    }, what);
  }

  /** Stops whatever a failed test left behind: best effort, bounded. */
  static void cleanUp(Scheduler s) {
    s.shutdownNow();
    try {
      s.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A body run on a new daemon thread (a closer, a waiter that the test interrupts), with its
   * outcome in {@link #result}.
   */
  static final class Helper<T> {
    final Thread thread;
    final CompletableFuture<T> result = new CompletableFuture<>();

    private Helper(String name, Callable<T> body) {
      thread = new Thread(() -> {
        try {
          result.complete(body.call());
        } catch (Throwable e) {
          result.completeExceptionally(e);
        }
      }, name);
      thread.setDaemon(true);
      thread.start();
    }

    static <T> Helper<T> start(String name, Callable<T> body) {
      return new Helper<>(name, body);
    }

    /** Waits for the body's outcome: its result, or the exception it threw, for the test. */
    Throwable awaitFailure(String what) {
      try {
        result.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        return e.getCause();
      } catch (Exception e) {
        throw new AssertionError("waiting for " + what + " failed: " + e, e);
      }
      throw new AssertionError(what + ": completed normally, expected an exception");
    }

    /** Joins the thread for cleanup, bounded. */
    void joinQuietly() {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Tasks held in their bodies until {@link #release()}: they occupy workers, so that tasks
   * submitted afterwards to a {@link #capped} scheduler stay queued. Each body counts down {@link
   * #started}, then waits (interruptibly: for the latch, or in {@code Thread.sleep} for {@link
   * #LONG_MILLIS}); an interrupt counts down {@link #interrupted} and ends the body with the
   * {@link InterruptedException}.
   */
  static final class Holders implements AutoCloseable {
    final CountDownLatch started;
    final CountDownLatch interrupted;
    final CountDownLatch release = new CountDownLatch(1);
    final List<Task<String>> tasks;

    private Holders(Scheduler s, int n, boolean sleep) {
      started = new CountDownLatch(n);
      interrupted = new CountDownLatch(n);
      List<Task<String>> ts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ts.add(s.submit(() -> {
          started.countDown();
          try {
            if (sleep) {
              Thread.sleep(LONG_MILLIS);
            } else {
              awaitInBody(release);
            }
            return "released";
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
        }));
      }
      tasks = Collections.unmodifiableList(ts);
    }

    /** Starts {@code n} tasks waiting for {@link #release()} and waits until all are running. */
    static Holders hold(Scheduler s, int n) {
      Holders h = new Holders(s, n, false);
      await(h.started, n + " holder task(s) to start");
      return h;
    }

    /**
     * Starts {@code n} tasks that sleep for {@link #LONG_MILLIS} (only an interrupt ends them
     * within a test's patience) and waits until all are running.
     */
    static Holders sleepers(Scheduler s, int n) {
      Holders h = new Holders(s, n, true);
      await(h.started, n + " sleeping task(s) to start");
      return h;
    }

    void release() {
      release.countDown();
    }

    boolean allDone() {
      return tasks.stream().allMatch(Task::isDone);
    }

    @Override
    public void close() {
      release();
    }
  }
}
