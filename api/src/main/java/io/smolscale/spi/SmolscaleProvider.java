package io.smolscale.spi;

import io.smolscale.Channel;
import io.smolscale.OneShot;
import io.smolscale.Scheduler;
import io.smolscale.SchedulerConfig;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
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
   * The provider in use, loaded once.
   *
   * @return the provider
   * @throws IllegalStateException if no implementation is on the class or module path
   */
  static SmolscaleProvider get() {
    return Holder.PROVIDER;
  }

  /** Loads the provider once, on first use (the lazy-holder idiom). */
  final class Holder {
    static final SmolscaleProvider PROVIDER = load();

    private Holder() {}

    private static SmolscaleProvider load() {
      try {
        Iterator<SmolscaleProvider> it =
            ServiceLoader.load(SmolscaleProvider.class, SmolscaleProvider.class.getClassLoader())
                .iterator();
        if (it.hasNext()) {
          return it.next();
        }
      } catch (ServiceConfigurationError e) {
        throw new IllegalStateException(
            "the smolscale implementation failed to load: " + e.getMessage(), e);
      }
      throw new IllegalStateException(
          "no smolscale implementation found on the class path or module path: add the artifact"
              + " io.smolscale:smolscale-impl (runtime scope) next to io.smolscale:smolscale-api");
    }
  }
}
