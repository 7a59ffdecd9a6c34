package io.smolscale;

import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What a {@link Nursery} does when one of its children fails: the original smolscale's
 * {@code Ignore}, {@code Propagate} or a custom function of the error.
 *
 * <p>The policy is called once, on the thread that completed the child, with the child's
 * exception. It returns the failure to propagate (the same exception, or another one that wraps
 * or replaces it) or {@code null} to ignore the failure. A propagated failure cancels the
 * nursery's remaining children and is thrown from {@link Nursery#close()}. A policy that itself
 * throws propagates what it threw.
 */
@FunctionalInterface
public interface ErrorPolicy {

  /** Every failure cancels the siblings and is thrown from {@code close()}. The default. */
  ErrorPolicy PROPAGATE = error -> error;

  /** Failures are ignored: they stay in the child's {@link Task} handle and nothing else happens. */
  ErrorPolicy IGNORE = error -> null;

  /**
   * Decides what a child's failure means for its nursery.
   *
   * @param error the exception the child failed with (never a cancellation caused by the
   *     nursery itself: those are not failures)
   * @return the failure to propagate, or null to ignore it
   */
  @Nullable Throwable onError(Throwable error);

  /**
   * A policy that propagates only failures of the given type and ignores the rest.
   *
   * @param type the exception type to propagate
   * @return the policy
   * @throws NullPointerException if {@code type} is null
   */
  static ErrorPolicy propagateOnly(Class<? extends Throwable> type) {
    Objects.requireNonNull(type, "type");
    return error -> type.isInstance(error) ? error : null;
  }
}
