package io.smolscale;

import org.checkerframework.checker.nullness.qual.Nullable;

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

  /**
   * Creates the exception for a child that may have a name ({@link Nursery#spawn(String,
   * java.util.concurrent.Callable)}): the message names it, {@code nursery child "fetch user" failed: ...}.
   *
   * @param child the failed child's name, or null if it had none
   * @param cause the first propagated failure
   */
  public ChildFailedException(@Nullable String child, Throwable cause) {
    super(child == null
        ? "a nursery child failed: " + cause
        : "nursery child \"" + child + "\" failed: " + cause, cause);
  }
}
