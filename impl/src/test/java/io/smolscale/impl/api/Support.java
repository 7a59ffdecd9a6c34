package io.smolscale.impl.api;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.smolscale.Scheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Shared helpers of the API behaviour tests. Every wait here is bounded by {@link #PATIENCE}:
 * generous, so that a loaded 2-core CI machine does not fail a test that normally passes in
 * milliseconds, and bounded, so that a broken scheduler fails the test instead of hanging it.
 */
final class Support {
  /** How long a wait for something that normally takes milliseconds may take. */
  static final long PATIENCE_SECONDS = 20;

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
  static void await(CountDownLatch latch, String what) {
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
  static void awaitCondition(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("timed out waiting for " + what);
      }
      Thread.yield();
    }
  }

  /** Closes a scheduler and checks that it terminated. */
  static void closeAndCheck(Scheduler s) {
    s.close();
    assertTrue(s.isTerminated(), "closed scheduler is terminated");
  }
}
