package io.smolscale;

import io.smolscale.spi.SmolscaleProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Waits for the first of several channel operations that can happen, and performs exactly that
 * one: Go's {@code select} statement and Kotlin's {@code select} expression, asynchronously.
 *
 * <pre>{@code
 * CompletableFuture<String> next = Select.first(
 *     Select.onReceive(prices, p -> "price " + p),
 *     Select.onReceive(news, n -> "news " + n),
 *     Select.onTimeout(Duration.ofSeconds(1), () -> "quiet"));
 * }</pre>
 *
 * <p><b>Exactly one clause.</b> Of the clauses given, exactly one takes effect: one receive takes
 * one message, or one send delivers its message, or the time-out or {@link #otherwise} runs; the
 * others have no effect at all (a message that arrives on another clause's channel stays there
 * for the next receiver; another send clause's message is never delivered). The result stage
 * completes with what the chosen clause's function returned, or exceptionally with what it threw.
 *
 * <p><b>Which clause.</b> If clauses can happen at once, the first of them in argument order is
 * chosen (biased, as Kotlin's {@code select}; Go picks at random): put the clause to prefer first,
 * or rotate the order between calls for fairness. Otherwise the select waits on every channel at
 * once, and the first operation another thread makes possible is chosen: a send that finds the
 * select waiting to receive hands its message to it, a receive that finds it waiting to send
 * takes its message.
 *
 * <p><b>Closed channels.</b> A receive clause on a channel that is closed and drained, or a send
 * clause on a closed channel, is ready at once and chosen like any other: the stage then fails
 * with the {@link ChannelClosedException} (Kotlin's {@code onReceive} does the same). A channel
 * closed while the select waits makes its receive clause chosen the same way; a send clause
 * waiting when its channel is closed is accepted (as a waiting {@link Channel#send} is).
 *
 * <p><b>Where the function runs.</b> On the thread that made the clause happen: the caller of
 * {@code first} if a clause was ready at once (then the returned stage is already complete), the
 * sender or receiver on the other side otherwise, a task on the global scheduler for the time-out.
 * Keep the functions short; for long work, return quickly and continue with an {@code *Async}
 * stage.
 *
 * <p><b>Cancellation.</b> Cancelling the returned stage, or completing it ({@code complete},
 * {@code orTimeout}, {@code completeOnTimeout}), withdraws the select from every channel if no
 * clause has happened yet; if one has, the cancel loses (returns false) and the stage completes
 * with that clause's outcome. No message is lost either way.
 *
 * <p>Clauses work only over smolscale's own channels ({@link Channel#bounded}, {@link
 * Channel#unbounded}, {@link Channel#rendezvous}). A clause is immutable and may be reused by
 * later selects. Memory effects: actions before the send that a chosen receive clause takes
 * happen-before its function runs, as with {@link Channel#receive()}.
 */
public final class Select {

  private Select() {}

  /**
   * One alternative of a select. Created only by this class's factories; the implementation
   * behind them is the provider's.
   *
   * @param <R> the result type of the select
   */
  public interface Clause<R> {}

  /**
   * Runs the first clause that can happen. See the class comment.
   *
   * @param clauses the alternatives, at least one; at most one {@link #onTimeout} and at most one
   *     {@link #otherwise}, not both
   * @param <R> the result type
   * @return a stage that completes with the chosen clause's result; a {@code join()} on it from a
   *     smolscale worker compensates, as a task handle's does
   * @throws IllegalArgumentException if there are no clauses, two time-outs or two {@code
   *     otherwise} clauses, or both
   * @throws NullPointerException if a clause is null
   */
  @SafeVarargs
  public static <R> CompletableFuture<R> first(Clause<? extends R>... clauses) {
    Objects.requireNonNull(clauses, "clauses");
    List<Clause<? extends R>> list = new ArrayList<>(clauses.length);
    for (Clause<? extends R> c : clauses) {
      list.add(c); // element by element: the varargs array itself never escapes
    }
    return first(list);
  }

  /**
   * {@link #first(Clause[])} over a list (a select built in a loop).
   *
   * @param clauses the alternatives
   * @param <R> the result type
   * @return the stage of the chosen clause's result
   * @throws IllegalArgumentException as {@link #first(Clause[])}
   * @throws NullPointerException if the list or a clause is null
   */
  public static <R> CompletableFuture<R> first(List<? extends Clause<? extends R>> clauses) {
    Objects.requireNonNull(clauses, "clauses");
    if (clauses.isEmpty()) {
      throw new IllegalArgumentException("a select needs at least one clause");
    }
    for (Clause<? extends R> c : clauses) {
      Objects.requireNonNull(c, "select clause");
    }
    return SmolscaleProvider.get().select(clauses);
  }

  /**
   * A clause that receives one message from {@code channel} and maps it.
   *
   * @param channel where to receive
   * @param then what to make of the message
   * @param <T> the message type
   * @param <R> the result type
   * @return the clause
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code channel} is not one of smolscale's channels
   */
  public static <T, R> Clause<R> onReceive(
      Channel<T> channel, Function<? super T, ? extends R> then) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(then, "then");
    return SmolscaleProvider.get().selectReceive(channel, then);
  }

  /**
   * A clause that sends {@code message} on {@code channel}; once the message is accepted (into the
   * buffer or by a receiver), {@code then} gives the result.
   *
   * @param channel where to send
   * @param message the message, not null
   * @param then the result once sent
   * @param <T> the message type
   * @param <R> the result type
   * @return the clause
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code channel} is not one of smolscale's channels
   */
  public static <T, R> Clause<R> onSend(
      Channel<T> channel, T message, Supplier<? extends R> then) {
    Objects.requireNonNull(channel, "channel");
    if (message == null) {
      throw new NullPointerException("channel message must not be null");
    }
    Objects.requireNonNull(then, "then");
    return SmolscaleProvider.get().selectSend(channel, message, then);
  }

  /**
   * A clause chosen if no other happened within {@code timeout}; its function runs as a task on
   * the global scheduler. Zero or negative: chosen at once unless another clause is ready now.
   *
   * @param timeout how long to wait
   * @param then the result on time-out
   * @param <R> the result type
   * @return the clause
   * @throws NullPointerException if an argument is null
   */
  public static <R> Clause<R> onTimeout(Duration timeout, Supplier<? extends R> then) {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(then, "then");
    return SmolscaleProvider.get().selectTimeout(timeout, then);
  }

  /**
   * A clause chosen at once if no other clause can happen now: the select then never waits (Go's
   * {@code default} case).
   *
   * @param then the result when nothing is ready
   * @param <R> the result type
   * @return the clause
   * @throws NullPointerException if {@code then} is null
   */
  public static <R> Clause<R> otherwise(Supplier<? extends R> then) {
    Objects.requireNonNull(then, "then");
    return SmolscaleProvider.get().selectOtherwise(then);
  }
}
