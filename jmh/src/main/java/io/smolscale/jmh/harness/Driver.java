package io.smolscale.jmh.harness;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark thread's own executor: the analogue of {@code futures::executor::block_on}.
 *
 * <p>The original drives each iteration from the bench thread with {@code block_on(async {...})}:
 * the iteration body runs on that (non-worker) thread, what it spawns goes to the executor under
 * test from outside, and when it waits the thread parks until a waker unparks it. A {@link Job}
 * created with a Driver as its executor behaves exactly so: its wakes are queued here and run on
 * the benchmark thread by {@link #blockOn}, which parks in between.
 *
 * <p>Every wait is bounded by {@link #TIMEOUT_SECONDS} (system property {@code
 * smolscale.jmh.timeoutSeconds}, default 60): a lost wake-up fails the benchmark instead of
 * hanging it.
 */
public final class Driver implements Executor {
  /** The longest any iteration may wait for its result. */
  public static final long TIMEOUT_SECONDS = Long.getLong("smolscale.jmh.timeoutSeconds", 60);

  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final Thread owner = Thread.currentThread();

  /** Creates a driver owned by the calling thread. */
  public Driver() {}

  @Override
  public void execute(Runnable task) {
    queue.add(task);
    LockSupport.unpark(owner);
  }

  /**
   * Runs this driver's jobs on the calling (owning) thread until {@code result} completes.
   *
   * @param result what the iteration waits for
   * @param <T> its type
   * @return its value
   * @throws IllegalStateException if it failed or did not complete within the timeout
   */
  public <T> T blockOn(CompletableFuture<T> result) {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException("a driver runs on the thread that created it");
    }
    result.whenComplete((v, e) -> LockSupport.unpark(owner));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (!result.isDone()) {
      Runnable r = queue.poll();
      if (r != null) {
        r.run();
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException(
            "benchmark iteration did not complete within " + TIMEOUT_SECONDS + " s: a lost wake-up"
                + " or a hung executor");
      }
      LockSupport.parkNanos(this, left);
    }
    return join(result);
  }

  /**
   * Waits for a stage on the calling thread (a plain {@code block_on} of one handle).
   *
   * @param f the future
   * @param <T> its type
   * @return its value
   * @throws IllegalStateException if it failed or timed out
   */
  public static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("benchmark task failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "benchmark task did not complete within " + TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Fails the benchmark unless the condition holds: every benchmark checks its own result, so a
   * fast wrong run is an error, not a good score.
   *
   * @param ok the condition
   * @param what what was expected
   */
  public static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("benchmark result is wrong: " + what);
    }
  }
}
