package io.smolscale.spi;

import io.smolscale.Channel;
import io.smolscale.OneShot;
import io.smolscale.Scheduler;
import io.smolscale.SchedulerConfig;
import java.util.ServiceLoader;

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
   * @param capacity at least 1; {@link Integer#MAX_VALUE} means unbounded
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
