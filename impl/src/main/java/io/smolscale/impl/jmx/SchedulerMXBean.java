package io.smolscale.impl.jmx;

/**
 * The JMX view of a scheduler's {@link io.smolscale.Stats}: the global scheduler registers one
 * as {@code io.smolscale:type=Scheduler,name=global}. Each attribute is the field of the same name.
 */
public interface SchedulerMXBean {
  /** @return live worker threads */
  int getWorkers();

  /** @return workers counted towards parallelism and not parked */
  int getActive();

  /** @return parked workers */
  int getParked();

  /** @return workers marked blocked */
  int getBlocked();

  /** @return tasks in the global queue */
  long getQueuedGlobal();

  /** @return tasks in local queues */
  long getQueuedLocal();

  /** @return tasks accepted */
  long getSpawned();

  /** @return tasks run */
  long getCompleted();

  /** @return tasks moved by the balancer or preemptor */
  long getBalancerMoves();

  /** @return workers preempted by the monitor */
  long getPreemptions();

  /** @return workers that compensated for a blocking wait */
  long getCompensations();

  /** @return worker threads started */
  long getThreadsStarted();

  /** @return worker threads retired */
  long getThreadsRetired();
}
