package io.smolscale.impl.task;

import java.util.concurrent.CancellationException;

/**
 * A {@link CancellationException} without a stack trace, for cancellations that are the normal
 * end of a stage rather than an event to debug: a {@code delay} that was only a time-out and is
 * cancelled once the work it guarded finished first (the common case for request time-outs).
 *
 * <p>Why: {@code CompletableFuture.cancel} creates a {@code CancellationException} and fills in
 * the canceller's stack, which is most of what scheduling and cancelling a delay costs (spec/
 * PERFORMANCE.md, "Timers"). Kotlin's coroutines make the same trade (their
 * {@code JobCancellationException} is stackless outside debug mode): the trace of who cancelled is
 * lost. What is kept is the trace of who waits: {@link StageFuture}'s {@code join} and {@code
 * get} never throw this exception itself but {@link #forWaiter()}, a fresh exception with the
 * waiter's stack and this one as its cause (as {@code CompletableFuture} does on JDK 23 and
 * later for every cancellation).
 */
public final class QuietCancellation extends CancellationException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was cancelled
   */
  public QuietCancellation(String message) {
    super(message);
  }

  /** No stack trace: the point of this class. */
  @Override
  public Throwable fillInStackTrace() {
    return this;
  }

  /**
   * The exception a waiter gets: its own stack, this as the cause.
   *
   * @return a new, ordinary cancellation
   */
  CancellationException forWaiter() {
    CancellationException e = new CancellationException(getMessage());
    e.initCause(this);
    return e;
  }
}
