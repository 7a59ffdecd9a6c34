package io.smolscale.impl.channel;

import io.smolscale.Channel;
import io.smolscale.Select;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/** The provider's entry to {@link Select}: the clause factories and the select itself. */
public final class Selects {
  private Selects() {}

  /**
   * Runs a select; see {@link Select#first(List)}.
   *
   * @param clauses the clauses, from this class's factories
   * @param <R> the result type
   * @return the select's stage
   * @throws IllegalArgumentException if a clause was not made here, or for two time-outs or two
   *     {@code otherwise} clauses or both
   */
  public static <R> CompletableFuture<R> select(
      List<? extends Select.Clause<? extends R>> clauses) {
    return SelectFuture.start(clauses);
  }

  /**
   * A receive clause.
   *
   * @param channel the channel
   * @param then the mapping
   * @param <T> the message type
   * @param <R> the result type
   * @return the clause
   */
  public static <T, R> Select.Clause<R> receive(
      Channel<T> channel, Function<? super T, ? extends R> then) {
    return new SelectClause.Receive<>(channel, then);
  }

  /**
   * A send clause.
   *
   * @param channel the channel
   * @param message the message
   * @param then the result
   * @param <T> the message type
   * @param <R> the result type
   * @return the clause
   */
  public static <T, R> Select.Clause<R> send(
      Channel<T> channel, T message, Supplier<? extends R> then) {
    if (message == null) {
      throw new NullPointerException("channel message must not be null");
    }
    return new SelectClause.Send<>(channel, message, then);
  }

  /**
   * A time-out clause.
   *
   * @param timeout the time-out
   * @param then the result
   * @param <R> the result type
   * @return the clause
   */
  public static <R> Select.Clause<R> timeout(Duration timeout, Supplier<? extends R> then) {
    return new SelectClause.Timeout<>(timeout, then);
  }

  /**
   * A clause for when nothing is ready.
   *
   * @param then the result
   * @param <R> the result type
   * @return the clause
   */
  public static <R> Select.Clause<R> otherwise(Supplier<? extends R> then) {
    return new SelectClause.Otherwise<>(then);
  }

  /**
   * Tells whether a select's stage had to wait: no clause could happen when it started, so it
   * registered in its channels (whatever has happened since). The linearizability tests judge a
   * select by this, its state at its linearization point, as {@link ArrayChannel#wasQueued} does
   * for a send or receive.
   *
   * @param stage a stage returned by {@link #select}
   * @return true if the select waited
   */
  public static boolean wasQueued(CompletionStage<?> stage) {
    return stage instanceof SelectFuture && ((SelectFuture<?>) stage).waited();
  }
}
