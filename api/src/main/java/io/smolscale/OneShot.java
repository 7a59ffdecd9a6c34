package io.smolscale;

import io.smolscale.spi.SmolscaleProvider;
import java.util.concurrent.CompletionStage;

/**
 * A one-shot channel: one value, one receiver. The reply channel of request/response messaging.
 *
 * <p>{@link #send} hands the value to the receiver's stage directly (see {@link Channel} on
 * hand-off). Dropping the sender side is expressed by {@link #close()}: the receiver then fails
 * with {@link ChannelClosedException}.
 *
 * @param <T> the value type; null values are refused
 */
public interface OneShot<T> {

  /**
   * Creates a one-shot channel.
   *
   * @param <T> the value type
   * @return the channel
   */
  static <T> OneShot<T> create() {
    return SmolscaleProvider.get().newOneShot();
  }

  /**
   * Sends the value.
   *
   * @param value the value
   * @return true if the value was delivered or is waiting for the receiver; false if a value
   *     was already sent, the channel was closed or the receiver cancelled its stage
   * @throws NullPointerException if {@code value} is null
   */
  boolean send(T value);

  /**
   * The receiver's side. Calling it more than once returns the same stage.
   *
   * @return a stage that completes with the value, or with {@link ChannelClosedException} if the
   *     channel was closed without a value
   */
  CompletionStage<T> receive();

  /**
   * Closes the channel without a value, if none was sent. Idempotent.
   *
   * @return true if this call closed it
   */
  boolean close();

  /**
   * Closes the channel with a failure, if no value was sent: the receiver's stage fails with a
   * {@link ChannelClosedException} whose {@linkplain Throwable#getCause() cause} is {@code
   * cause}: the reply of a request that failed. Idempotent, as {@link #close()}.
   *
   * <p>A {@code default} method only so that the API stays compatible for other implementations
   * of this interface, which throw {@link UnsupportedOperationException}; smolscale's one-shot
   * channels implement it.
   *
   * @param cause why no value will come
   * @return true if this call closed it
   * @throws NullPointerException if {@code cause} is null
   */
  default boolean fail(Throwable cause) {
    java.util.Objects.requireNonNull(cause, "cause");
    throw new UnsupportedOperationException(getClass().getName() + " has no fail(Throwable)");
  }
}
