package io.smolscale.impl.channel;

import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A parked channel operation that is its own future: the stage handed to the caller and the node
 * of the channel's wait queue are one object (one allocation per waiting operation, like the
 * {@code sudog} of Go's {@code hchan}). As a {@link WaitingFuture}, a {@code join()} on it from
 * a worker compensates.
 *
 * <p>Protocol. A waiter is created and linked into a {@link WaitQueue} under the channel's lock.
 * It leaves the queue exactly once, under that lock, in one of two ways:
 *
 * <ul>
 *   <li><b>claimed</b> by the channel ({@link WaitQueue#poll}, {@link WaitQueue#detachAll}): the
 *       operation has taken effect; the claimer then completes the future with {@link #deliver}
 *       or {@link #fail} <em>after</em> releasing the lock, so that continuations never run under
 *       it;
 *   <li><b>withdrawn</b> by its owner ({@link #cancel}, {@link #complete}, {@link
 *       #completeExceptionally}, and therefore also {@code orTimeout} and {@code
 *       completeOnTimeout}): {@link #withdraw} takes the lock and unlinks the waiter if it is still
 *       queued; only then is the future completed with the owner's outcome.
 * </ul>
 *
 * Because both transitions test {@link #queued} under the same lock, exactly one of them wins: a
 * withdrawn operation never takes effect, and an outside completion that loses to a claim returns
 * false and the future completes with the channel's outcome shortly after.
 *
 * <p>A clause of a {@code select} is a waiter in several channels at once, each under its own
 * lock. For it, being unlinked by a claim is not enough: the claim must also win the select
 * ({@link #claim}, a compare-and-set on the select's state made while the claiming channel's lock
 * is held). A claim that loses finds a dead waiter: the queue drops it and claims the next one
 * ({@link WaitQueue#poll}), so a waiter of a finished select never takes effect.
 *
 * <p>Not covered: {@code obtrudeValue}, {@code obtrudeException} and {@code completeAsync} change
 * the future without going through the overridable methods above. The channel tolerates them
 * (a hand-off to a receiver whose future was already completed is retried with the next receiver
 * or the buffer, see {@link ArrayChannel}), but a waiting send completed that way may still be
 * delivered.
 *
 * @param <V> the result type of the operation
 */
abstract class Waiter<V> extends WaitingFuture<V> {

  // The three fields below are read and written only while holding the owning channel's lock,
  // with one exception: after WaitQueue.detachAll the detaching thread owns the chain and walks it
  // with WaitQueue.takeNext outside the lock (the lock release/acquire orders the earlier writes).
  // The Lock Checker cannot express "field guarded by the owning channel's lock", hence prose.

  /** True from linking until claimed or withdrawn. */
  boolean queued;

  /** Neighbours in the wait queue; null at the ends and once unlinked. */
  @Nullable Waiter<?> prev;

  @Nullable Waiter<?> next;

  /**
   * Removes this waiter from its queue if it is still there, under the channel's lock.
   *
   * @return true if it was withdrawn (the operation will never take effect); false if the channel
   *     already claimed it
   */
  abstract boolean withdraw();

  /**
   * Decides, under the channel's lock and just after the queue unlinked this waiter, whether the
   * operation takes effect. A plain waiter always does: it was still queued, so its owner had not
   * withdrawn it. A select's clause does only if it wins its select.
   *
   * @return true if the operation takes effect; false if the waiter is dead and must be dropped
   */
  boolean claim() {
    return true;
  }

  /**
   * Completes the future on behalf of the channel after a claim. Never called under the lock.
   * Overridden by a select's clauses, which complete their select instead.
   *
   * @param value the result
   * @return false only if the owner completed the future through a path the channel does not see
   *     (obtrude, completeAsync)
   */
  boolean deliver(V value) {
    return super.complete(value);
  }

  /**
   * Fails the future on behalf of the channel after a claim. Never called under the lock.
   * Overridden by a select's clauses, which fail their select instead.
   *
   * @param failure the exception
   */
  void fail(Throwable failure) {
    super.completeExceptionally(failure);
  }

  /** Withdraws the operation if it has not taken effect yet, then completes with {@code value}. */
  @Override
  public boolean complete(V value) {
    return !isDone() && withdraw() && super.complete(value);
  }

  /**
   * Withdraws the operation if it has not taken effect yet, then completes with {@code failure}.
   * This is the path of {@code orTimeout}.
   */
  @Override
  public boolean completeExceptionally(Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    return !isDone() && withdraw() && super.completeExceptionally(failure);
  }

  /**
   * Withdraws the operation if it has not taken effect yet, then cancels.
   *
   * @return true if the stage is cancelled; false if the operation already took effect
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (!isDone() && withdraw()) {
      return super.cancel(mayInterruptIfRunning);
    }
    return isCancelled();
  }
}
