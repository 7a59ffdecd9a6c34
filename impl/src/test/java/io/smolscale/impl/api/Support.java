package io.smolscale.impl.api;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.smolscale.Nursery;
import io.smolscale.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Shared helpers of the API behaviour tests. Every wait here is bounded by {@link #PATIENCE}:
 * generous, so that a loaded 2-core CI machine does not fail a test that normally passes in
 * milliseconds, and bounded, so that a broken scheduler fails the test instead of hanging it.
 */
public final class Support {
  /** How long a wait for something that normally takes milliseconds may take. */
  public static final long PATIENCE_SECONDS = 20;

  /** A short keep-alive, so that private schedulers close fast. */
  static final Duration KEEP_ALIVE = Duration.ofMillis(200);

  private Support() {}

  /**
   * A scheduler with exactly one worker thread that is never replaced: no preemption, no
   * compensation beyond the single thread. Lets a test hold "the" worker on a latch.
   */
  static Scheduler.Builder singleWorker() {
    return Scheduler.builder().parallelism(1).maxThreads(1).preemption(false).keepAlive(KEEP_ALIVE);
  }

  /**
   * Like {@link #singleWorker()}, but the worker never retires while the test runs, so that a
   * test can count retired threads (closing still stops it at once).
   */
  static Scheduler.Builder singleLongLivedWorker() {
    return singleWorker().keepAlive(Duration.ofSeconds(60));
  }

  /** A small private scheduler. */
  static Scheduler.Builder small(int parallelism) {
    return Scheduler.builder().parallelism(parallelism).keepAlive(KEEP_ALIVE);
  }

  /** Waits for the latch, failing the test if it does not open in time. */
  public static void await(CountDownLatch latch, String what) {
    try {
      assertTrue(latch.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "timed out waiting for " + what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted waiting for " + what);
    }
  }

  /** Waits for the future, failing the test if it does not complete in time. */
  static <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("waiting for " + what + " failed: " + e, e);
    }
  }

  /** An interruptible wait on a latch inside a task body (the body may be interrupted). */
  static void awaitInBody(CountDownLatch latch) throws InterruptedException {
    if (!latch.await(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("test latch never opened");
    }
  }

  /** An uninterruptible wait on a latch inside a task body. */
  static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    while (true) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || latch.await(left, TimeUnit.NANOSECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until a condition holds (a state that has no latch to wait on, such as a counter inside
   * the scheduler), yielding between looks; fails the test if it never does.
   */
  public static void awaitCondition(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("timed out waiting for " + what);
      }
      Thread.yield();
    }
  }

  /**
   * Runs the set-up of a test that must get something done (spawn its children, see one finish)
   * before a nursery deadline passes, and returns what the set-up made, for the test to assert on.
   *
   * <p>That premise cannot be made true by construction: the deadline's timer starts when the
   * nursery opens, and a loaded machine can deschedule the test thread for longer than any
   * deadline a test can afford to wait for, so that the deadline passes before the spawn that
   * follows the nursery's opening. So each attempt checks its premise instead of assuming it.
   * {@code setUp} gets the deadline, opens the nursery and does its work, between two clock
   * readings that enclose the opening; the timer never fires before the deadline has passed since
   * the opening, so if less than the deadline passed between the readings, nothing in the set-up
   * can have come after it. Such an attempt is returned, and everything the test then asserts is
   * checked on it: a deadline that fires early, or never, still fails the test.
   *
   * <p>An attempt that took longer proves nothing either way: it is discarded ({@code discard}
   * gets it, to cancel and close its nursery) and the next attempt gets twice the deadline. A
   * spawn into an expired nursery throws IllegalStateException; from an attempt that took longer
   * that is the failed premise (the set-up should spawn its long-running children last, as
   * nothing is discarded then), from one that did not it is a real failure and is rethrown.
   *
   * @param first the first attempt's deadline; attempts get 1, 2, 4 and 8 times it
   * @param setUp opens a nursery with the deadline it is given and does the timed part of the test
   * @param nurseryOf the attempt's nursery, to discard it
   * @param <A> what an attempt made
   * @return the first attempt whose premise held
   */
  static <A> A beforeDeadline(
      Duration first, Function<Duration, A> setUp, Function<A, Nursery> nurseryOf) {
    List<String> tooSlow = new ArrayList<>();
    for (int attempt = 0; attempt < 4; attempt++) {
      Duration deadline = first.multipliedBy(1L << attempt);
      long start = System.nanoTime();
      A made;
      try {
        made = setUp.apply(deadline);
      } catch (IllegalStateException e) {
        long took = System.nanoTime() - start;
        if (took < deadline.toNanos()) {
          throw e; // the deadline cannot have passed: a spawn refused for another reason
        }
        tooSlow.add(deadline + " passed during a set-up of " + Duration.ofNanos(took));
        continue;
      }
      long took = System.nanoTime() - start;
      if (took < deadline.toNanos()) {
        return made;
      }
      tooSlow.add(deadline + " passed during a set-up of " + Duration.ofNanos(took));
      Nursery n = nurseryOf.apply(made);
      n.cancel();
      assertThrows(CancellationException.class, n::close, "closing a cancelled nursery");
    }
    return fail("the test thread never finished its set-up before the nursery deadline: " + tooSlow);
  }

  /** Closes a scheduler and checks that it terminated. */
  static void closeAndCheck(Scheduler s) {
    s.close();
    assertTrue(s.isTerminated(), "closed scheduler is terminated");
  }
}
