package io.smolscale.impl.channel;

import io.smolscale.ChannelClosedException;
import io.smolscale.OneShot;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.checkerframework.checker.lock.qual.GuardSatisfied;

/**
 * A one-shot channel that is its own receive stage: one object per request/response exchange
 * (the reply channel of ping_pong is created once per round trip, so this is on the hot path).
 * The idea is that of Rust's {@code oneshot} and Kotlin's {@code CompletableDeferred}: a single
 * write-once cell with a waiter list, which is exactly what a {@link CompletableFuture} is.
 *
 * <h2>Implementation overview</h2>
 *
 * <p>States: <em>empty</em>, then exactly one of <em>sent</em> (value), <em>closed</em> ({@link
 * ChannelClosedException}) or <em>cancelled</em> (the receiver cancelled or completed its stage).
 * Every transition is the future's own compare-and-set on its result, so exactly one of {@link
 * #send}, {@link #close} and the receiver's {@code cancel}/{@code complete} wins; the others
 * return false. There is no lock.
 *
 * <p>Hand-off: {@link #send} completes the future on the sender's thread, so the receiver's
 * non-async continuations run there and its {@code *Async} continuations go to the executor they
 * name (on a smolscale worker, its local queue). The channel never dispatches anything itself.
 *
 * <p>Happens-before: actions before a successful {@link #send} happen-before the receiver sees the
 * value ({@code join}, {@code get} or a continuation), through the future's volatile result.
 *
 * <p>Progress: lock-free (one CAS per transition, then the future's own completion of its
 * dependents, which is the caller's thread running the receiver's continuations).
 *
 * <p>Being a {@code CompletableFuture} is an implementation detail: code typed as {@link OneShot}
 * sees only {@link #receive()}, which returns {@code this}; calling it again returns the same
 * stage. Completing that stage from the receiving side ({@code complete}, {@code cancel}, {@code
 * orTimeout}) makes a later {@link #send} return false. A {@link WaitingFuture}: a {@code join()}
 * on it from a worker compensates.
 *
 * @param <T> the value type; null values are refused
 */
public final class OneShotChannel<T> extends WaitingFuture<T> implements OneShot<T> {

  /** Creates an empty one-shot channel. */
  public OneShotChannel() {}

  @Override
  public boolean send(T value) {
    if (value == null) {
      throw new NullPointerException("one-shot value must not be null");
    }
    return super.complete(value);
  }

  @Override
  public CompletionStage<T> receive() {
    return this;
  }

  /**
   * The state, for logs and debuggers: {@code OneShot[empty]}, {@code OneShot[sent]} or {@code
   * OneShot[closed]} (never the value).
   */
  // Object.toString is lock-free to the Lock Checker; this reads volatile state only (no lock).
  @Override
  @SuppressWarnings("lock")
  public String toString(@GuardSatisfied OneShotChannel<T> this) {
    return "OneShot[" + (!isDone() ? "empty" : isCompletedExceptionally() ? "closed" : "sent")
        + "]";
  }

  @Override
  public boolean fail(Throwable cause) {
    Objects.requireNonNull(cause, "cause");
    return !isDone()
        && super.completeExceptionally(
            new ChannelClosedException("one-shot channel failed without a value", cause));
  }

  @Override
  public boolean close() {
    // The isDone() pre-check only avoids building an exception that would be discarded; the CAS
    // inside completeExceptionally decides.
    return !isDone()
        && super.completeExceptionally(
            new ChannelClosedException("one-shot channel closed without a value"));
  }
}
