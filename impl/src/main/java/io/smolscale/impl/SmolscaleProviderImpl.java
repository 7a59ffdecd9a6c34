package io.smolscale.impl;

import io.smolscale.Channel;
import io.smolscale.OneShot;
import io.smolscale.Scheduler;
import io.smolscale.SchedulerConfig;
import io.smolscale.impl.channel.ArrayChannel;
import io.smolscale.impl.channel.OneShotChannel;
import io.smolscale.impl.jmx.SchedulerJmx;
import io.smolscale.spi.SmolscaleProvider;
import org.checkerframework.checker.nullness.qual.Nullable;

/** The implementation behind the API, registered for {@link java.util.ServiceLoader}. */
public final class SmolscaleProviderImpl implements SmolscaleProvider {

  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public SmolscaleProviderImpl() {}

  private static final Object GLOBAL_LOCK = new Object();
  private static volatile @Nullable WorkBalancingScheduler global;

  /**
   * The global scheduler, created on first use. Not the lazy-holder idiom: a bad {@code
   * smolscale.*} property must surface as the {@link IllegalArgumentException} that names it, on
   * every call, not as an {@code ExceptionInInitializerError} once and {@code NoClassDefFoundError}
   * after.
   */
  @Override
  public Scheduler global() {
    WorkBalancingScheduler g = global;
    if (g != null) {
      return g;
    }
    synchronized (GLOBAL_LOCK) {
      g = global;
      if (g == null) {
        g =
            new WorkBalancingScheduler(
                Scheduler.builder()
                    .threadNamePrefix("smolscale-global-")
                    .fromSystemProperties()
                    .toConfig(),
                true);
        SchedulerJmx.register(g, "global");
        global = g;
      }
      return g;
    }
  }

  @Override
  public Scheduler newScheduler(SchedulerConfig config) {
    return new WorkBalancingScheduler(config, false);
  }

  @Override
  public <T> Channel<T> newChannel(int capacity) {
    return new ArrayChannel<>(capacity);
  }

  @Override
  public <T> OneShot<T> newOneShot() {
    return new OneShotChannel<>();
  }
}
