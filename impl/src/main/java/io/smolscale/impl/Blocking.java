package io.smolscale.impl;

import io.smolscale.impl.jfr.JfrEvents;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.checkerframework.checker.lock.qual.GuardSatisfied;
import org.checkerframework.checker.nullness.qual.Nullable;

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
 *   <li><b>Spare</b> ({@link #afterBlockedTask}): a task that returns on a blocked worker with
 *       no slot free: the worker hands its queue over and parks as a spare ({@link Spares}), so
 *       the threads <i>running</i> tasks never exceed parallelism for long, and the next blocked
 *       worker's replacement, or the next blocking body, takes it instead of a thread start.
 * </ol>
 *
 * <p><b>The blocking path</b> ({@link #submit}, {@link #handOff}): work known to block ({@code
 * spawnBlocking}, the {@code blockingExecutor} view, a site the {@link BlockingSites} predictor
 * has learnt) starts at once on a spare or on a new thread under {@code maxThreads}, born
 * blocked: it never holds a parallelism slot while it blocks, and no worker waits for the monitor
 * to notice it. With every allowed thread in use it is queued as a {@link Declared} task, which
 * tries the hand-off again when a worker takes it and otherwise marks that worker blocked before
 * the body runs (Kotlin's {@code Dispatchers.IO} tasks mark their worker the same way): nothing
 * is dropped, nothing waits for detection.
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

  /**
   * The blocking path on virtual threads (JDK 21+, {@code
   * smolscale.debug.blockingOnVirtualThreads=true}, an A/B switch), else null: see spec/DESIGN.md
   * section 6.1 for the measurement that decided the default.
   */
  private final @Nullable Executor virtual;

  Blocking(Pool pool) {
    this.pool = pool;
    this.stopping = pool::isStopping;
    this.virtual =
        Boolean.getBoolean("smolscale.debug.blockingOnVirtualThreads") ? virtualExecutor() : null;
  }

  /** {@code Executors.newVirtualThreadPerTaskExecutor()} where it exists (JDK 21+), else null. */
  @SuppressWarnings("argument") // Method.invoke(null) for a static method: annotated non-null
  private static @Nullable Executor virtualExecutor() {
    try {
      return (Executor)
          Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
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
    boolean self = cause == BlockCause.COMPENSATION || cause == BlockCause.DECLARED;
    pool.ctl.runningToBlocked();
    (self ? pool.counters.compensations : pool.counters.preemptions).increment();
    int moved = self ? drainOwn(w) : w.local.drainAllTo(pool.global);
    if (moved > 0) {
      pool.counters.balancerMoves.add(moved);
    }
    JfrEvents.workerBlocked(
        pool.config.threadNamePrefix(), w.thread, cause, stalledNanos, moved, w.currentTaskOpaque());
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
   * @return true if the worker rejoins, false if it is to be a spare (its queue handed over)
   */
  boolean afterBlockedTask(Worker w) {
    // false: the caller parks as a spare (Worker.afterBlocked)
    if (tryRejoin(w)) {
      return true;
    }
    w.drainLocalToGlobal();
    if (!pool.global.isEmpty()) {
      pool.wakeOne();
    }
    return false;
  }

  /**
   * The blocking path for a new submission: starts the body now on a spare or a new thread, or
   * queues it as a {@link Declared} task. The caller has checked the run state.
   *
   * @param body the body (a task, or a raw runnable of the blocking executor)
   */
  void submit(Runnable body) {
    if (handOff(body)) {
      pool.counters.directStarts.increment();
      return;
    }
    pool.global.offer(new Declared(this, body));
    pool.counters.externalPushes.increment();
    pool.wakeOne();
  }

  /**
   * Starts a body known to block on a thread of its own, if one is to be had: a parked spare, or
   * a new thread under {@code maxThreads} (no token: the point is to start at once).
   *
   * @param body the body
   * @return true if a thread took it; false if none could (the caller runs or queues it)
   */
  boolean handOff(Runnable body) {
    Executor v = virtual;
    if (v != null) {
      v.execute(() -> runReported(body));
      return true;
    }
    if (pool.spares.popForBody(body)) {
      pool.counters.spareHandoffs.increment();
      return true;
    }
    return pool.ctl.reserveBlockingThread() && pool.lifecycle.startBlockingWorker(body);
  }

  private void runReported(Runnable body) {
    try {
      body.run();
    } catch (Throwable t) {
      pool.reportUncaught(t); // a raw runnable has no handle: reported, as on a worker
    }
  }

  /**
   * A blocking body queued because no thread was to be had. Whoever takes it first tries the
   * hand-off again (a thread may have come free), else marks itself blocked, as a compensated
   * wait does, before the body runs: the worker's queue moves on and a replacement is woken.
   */
  static final class Declared implements Runnable {
    private final Blocking blocking;
    private final Runnable body;

    Declared(Blocking blocking, Runnable body) {
      this.blocking = blocking;
      this.body = body;
    }

    @Override
    public void run() {
      if (blocking.handOff(body)) {
        return;
      }
      Worker w = Worker.current();
      if (w != null && w.pool == blocking.pool) {
        blocking.markBlocked(w, BlockCause.DECLARED, 0L);
      }
      body.run();
    }

    @Override
    public String toString(@GuardSatisfied Declared this) {
      return "blocking " + body;
    }
  }

  /**
   * The user's runnable inside a queued blocking-path wrapper, for code that hands queued work
   * back or fails it ({@code shutdownNow}, termination with no worker).
   *
   * @param r a queued runnable
   * @return its body if it is a {@link Declared} task, else {@code r}
   */
  static Runnable unwrap(Runnable r) {
    return r instanceof Declared ? ((Declared) r).body : r;
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
