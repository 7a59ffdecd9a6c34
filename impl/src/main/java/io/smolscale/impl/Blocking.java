package io.smolscale.impl;

import io.smolscale.impl.jfr.JfrEvents;
import java.util.function.BooleanSupplier;

/**
 * What happens when a worker blocks: <b>the one place</b> for it. The monitor ({@link Balancer},
 * deciding with {@link StallDetector}) or the worker itself (a blocking wait: {@code join}, {@code
 * get}, {@code blockOn}, {@code Nursery.close}) marks the worker blocked; this class does the
 * rest:
 *
 * <ol>
 *   <li><b>Mark</b> ({@link #markBlocked}): the worker's {@code blocked} flag (a CAS, so the
 *       monitor and the worker cannot both mark it), it stops counting towards parallelism
 *       ({@link Ctl#runningToBlocked}), its whole local queue goes to the global queue, and if
 *       work waits a replacement is woken or started ({@link Pool#wakeOne}). From then on its
 *       spawns go to the global queue ({@link Pool#dispatch} reads the flag), and the balancer
 *       re-drains its queue every tick for the window in which the task has not yet seen the
 *       flag.
 *   <li><b>Rejoin</b> ({@link #tryRejoin}): after a compensated wait returns, or when the blocked
 *       task returns, the worker counts again if a parallelism slot is free ({@link
 *       Ctl#blockedToRunning}).
 *   <li><b>Retire</b> ({@link #afterBlockedTask}): a task that returns on a blocked worker with
 *       no slot free: the worker hands its queue over and its thread exits ({@link
 *       Lifecycle#onWorkerExit}), so the threads <i>running</i> tasks never exceed parallelism
 *       for long.
 * </ol>
 *
 * <p>Compensation ({@link #beginCompensation}) works for a worker of any smolscale scheduler: a
 * wait blocks the worker whichever scheduler the awaited task belongs to.
 *
 * <p>Memory model: the flag is volatile and CASed (Worker); the counts' edges are in {@link Ctl};
 * the queue moves publish through the queues' own release/acquire edges.
 */
final class Blocking {
  private final Pool pool;

  /** Whether the scheduler is stopping (a blocked worker then never rejoins); made once. */
  private final BooleanSupplier stopping;

  Blocking(Pool pool) {
    this.pool = pool;
    this.stopping = pool::isStopping;
  }

  /**
   * Marks a worker blocked (step 1 of the class comment).
   *
   * @param w the worker
   * @param cause why: {@link BlockCause#COMPENSATION} when the worker marks itself, otherwise the
   *     monitor's {@link BlockCause#WAITING} or {@link BlockCause#COMPUTING}
   * @param stalledNanos how long the worker has been inside its task (0 for compensation), for
   *     the Flight Recorder event only
   * @return true if this call marked it
   */
  boolean markBlocked(Worker w, BlockCause cause, long stalledNanos) {
    if (!w.markBlocked()) {
      return false;
    }
    boolean self = cause == BlockCause.COMPENSATION;
    pool.ctl.runningToBlocked();
    (self ? pool.counters.compensations : pool.counters.preemptions).increment();
    int moved = self ? drainOwn(w) : w.local.drainAllTo(pool.global);
    if (moved > 0) {
      pool.counters.balancerMoves.add(moved);
    }
    JfrEvents.workerBlocked(pool.config.threadNamePrefix(), w.thread, cause, stalledNanos, moved);
    if (!pool.global.isEmpty()) {
      pool.wakeOne();
    }
    return true;
  }

  private static int drainOwn(Worker w) {
    int before = w.local.size();
    w.drainLocalToGlobal();
    return before;
  }

  /**
   * A task returned on a worker marked blocked (steps 2 and 3).
   *
   * @param w the worker, on its own thread
   * @return true if the worker rejoins, false if it retires (its queue handed over)
   */
  boolean afterBlockedTask(Worker w) {
    if (tryRejoin(w)) {
      return true;
    }
    w.drainLocalToGlobal();
    if (!pool.global.isEmpty()) {
      pool.wakeOne();
    }
    return false;
  }

  /** Step 2: counts the worker again if a slot is free; owner only. */
  private boolean tryRejoin(Worker w) {
    if (!pool.ctl.blockedToRunning(stopping)) {
      return false;
    }
    w.clearBlocked(); // it was running a task, so it is not searching: nothing else to reset
    return true;
  }

  /**
   * Before a wait that may block: marks the current thread's worker blocked, if it is a worker of
   * any smolscale scheduler.
   *
   * @return true if this call marked it; then {@link #endCompensation} must follow the wait
   */
  static boolean beginCompensation() {
    Worker w = Worker.current();
    return w != null && w.pool.blocking.markBlocked(w, BlockCause.COMPENSATION, 0L);
  }

  /** After the wait: the worker rejoins if parallelism allows, else stays blocked until its task ends. */
  static void endCompensation() {
    Worker w = Worker.current();
    if (w != null && w.isBlocked()) {
      w.pool.blocking.tryRejoin(w);
    }
  }
}
