package io.smolscale.spi;

import io.smolscale.Channel;
import io.smolscale.OneShot;
import io.smolscale.Scheduler;
import io.smolscale.SchedulerConfig;
import io.smolscale.Select;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The service an implementation provides, found through {@link ServiceLoader}: on the class path
 * through {@code META-INF/services/io.smolscale.spi.SmolscaleProvider}, on the module path through
 * {@code provides io.smolscale.spi.SmolscaleProvider with ...}.
 *
 * <p>The first provider found is used. Application code does not call this interface; it uses
 * {@link io.smolscale.Smolscale}, {@link Scheduler#builder()}, {@link Channel} and {@link OneShot}.
 */
public interface SmolscaleProvider {

  /**
   * The global scheduler, created on first call from the {@code smolscale.*} system properties.
   *
   * @return the global scheduler
   */
  Scheduler global();

  /**
   * A new private scheduler.
   *
   * @param config the validated configuration
   * @return the scheduler
   */
  Scheduler newScheduler(SchedulerConfig config);

  /**
   * A new channel.
   *
   * @param capacity at least 0 (0: rendezvous); {@link Integer#MAX_VALUE} means unbounded
   * @param <T> the message type
   * @return the channel
   */
  <T> Channel<T> newChannel(int capacity);

  /**
   * A new one-shot channel.
   *
   * @param <T> the value type
   * @return the channel
   */
  <T> OneShot<T> newOneShot();

  /**
   * Runs a select ({@link Select#first}). A {@code default} method so that the SPI stays
   * compatible for other providers, which throw {@link UnsupportedOperationException}.
   *
   * @param clauses the clauses, at least one, each from this provider's factories
   * @param <R> the result type
   * @return the select's stage
   */
  default <R> CompletableFuture<R> select(List<? extends Select.Clause<? extends R>> clauses) {
    throw new UnsupportedOperationException(getClass().getName() + " has no select");
  }

  /**
   * A receive clause ({@link Select#onReceive}); see {@link #select}.
   *
   * @param channel the channel
   * @param then the mapping
   * @param <T> the message type
   * @param <R> the result type
   * @return the clause
   */
  default <T, R> Select.Clause<R> selectReceive(
      Channel<T> channel, Function<? super T, ? extends R> then) {
    throw new UnsupportedOperationException(getClass().getName() + " has no select");
  }

  /**
   * A send clause ({@link Select#onSend}); see {@link #select}.
   *
   * @param channel the channel
   * @param message the message
   * @param then the result
   * @param <T> the message type
   * @param <R> the result type
   * @return the clause
   */
  default <T, R> Select.Clause<R> selectSend(
      Channel<T> channel, T message, Supplier<? extends R> then) {
    throw new UnsupportedOperationException(getClass().getName() + " has no select");
  }

  /**
   * A time-out clause ({@link Select#onTimeout}); see {@link #select}.
   *
   * @param timeout the time-out
   * @param then the result
   * @param <R> the result type
   * @return the clause
   */
  default <R> Select.Clause<R> selectTimeout(Duration timeout, Supplier<? extends R> then) {
    throw new UnsupportedOperationException(getClass().getName() + " has no select");
  }

  /**
   * A clause for when nothing is ready ({@link Select#otherwise}); see {@link #select}.
   *
   * @param then the result
   * @param <R> the result type
   * @return the clause
   */
  default <R> Select.Clause<R> selectOtherwise(Supplier<? extends R> then) {
    throw new UnsupportedOperationException(getClass().getName() + " has no select");
  }

  /**
   * The provider in use, loaded once. If loading fails, every call throws a fresh {@link
   * IllegalStateException} with the same cause (never an {@link ExceptionInInitializerError}).
   *
   * @return the provider
   * @throws IllegalStateException if no implementation is on the class or module path
   */
  static SmolscaleProvider get() {
    return ProviderLoader.get();
  }
}
