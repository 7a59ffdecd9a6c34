package io.smolscale.impl.jmx;

import io.smolscale.Scheduler;
import io.smolscale.Stats;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;

/** Registers a scheduler's statistics with the platform MBean server. */
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
   */
  public static boolean register(Scheduler scheduler, String name) {
    try {
      ManagementFactory.getPlatformMBeanServer()
          .registerMBean(
              new SchedulerJmx(scheduler),
              new ObjectName("io.smolscale:type=Scheduler,name=" + name));
      return true;
    } catch (JMException | RuntimeException | LinkageError e) {
      return false;
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
}
