package io.smolscale.impl.channel;

import io.smolscale.Channel;
import io.smolscale.Select;
import io.smolscale.impl.util.Durations;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.checkerframework.checker.nullness.qual.NonNull;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The clauses of a {@link Select}: immutable descriptions, checked when made so that a bad
 * argument fails at the line that wrote it. {@link SelectFuture} runs them.
 *
 * @param <R> the result type
 */
abstract class SelectClause<R> implements Select.Clause<R> {

  private SelectClause() {}

  /** The channel this clause operates on, or null for a time-out or {@code otherwise}. */
  abstract @Nullable ArrayChannel<?> channel();

  static <T> ArrayChannel<T> ours(Channel<T> channel) {
    if (channel instanceof ArrayChannel) {
      return (ArrayChannel<T>) channel;
    }
    throw new IllegalArgumentException(
        "select works only over smolscale's channels (Channel.bounded, unbounded, rendezvous),"
            + " not " + channel.getClass().getName());
  }

  /** Receives one message and maps it. */
  static final class Receive<T, R> extends SelectClause<R> {
    final ArrayChannel<T> channel;
    final Function<? super T, ? extends R> then;

    Receive(Channel<T> channel, Function<? super T, ? extends R> then) {
      this.channel = ours(channel);
      this.then = then;
    }

    @Override
    ArrayChannel<?> channel() {
      return channel;
    }
  }

  /** Sends one message; the supplier gives the result. */
  static final class Send<T, R> extends SelectClause<R> {
    final ArrayChannel<T> channel;
    final @NonNull T message;
    final Supplier<? extends R> then;

    Send(Channel<T> channel, @NonNull T message, Supplier<? extends R> then) {
      this.channel = ours(channel);
      this.message = message;
      this.then = then;
    }

    @Override
    ArrayChannel<?> channel() {
      return channel;
    }
  }

  /** Chosen when nothing else happened in time. */
  static final class Timeout<R> extends SelectClause<R> {
    final Duration timeout;
    final long nanos;
    final Supplier<? extends R> then;

    Timeout(Duration timeout, Supplier<? extends R> then) {
      this.timeout = timeout;
      this.nanos = Durations.saturatedNanos(timeout);
      this.then = then;
    }

    @Override
    @Nullable ArrayChannel<?> channel() {
      return null;
    }
  }

  /** Chosen at once when nothing else can happen now. */
  static final class Otherwise<R> extends SelectClause<R> {
    final Supplier<? extends R> then;

    Otherwise(Supplier<? extends R> then) {
      this.then = then;
    }

    @Override
    @Nullable ArrayChannel<?> channel() {
      return null;
    }
  }
}
