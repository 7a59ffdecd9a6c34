package io.smolscale.impl.jmx;

/**
 * The JMX view of a scheduler's {@link io.smolscale.Stats}: the global scheduler registers one
 * as {@code io.smolscale:type=Scheduler,name=global}. There is one attribute per component of
 * {@code Stats}, named after it with the first letter capitalised ({@code spinHits} is {@code
 * SpinHits}), with the meaning documented there; each read takes a fresh snapshot.
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

  /** @return tasks pushed to the spawning or woken worker's local queue */
  long getLocalPushes();

  /** @return tasks pushed to the global queue (outside submissions, overflow) */
  long getGlobalPushes();

  /** @return backlogs shared with idle workers */
  long getSharedBatches();

  /** @return tasks moved by the balancer or preemptor */
  long getBalancerMoves();

  /** @return balancer periods run */
  long getBalancerTicks();

  /** @return workers preempted by the monitor */
  long getPreemptions();

  /** @return workers that compensated for a blocking wait */
  long getCompensations();

  /** @return worker threads started */
  long getThreadsStarted();

  /** @return worker threads retired */
  long getThreadsRetired();

  /** @return parked workers woken to take new work */
  long getWakeups();

  /** @return pre-park spins that found work */
  long getSpinHits();

  /** @return pre-park spins that found none and parked */
  long getSpinMisses();
}
