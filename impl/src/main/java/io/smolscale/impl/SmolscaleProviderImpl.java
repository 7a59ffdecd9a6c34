package io.smolscale.impl;

import io.smolscale.Channel;
import io.smolscale.OneShot;
import io.smolscale.Scheduler;
import io.smolscale.SchedulerConfig;
import io.smolscale.impl.channel.ArrayChannel;
import io.smolscale.impl.channel.OneShotChannel;
import io.smolscale.impl.jmx.SchedulerJmx;
import io.smolscale.spi.SmolscaleProvider;

/** The implementation behind the API, registered for {@link java.util.ServiceLoader}. */
public final class SmolscaleProviderImpl implements SmolscaleProvider {

  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public SmolscaleProviderImpl() {}

  /** The global scheduler, created on first use (the lazy-holder idiom). */
  private static final class Global {
    static final WorkBalancingScheduler INSTANCE = create();

    private Global() {}

    private static WorkBalancingScheduler create() {
      WorkBalancingScheduler s =
          new WorkBalancingScheduler(
              Scheduler.builder()
                  .threadNamePrefix("smolscale-global-")
                  .fromSystemProperties()
                  .toConfig(),
              true);
      SchedulerJmx.register(s, "global");
      return s;
    }
  }

  @Override
  public Scheduler global() {
    return Global.INSTANCE;
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
