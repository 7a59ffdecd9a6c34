package io.smolscale;

import io.smolscale.spi.SmolscaleProvider;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The global scheduler, with no set-up.
 *
 * <pre>{@code
 * Task<Integer> answer = Smolscale.spawn(() -> 6 * 7);
 * System.out.println(answer.join());
 * }</pre>
 *
 * <p>The global scheduler starts lazily on first use, grows threads while work waits, retires
 * them when idle, and leaves nothing running: all its threads are daemon threads and none is
 * alive after the keep-alive once work has stopped. It is configured by the {@code smolscale.*}
 * system properties (see {@link Scheduler.Builder#fromProperties(java.util.Properties)}), read
 * once when it starts, and it ignores {@code shutdown}, as {@code ForkJoinPool.commonPool()} does.
 */
public final class Smolscale {
  private Smolscale() {}

  /**
   * The global scheduler.
   *
   * @return the global scheduler
   * @throws IllegalStateException if no implementation is on the class or module path
   * @throws IllegalArgumentException if a {@code smolscale.*} system property is bad
   */
  public static Scheduler global() {
    return SmolscaleProvider.get().global();
  }

  /**
   * The global scheduler as a plain {@link Executor}.
   *
   * @return the executor
   */
  public static Executor executor() {
    return global();
  }

  /**
   * The global scheduler's blocking path as a plain {@link Executor}.
   *
   * @return the executor
   * @see Scheduler#blockingExecutor()
   */
  public static Executor blockingExecutor() {
    return global().blockingExecutor();
  }

  /**
   * Spawns a task that is expected to block on the global scheduler: it starts at once on a
   * thread of its own.
   *
   * @param body the body
   * @param <T> the result type
   * @return the task's handle
   * @throws NullPointerException if {@code body} is null
   * @see Scheduler#spawnBlocking(Callable)
   */
  public static <T> Task<T> spawnBlocking(Callable<T> body) {
    return global().spawnBlocking(body);
  }

  /**
   * Spawns a task with no result that is expected to block on the global scheduler.
   *
   * @param body the body
   * @return the task's handle
   * @throws NullPointerException if {@code body} is null
   * @see Scheduler#spawnBlocking(Runnable)
   */
  public static Task<Void> spawnBlocking(Runnable body) {
    return global().spawnBlocking(body);
  }

  /**
   * Spawns a task with no result that is expected to block and may throw a checked exception, on
   * the global scheduler.
   *
   * @param body the body
   * @return the task's handle
   * @throws NullPointerException if {@code body} is null
   * @see Scheduler#spawnBlocking(CheckedRunnable)
   */
  public static Task<Void> spawnBlocking(CheckedRunnable body) {
    return global().spawnBlocking(body);
  }

  /**
   * Spawns a task on the global scheduler.
   *
   * @param body the body
   * @param <T> the result type
   * @return the task's handle
   * @throws NullPointerException if {@code body} is null
   * @see Scheduler#spawn(Callable)
   */
  public static <T> Task<T> spawn(Callable<T> body) {
    return global().spawn(body);
  }

  /**
   * Spawns a task with no result on the global scheduler.
   *
   * @param body the body
   * @return the task's handle
   * @throws NullPointerException if {@code body} is null
   * @see Scheduler#spawn(Runnable)
   */
  public static Task<Void> spawn(Runnable body) {
    return global().spawn(body);
  }

  /**
   * Spawns a task with no result whose body may throw a checked exception, on the global
   * scheduler: {@code Smolscale.spawn(() -> { Thread.sleep(5); })}.
   *
   * @param body the body
   * @return the task's handle
   * @throws NullPointerException if {@code body} is null
   * @see Scheduler#spawn(CheckedRunnable)
   */
  public static Task<Void> spawn(CheckedRunnable body) {
    return global().spawn(body);
  }

  /**
   * Spawns a named task on the global scheduler.
   *
   * @param name the task's name, not empty
   * @param body the body
   * @param <T> the result type
   * @return the task's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @see Scheduler#spawn(String, Callable)
   */
  public static <T> Task<T> spawn(String name, Callable<T> body) {
    return global().spawn(name, body);
  }

  /**
   * Spawns a named task with no result on the global scheduler.
   *
   * @param name the task's name, not empty
   * @param body the body
   * @return the task's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @see Scheduler#spawn(String, Runnable)
   */
  public static Task<Void> spawn(String name, Runnable body) {
    return global().spawn(name, body);
  }

  /**
   * Spawns a named task with no result whose body may throw a checked exception, on the global
   * scheduler.
   *
   * @param name the task's name, not empty
   * @param body the body
   * @return the task's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @see Scheduler#spawn(String, CheckedRunnable)
   */
  public static Task<Void> spawn(String name, CheckedRunnable body) {
    return global().spawn(name, body);
  }

  /**
   * Spawns a named task that is expected to block, on the global scheduler.
   *
   * @param name the task's name, not empty
   * @param body the body
   * @param <T> the result type
   * @return the task's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @see Scheduler#spawnBlocking(String, Callable)
   */
  public static <T> Task<T> spawnBlocking(String name, Callable<T> body) {
    return global().spawnBlocking(name, body);
  }

  /**
   * Spawns a named task with no result that is expected to block, on the global scheduler.
   *
   * @param name the task's name, not empty
   * @param body the body
   * @return the task's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @see Scheduler#spawnBlocking(String, Runnable)
   */
  public static Task<Void> spawnBlocking(String name, Runnable body) {
    return global().spawnBlocking(name, body);
  }

  /**
   * Spawns a named task with no result that is expected to block and may throw a checked
   * exception, on the global scheduler.
   *
   * @param name the task's name, not empty
   * @param body the body
   * @return the task's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @see Scheduler#spawnBlocking(String, CheckedRunnable)
   */
  public static Task<Void> spawnBlocking(String name, CheckedRunnable body) {
    return global().spawnBlocking(name, body);
  }

  /**
   * Spawns an asynchronous task on the global scheduler.
   *
   * @param body supplies the stage
   * @param <T> the result type
   * @return the task's handle
   * @throws NullPointerException if {@code body} is null
   * @see Scheduler#spawnAsync(Supplier)
   */
  public static <T> Task<T> spawnAsync(Supplier<? extends CompletionStage<T>> body) {
    return global().spawnAsync(body);
  }

  /**
   * Yields on the global scheduler.
   *
   * @return a stage completed once queued work ahead of it has had its turn
   * @see Scheduler#yieldNow()
   */
  public static CompletionStage<Void> yieldNow() {
    return global().yieldNow();
  }

  /**
   * A stage that completes after {@code delay}, on the global scheduler.
   *
   * @param delay how long from now
   * @return a future completed with null after the delay; cancelling it removes its timer
   * @see Scheduler#delay(Duration)
   */
  public static java.util.concurrent.CompletableFuture<Void> delay(Duration delay) {
    return global().delay(delay);
  }

  /**
   * Blocks until the stage completes, compensating if called on a worker.
   *
   * @param stage the stage
   * @param <T> the result type
   * @return the result
   * @see Scheduler#blockOn(CompletionStage)
   */
  public static <T> T blockOn(CompletionStage<T> stage) {
    return global().blockOn(stage);
  }

  /**
   * Creates an empty join set on the global scheduler.
   *
   * @param <T> the tasks' result type
   * @return the join set
   */
  public static <T> JoinSet<T> joinSet() {
    return global().joinSet();
  }

  /**
   * Opens a nursery on the global scheduler.
   *
   * @return the nursery
   */
  public static Nursery nursery() {
    return global().nursery();
  }

  /**
   * Opens a nursery with a deadline on the global scheduler.
   *
   * @param deadline how long the children may run
   * @return the nursery
   */
  public static Nursery nursery(Duration deadline) {
    return global().nursery(deadline);
  }
}
