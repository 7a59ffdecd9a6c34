package io.smolscale.impl.task;

import java.util.concurrent.CancellationException;

/**
 * The stage of a {@code delay}: a {@link StageFuture} whose {@code cancel} completes it with a
 * {@link QuietCancellation} (no stack trace) instead of {@code CompletableFuture}'s ordinary one.
 * A delay is cancelled far more often than it fires when it guards a time-out; the stack trace
 * was most of that cancel's cost (spec/PERFORMANCE.md, "Timers"). {@code isCancelled()} is still
 * true (it tests for any {@link CancellationException}), and a waiter still gets its own trace
 * (see {@link QuietCancellation}).
 *
 * <p>No shared state beyond the {@code CompletableFuture}'s own result, whose CAS decides between
 * the timer's completion and the cancel.
 */
public final class DelayStage extends StageFuture<Void> {
  /**
   * Creates an incomplete delay stage.
   *
   * @param scheduler where its dependents run by default
   */
  public DelayStage(Compensator scheduler) {
    super(scheduler);
  }

  /**
   * Completes the stage with a stackless {@link CancellationException} if it is not done yet.
   *
   * @param mayInterruptIfRunning ignored: a delay runs nothing to interrupt
   * @return whether the stage is cancelled, by this call or an earlier one (as {@code
   *     CompletableFuture.cancel})
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return (!isDone() && completeExceptionally(new QuietCancellation("delay cancelled")))
        || isCancelled();
  }
}
