package io.smolscale.impl;

import io.smolscale.Channel;
import io.smolscale.OneShot;
import io.smolscale.Scheduler;
import io.smolscale.SchedulerConfig;
import io.smolscale.Select;
import io.smolscale.impl.channel.ArrayChannel;
import io.smolscale.impl.channel.OneShotChannel;
import io.smolscale.impl.channel.Selects;
import io.smolscale.impl.jmx.SchedulerJmx;
import io.smolscale.spi.SmolscaleProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
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
    WorkBalancingScheduler s = new WorkBalancingScheduler(config, false);
    String jmxName = config.jmxName();
    if (jmxName != null) {
      // Asked for by name, so a bean that cannot be registered is the caller's error, unlike the
      // global scheduler's (best effort): two schedulers given one name would otherwise leave
      // the second invisible without a word.
      if (!SchedulerJmx.register(s, jmxName)) {
        throw new IllegalStateException(
            "cannot register the MXBean " + SchedulerJmx.objectName(jmxName)
                + ": the name is taken, or this JVM has no platform MBean server");
      }
      // The bean holds the scheduler: it goes when the scheduler terminates, not before.
      s.onTermination(() -> SchedulerJmx.unregister(jmxName));
    }
    return s;
  }

  @Override
  public <T> Channel<T> newChannel(int capacity) {
    return new ArrayChannel<>(capacity);
  }

  @Override
  public <T> OneShot<T> newOneShot() {
    return new OneShotChannel<>();
  }

  @Override
  public <R> CompletableFuture<R> select(List<? extends Select.Clause<? extends R>> clauses) {
    return Selects.select(clauses);
  }

  @Override
  public <T, R> Select.Clause<R> selectReceive(
      Channel<T> channel, Function<? super T, ? extends R> then) {
    return Selects.receive(channel, then);
  }

  @Override
  public <T, R> Select.Clause<R> selectSend(
      Channel<T> channel, T message, Supplier<? extends R> then) {
    return Selects.send(channel, message, then);
  }

  @Override
  public <R> Select.Clause<R> selectTimeout(Duration timeout, Supplier<? extends R> then) {
    return Selects.timeout(timeout, then);
  }

  @Override
  public <R> Select.Clause<R> selectOtherwise(Supplier<? extends R> then) {
    return Selects.otherwise(then);
  }
}
