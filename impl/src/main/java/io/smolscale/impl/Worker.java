package io.smolscale.impl;

import io.smolscale.impl.park.IdleSet;
import io.smolscale.impl.park.Parker;
import io.smolscale.impl.queue.GlobalQueue;
import io.smolscale.impl.queue.LocalQueue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.checkerframework.checker.lock.qual.GuardSatisfied;
import org.checkerframework.checker.nullness.qual.MonotonicNonNull;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A worker: one thread, one local queue, one parker. This class owns the worker's life cycle;
 * what happens when a worker blocks is in {@link Balancer} (detection) and {@link
 * WorkBalancingScheduler#afterBlockedTask} (return).
 *
 * <h2>Life cycle</h2>
 *
 * <pre>
 *   start ──► SEARCHING ──found a task──► RUNNING ──task returned──► (find the next task)
 *                ▲   │                      │
 *                │   └─nothing found──► IDLE (in the IdleSet, parked)
 *                │                         │ popped by a waker ─► SEARCHING
 *                │                         └ keep-alive passed ─► RETIRED (thread exits)
 *                │                      RUNNING ──marked blocked (monitor, or join/blockOn)──► BLOCKED
 *                └──── rejoin (parallelism allows) ◄── task returned ── BLOCKED ── else ─► RETIRED
 * </pre>
 *
 * <p>Finding work ({@link #findTask()}): the local queue first, in FIFO order; every {@value
 * #GLOBAL_CHECK_INTERVAL}th task the global queue first, so that a worker whose tasks keep waking
 * each other does not starve outside submissions (Tokio checks its injection queue every 61
 * tasks for the same reason); with the local queue empty, a batch from the global queue. A worker
 * never looks at another worker's queue.
 *
 * <p>Going idle ({@link #idle()}): the lost-wake-up defence used by Kotlin's scheduler and Tokio:
 * stop searching, publish idleness (push onto the {@link IdleSet}), re-check the global queue,
 * and only then park. A submitter does the mirror image: publish the task, then look for a
 * sleeper. See {@link WorkBalancingScheduler} for the argument.
 *
 * <h2>Fields shared with other threads</h2>
 *
 * <ul>
 *   <li>{@code seq}: the progress counter, odd while a task runs. Written by the owner with
 *       release-free opaque stores (two per task), read by the balancer with opaque loads; the
 *       balancer needs no ordering, only a value that is eventually fresh and not torn.
 *   <li>{@code blocked}: set by the monitor or the owner with a CAS, cleared by the owner; read
 *       by the owner (opaque, on the spawn path) and by the balancer (volatile).
 *   <li>{@code localPushes}: statistics, opaque stores by the owner.
 * </ul>
 */
final class Worker extends IdleSet.Node implements Runnable {
  /** Every this many tasks, the global queue is looked at before the local one. */
  static final int GLOBAL_CHECK_INTERVAL = 61;

  /** The smallest batch a worker takes from the global queue (see {@link #findTask()}). */
  static final int MIN_BATCH = 8;

  /** A benchmark-only planted slowdown per task (the regression harness's negative control). */
  private static final long DEBUG_DELAY_NANOS = Long.getLong("smolscale.debug.workerDelayNanos", 0L);

  private static final VarHandle SEQ;
  private static final VarHandle BLOCKED;
  private static final VarHandle LOCAL_PUSHES;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      SEQ = l.findVarHandle(Worker.class, "seq", long.class);
      BLOCKED = l.findVarHandle(Worker.class, "blocked", boolean.class);
      LOCAL_PUSHES = l.findVarHandle(Worker.class, "localPushes", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The worker of the current thread, for threads not made by us (custom thread factories). */
  private static final ThreadLocal<@Nullable Worker> CURRENT = new ThreadLocal<>();

  final WorkBalancingScheduler pool;
  final int id;
  final LocalQueue local = new LocalQueue(LocalQueue.DEFAULT_CAPACITY);

  @MonotonicNonNull Thread thread;
  @MonotonicNonNull Parker parker;

  /** Progress counter: incremented when a task starts and when it ends (odd = inside a task). */
  private volatile long seq;

  /** Marked blocked inside a task: not counted towards parallelism, pushes go global. */
  private volatile boolean blocked;

  private volatile long localPushes;

  /** Owner-only: counted in the IdleSet's searching count. */
  private boolean searching = true;

  /** Owner-only: tasks run since start, for the global-queue fairness check. */
  private int ticks;

  /** Owner-only: the worker retires from the parked state (it is not counted as awake). */
  boolean retiredWhileParked;

  // Balancer-only sampling state (read and written by the balancer thread alone).
  long sampledSeq = -1;
  long stallStartNanos;
  int waitingTicks;

  Worker(WorkBalancingScheduler pool, int id) {
    this.pool = pool;
    this.id = id;
  }

  /**
   * The worker running on the current thread, of any smolscale scheduler.
   *
   * @return the worker, or null on other threads
   */
  static @Nullable Worker current() {
    Thread t = Thread.currentThread();
    if (t instanceof WorkerThread) {
      return ((WorkerThread) t).worker;
    }
    return CURRENT.get();
  }

  long seqOpaque() {
    return (long) SEQ.getOpaque(this);
  }

  long tasksRun() {
    return ((long) SEQ.getOpaque(this)) >>> 1;
  }

  long localPushes() {
    return (long) LOCAL_PUSHES.getOpaque(this);
  }

  void countLocalPush() {
    LOCAL_PUSHES.setOpaque(this, (long) LOCAL_PUSHES.get(this) + 1);
  }

  boolean isBlocked() {
    return blocked;
  }

  /** The owner's cheap read of its own flag on the spawn path. */
  boolean isBlockedOpaque() {
    return (boolean) BLOCKED.getOpaque(this);
  }

  /**
   * Marks the worker blocked.
   *
   * @return true if this call marked it (it was not blocked)
   */
  boolean markBlocked() {
    return BLOCKED.compareAndSet(this, false, true);
  }

  /** Clears the mark; owner only, after it was counted towards parallelism again. */
  void clearBlocked() {
    blocked = false;
  }

  @Override
  public void run() {
    Thread me = Thread.currentThread();
    if (!(me instanceof WorkerThread)) {
      CURRENT.set(this);
    }
    boolean exitedNormally = false;
    try {
      while (true) {
        Runnable task = findTask();
        if (task == null) {
          if (!idle()) {
            break;
          }
          continue;
        }
        if (searching) {
          searching = false;
          // Tokio's rule: the last searcher to find work wakes another if more work waits.
          if (pool.idle.decrementSearching() == 0 && !pool.global.isEmpty()) {
            pool.wakeOne();
          }
        }
        runTask(task);
        if (blocked && !pool.afterBlockedTask(this)) {
          break;
        }
      }
      exitedNormally = true;
    } finally {
      if (!(me instanceof WorkerThread)) {
        CURRENT.remove();
      }
      pool.onWorkerExit(this, exitedNormally);
    }
  }

  private void runTask(Runnable task) {
    long s = (long) SEQ.get(this);
    SEQ.setOpaque(this, s + 1);
    try {
      task.run();
    } catch (Throwable t) {
      // A raw Runnable given to execute(): it has no handle, so it is reported, never lost.
      pool.reportUncaught(t);
    }
    SEQ.setOpaque(this, s + 2);
    // An interrupt aimed at the task that just ended must not leak into the next one.
    Thread.interrupted();
    if (DEBUG_DELAY_NANOS > 0) {
      long until = System.nanoTime() + DEBUG_DELAY_NANOS;
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
    }
  }

  /** The next task, or null if there is none. Local queue first; see the class comment. */
  private @Nullable Runnable findTask() {
    GlobalQueue global = pool.global;
    if (++ticks >= GLOBAL_CHECK_INTERVAL) {
      ticks = 0;
      Runnable t = global.poll();
      if (t != null) {
        return t;
      }
    }
    Runnable t = local.poll();
    if (t != null) {
      return t;
    }
    if (!global.isEmpty()) {
      // Go's globrunqget: a fair share of the global queue, at most half the local capacity,
      // but at least MIN_BATCH: splitting a handful of tasks would cost a chain wake-up of a
      // sleeper (5-10 us of CPU) to save a few microseconds; if they turn out to be long, the
      // balancer moves them off this worker within a tick.
      long share = Math.max(global.size() / Math.max(1, pool.countedWorkers()) + 1, MIN_BATCH);
      int max = (int) Math.min(share, local.capacity() / 2);
      if (global.pollBatch(local, max) > 0) {
        return local.poll();
      }
    }
    return null;
  }

  /**
   * Parks until there is work. Publish idleness, re-check, then park.
   *
   * @return true to keep working, false to retire (keep-alive passed, or shut down)
   */
  private boolean idle() {
    IdleSet<Worker> idleSet = pool.idle;
    if (searching) {
      searching = false;
      idleSet.decrementSearching();
    }
    idleSet.push(this);
    pool.workerParking();
    // The re-check: a task published before our push is seen here, and a task published after it
    // finds us in the IdleSet.
    if (!pool.global.isEmpty() || pool.isShuttingDown()) {
      if (idleSet.remove(this)) {
        idleSet.incrementSearching();
      } // else a waker popped us and already counted us as searching
      searching = true;
      pool.workerWoke();
      if (pool.global.isEmpty() && pool.isShuttingDown()) {
        pool.retireOnShutdown();
        return false;
      }
      return true;
    }
    Parker p = parker;
    if (p == null) {
      throw new IllegalStateException("worker has no parker");
    }
    long keepAlive = pool.keepAliveNanos();
    while (true) {
      // An interrupt left on an idle worker (user code interrupting pool threads) would make
      // LockSupport.park return at once and turn this loop into a spin: there is no task to
      // deliver it to, so it is dropped.
      Thread.interrupted();
      boolean permit = p.park(keepAlive);
      if (!isIdle()) {
        // Popped by a waker (counted as searching by it), or by shutdown.
        searching = true;
        pool.workerWoke();
        if (pool.isShuttingDown() && pool.global.isEmpty()) {
          pool.retireOnShutdown();
          return false;
        }
        return true;
      }
      if (!permit) {
        if (idleSet.remove(this)) {
          retiredWhileParked = true;
          pool.retireIdle();
          return false;
        }
        // A waker popped us in the meantime: its unpark is on its way; the permit stays set and
        // is absorbed by a later park.
        searching = true;
        pool.workerWoke();
        return true;
      }
      // A stale permit or spurious return while still in the set: park again.
    }
  }

  /**
   * Moves everything left in the local queue to the global queue (owner only; it retries while
   * the balancer holds the consumer lock, which it does for a bounded copy).
   */
  void drainLocalToGlobal() {
    while (!local.isEmpty()) {
      if (local.drainAllTo(pool.global) == 0) {
        Thread.onSpinWait();
      }
    }
  }

  @Override
  public String toString(@GuardSatisfied Worker this) {
    return "Worker[" + id + "]";
  }

  /** The thread class of workers made by the scheduler's own factory: a field, not a lookup. */
  static final class WorkerThread extends Thread {
    final Worker worker;

    WorkerThread(Worker worker, String name) {
      super(worker, name);
      this.worker = worker;
      setDaemon(true);
    }
  }
}
