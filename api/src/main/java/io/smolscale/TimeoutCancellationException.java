package io.smolscale;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * The reason a task was cancelled by {@link Task#cancelAfter(Duration)}: its timeout passed before
 * it completed. It is a {@link CancellationException}, so the task is {@link
 * Task.Status#CANCELLED}, {@code join()} and {@code get()} throw it, and {@link Task#failure()}
 * returns it; {@link #timeout()} tells which timeout it was. (Kotlin's coroutines use the same
 * name for the same thing.)
 */
public class TimeoutCancellationException extends CancellationException {
  private static final long serialVersionUID = 1L;

  /** The timeout that passed. */
  private final Duration timeout;

  /**
   * Creates the exception.
   *
   * @param timeout the timeout that passed
   * @throws NullPointerException if {@code timeout} is null
   */
  public TimeoutCancellationException(Duration timeout) {
    super(message(timeout));
    this.timeout = timeout;
  }

  private static String message(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return "task cancelled: not done within its timeout of " + timeout;
  }

  /**
   * The timeout that passed.
   *
   * @return the duration given to {@link Task#cancelAfter(Duration)}
   */
  public Duration timeout() {
    return timeout;
  }
}
