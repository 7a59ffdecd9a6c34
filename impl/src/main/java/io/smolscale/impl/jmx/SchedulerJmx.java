package io.smolscale.impl.jmx;

import io.smolscale.Scheduler;
import io.smolscale.Stats;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Registers a scheduler's statistics with the platform MBean server. Each attribute read takes a
 * fresh {@link Scheduler#stats()} snapshot (the bean holds no state of its own), so two
 * attributes read one after the other may come from different moments.
 */
public final class SchedulerJmx implements SchedulerMXBean {
  private final Scheduler scheduler;

  private SchedulerJmx(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * Registers the scheduler under {@code io.smolscale:type=Scheduler,name=<name>}. Failure to
   * register (no management, a name taken) is not an error for the scheduler: it returns false.
   *
   * @param scheduler the scheduler
   * @param name the name key: letters, digits, '-' and '_' only
   * @return true if registered
   * @throws IllegalArgumentException if {@code name} has other characters (a programming error,
   *     unlike a missing or refusing MBean server)
   */
  public static boolean register(Scheduler scheduler, String name) {
    ObjectName on = objectName(name);
    try {
      ManagementFactory.getPlatformMBeanServer().registerMBean(new SchedulerJmx(scheduler), on);
      return true;
    } catch (JMException | RuntimeException | LinkageError e) {
      return false;
    }
  }

  /**
   * Removes the bean {@link #register} registered under this name, if any (a private scheduler
   * that registered itself should do this when it closes: the bean keeps it reachable).
   *
   * @param name the name key given to {@link #register}
   * @return true if a bean was removed
   */
  public static boolean unregister(String name) {
    ObjectName on = objectName(name);
    try {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(on);
      return true;
    } catch (JMException | RuntimeException | LinkageError e) {
      return false;
    }
  }

  /**
   * The object name a scheduler registered under {@code name} has.
   *
   * @param name the name key: letters, digits, '-' and '_' only
   * @return {@code io.smolscale:type=Scheduler,name=<name>}
   * @throws IllegalArgumentException if {@code name} has other characters
   */
  public static ObjectName objectName(String name) {
    boolean plain =
        !name.isEmpty()
            && name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_');
    if (!plain) {
      throw new IllegalArgumentException(
          "JMX scheduler name must be letters, digits, '-' or '_', got \"" + name + "\"");
    }
    try {
      return new ObjectName("io.smolscale:type=Scheduler,name=" + name);
    } catch (JMException e) {
      throw new IllegalArgumentException("not a valid JMX name: \"" + name + "\"", e);
    }
  }

  private Stats s() {
    return scheduler.stats();
  }

  @Override
  public int getWorkers() {
    return s().workers();
  }

  @Override
  public int getActive() {
    return s().active();
  }

  @Override
  public int getParked() {
    return s().parked();
  }

  @Override
  public int getBlocked() {
    return s().blocked();
  }

  @Override
  public long getQueuedGlobal() {
    return s().queuedGlobal();
  }

  @Override
  public long getQueuedLocal() {
    return s().queuedLocal();
  }

  @Override
  public long getSpawned() {
    return s().spawned();
  }

  @Override
  public long getCompleted() {
    return s().completed();
  }

  @Override
  public long getBalancerMoves() {
    return s().balancerMoves();
  }

  @Override
  public long getPreemptions() {
    return s().preemptions();
  }

  @Override
  public long getCompensations() {
    return s().compensations();
  }

  @Override
  public long getThreadsStarted() {
    return s().threadsStarted();
  }

  @Override
  public long getThreadsRetired() {
    return s().threadsRetired();
  }

  @Override
  public long getLocalPushes() {
    return s().localPushes();
  }

  @Override
  public long getGlobalPushes() {
    return s().globalPushes();
  }

  @Override
  public long getSharedBatches() {
    return s().sharedBatches();
  }

  @Override
  public long getBalancerTicks() {
    return s().balancerTicks();
  }

  @Override
  public long getWakeups() {
    return s().wakeups();
  }

  @Override
  public long getSpinHits() {
    return s().spinHits();
  }

  @Override
  public long getSpinMisses() {
    return s().spinMisses();
  }
}
