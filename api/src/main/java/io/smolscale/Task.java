package io.smolscale;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A handle to a task spawned on a {@link Scheduler}.
 *
 * <p>A task is both a {@link Future} and a {@link CompletionStage}. Its asynchronous
 * continuations ({@code thenApplyAsync(fn)} and the other {@code *Async} methods without an
 * executor argument) run on the task's scheduler, not on {@code ForkJoinPool.commonPool()}.
 *
 * <p>Memory effects: everything the spawning thread did before {@code spawn} happens-before the
 * task body starts; everything the body did happens-before {@link #join()}, {@link #get()} or a
 * dependent stage observes its completion.
 *
 * <p>Only the body decides the outcome. Outside code cannot complete a task: {@code complete},
 * {@code completeExceptionally}, {@code obtrudeValue}, {@code obtrudeException}, {@code
 * completeAsync}, {@code completeOnTimeout} and {@code orTimeout} of the implementing class throw
 * {@link UnsupportedOperationException}, and {@link #toCompletableFuture()} returns a new
 * dependent future that completes when the task does, which its caller may complete, time out or
 * cancel without changing the task (cancel the task itself with {@link #cancel}).
 *
 * <p>Failures never vanish. A task that fails keeps its exception for whoever joins it; a
 * {@linkplain #detach() detached} task that fails reports its exception to the scheduler's
 * uncaught-exception handler.
 *
 * @param <T> the type of the task's result
 */
public interface Task<T> extends Future<T>, CompletionStage<T> {

  /**
   * The life-cycle status of a task's body. Transitions only go forward: PENDING, RUNNING, then
   * one final status, decided by the body (or by {@link #cancel}) and never by outside code.
   *
   * <p>Not called {@code State}: JDK 19 added {@code Future.state()} returning {@code
   * Future.State}, which has no PENDING; a {@code Task.state()} returning another enum could not
   * be compiled against JDK 19+ at all. On JDK 19+ both are available and agree on the final
   * status ({@code SUCCESS}/{@code SUCCEEDED}, {@code FAILED}, {@code CANCELLED}).
   */
  enum Status {
    /** Spawned, not yet started. Cancelling a pending task means its body never runs. */
    PENDING,
    /** The body is running (for an async task: the stage it returned has not completed yet). */
    RUNNING,
    /** Completed with a result. */
    SUCCEEDED,
    /** Completed with an exception thrown by the body. */
    FAILED,
    /** Cancelled before it completed. */
    CANCELLED;

    /**
     * Tells whether this status is final.
     *
     * @return true for {@link #SUCCEEDED}, {@link #FAILED} and {@link #CANCELLED}
     */
    public boolean isDone() {
      return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
  }

  /**
   * Waits for the task and returns its result.
   *
   * <p>Called on a worker thread of a smolscale scheduler, the wait is compensated at once: the
   * worker hands its queue to the others and a replacement may start, so waiting never starves
   * other tasks.
   *
   * @return the result
   * @throws CompletionException wrapping the task's exception if it failed
   * @throws CancellationException if the task was cancelled
   */
  T join();

  /**
   * The task's current status.
   *
   * @return the status; never null
   */
  Status status();

  /**
   * Detaches the task: nobody will join it, so if it fails, its exception goes to the scheduler's
   * uncaught-exception handler instead of waiting in the handle. A task that already failed when
   * it is detached is reported at once. Detaching does not cancel the task. Idempotent.
   *
   * @return this task
   */
  Task<T> detach();

  /**
   * Tells whether {@link #detach()} was called.
   *
   * @return true if detached
   */
  boolean isDetached();

  /**
   * The exception the task failed with, if it failed.
   *
   * @return the body's exception when the status is FAILED, the {@link CancellationException} when
   *     it is CANCELLED, otherwise null
   */
  @Nullable Throwable failure();

  /**
   * Cancels the task if it has not completed.
   *
   * <p>A pending task never runs. A running task is interrupted only if {@code
   * mayInterruptIfRunning} is true; its result, when it finishes, is discarded. A cancelled
   * async task also cancels the stage its supplier returned, if that stage is a {@link Future}.
   *
   * @param mayInterruptIfRunning whether to interrupt the thread running the body
   * @return true if this call moved the task to CANCELLED
   */
  @Override
  boolean cancel(boolean mayInterruptIfRunning);

  /**
   * A new {@link CompletableFuture} that completes with the task's outcome. It is a copy: completing,
   * timing out or cancelling it does not change the task, whose outcome only its body decides.
   *
   * @return a new dependent future, not this task
   */
  @Override
  CompletableFuture<T> toCompletableFuture();
}
