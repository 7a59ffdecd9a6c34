package io.smolscale;

/**
 * Thrown by {@link Nursery#close()} (and completes {@link Nursery#closeAsync()}) when a child's
 * failure was propagated by its {@link ErrorPolicy}.
 *
 * <p>The {@linkplain #getCause() cause} is the first propagated failure; failures propagated after
 * it are {@linkplain #getSuppressed() suppressed} on this exception, in the order they happened.
 */
public class ChildFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param cause the first propagated failure
   */
  public ChildFailedException(Throwable cause) {
    super("a nursery child failed: " + cause, cause);
  }
}
