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
 * A worker: one thread, one local queue, one parker. This class owns the run loop and the park
 * protocol; every change of the worker counts along the diagram below is an edge method of {@link
 * Ctl}, a worker's start and exit are in {@link Lifecycle}, what happens when it blocks is in
 * {@link Blocking}, and the pre-park spin's policy is {@link AdaptiveSpin}.
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
 * <p>The edges, as {@link Ctl} methods: start = {@code reserveWorker}, {@code
 * reservedToSearching} (or {@code startFailed}); found a task = {@code searchingToRunning}; nothing
 * found = {@code searchingToIdle}, {@code idleToParked} (then {@code recheckToSearching} if the
 * re-check finds work); popped = {@code parkedToSearching}; keep-alive passed = {@code
 * parkedToRetired}; marked blocked = {@code runningToBlocked}; rejoin = {@code
 * blockedToRunning}; woken after shutdown = {@code searchingToRetired}; the thread's end = {@code
 * awakeToExiting}, {@code threadExited}. The pre-park spin enters searching with {@code
 * startSpinningAlone}.
 *
 * <p>Finding work ({@link #findTask()}): the local queue first, in FIFO order; every {@value
 * #GLOBAL_CHECK_INTERVAL}th task the global queue first, so that a worker whose tasks keep waking
 * each other does not starve outside submissions (Tokio checks its injection queue every 61
 * tasks for the same reason); with the local queue empty, a batch from the global queue. A worker
 * never looks at another worker's queue.
 *
 * <p>After its queue spilled (the balancer moved the older half of a stalled worker's queue to
 * the global queue, or the ring overflowed), the worker polls the global queue first once per
 * task that left, before it goes back to the ring: the tasks that left were queued before the
 * ones that stayed, so without this the newer ones would overtake them, and a {@code yieldNow}
 * continuation could run before the work it yielded to (seen on a loaded machine: a body
 * descheduled for a tick between {@code spawn} and {@code yieldNow}). The local pop checks, under
 * the ring's lock, that no batch left since the count was read ({@code LocalQueue.poll(long)}),
 * and if one did the worker goes round and pays it back first: a check made only before the pop
 * let a batch leave in between (seen once in CI). Sharing a backlog with
 * idle workers ({@code LocalQueue.shareHalfTo}) is not counted: that half is for the others.
 *
 * <p>Going idle ({@link #idle()}): the lost-wake-up defence used by Kotlin's scheduler and Tokio:
 * stop searching, publish idleness (push onto the {@link IdleSet}), re-check the global queue,
 * and only then park. A submitter does the mirror image: publish the task, then look for a
 * sleeper. See {@link Pool} for the argument.
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
 *   <li>{@code admitted}: see {@link #admit}.
 *   <li>{@code spin}'s waker timestamp: see {@link AdaptiveSpin}.
 *   <li>{@code stall}: the balancer's sampling state, the balancer's alone.
 *   <li>{@code verdictPending}: the monitor's note that its mark was a verdict (waiting or a
 *       system call) to score against the task's site ({@link BlockingSites}); an opaque store by
 *       the monitor after its marking CAS, read and cleared (opaque) by the owner when the task
 *       returns marked. The owner attributes the verdict itself because it alone knows its task
 *       for free: publishing the running task for the monitor cost a reference store per task,
 *       and with G1 a store of a young task into the old worker is a card-marking write barrier
 *       with a StoreLoad fence (JMH {@code yield_now}, JDK 17: spec/PERFORMANCE.md, "The
 *       predictor's cost per task"). Missed (the owner read its mark between the CAS and this
 *       store) it loses one verdict; late (after the owner moved on) it scores the next marked
 *       task once: a heuristic's noise, nothing else.
 *   <li>{@code runningName}: the name of the named task running here, or null; opaque stores by
 *       the owner, and only around a named task (so unnamed tasks pay no store, for the reason
 *       above), opaque loads by the monitor for its Flight Recorder event and the starvation
 *       warning. Display only: a stale name costs a wrong label, never a decision.
 *   <li>{@code tid}: the kernel thread id, written once by the owner at start, volatile.
 *   <li>the {@code IdleSet.Node} hand-off, while the worker is a spare: see {@link Spares}.
 * </ul>
 *
 * <p>A worker whose blocked task returns with parallelism full becomes a <i>spare</i> ({@link
 * Spares}); a thread of the blocking path starts <i>born blocked</i> with a body ({@link
 * #bornBlocked}), started by the {@link StartChain} and then taking the next waiting bodies itself;
 * a task of a site predicted to block is handed to the blocking path instead of run ({@link
 * BlockingSites}, {@link Blocking#handOffOrWait}).
 *
 * <p>Pre-park spin ({@link #spinBeforeParking}): before the sequence above, a worker whose {@link
 * AdaptiveSpin} says so may spin for at most {@code SchedulerConfig.spinBeforePark} watching the
 * global queue, counted as searching, so that a request from another thread is taken without a
 * wake-up.
 */
final class Worker extends IdleSet.Node implements Runnable {
  /** Every this many tasks, the global queue is looked at before the local one. */
  static final int GLOBAL_CHECK_INTERVAL = 61;

  /** The smallest batch a worker takes from the global queue (see {@link #findTask()}). */
  static final int MIN_BATCH = 8;

  private static final VarHandle SEQ;
  private static final VarHandle BLOCKED;
  private static final VarHandle LOCAL_PUSHES;
  private static final VarHandle VERDICT_PENDING;
  private static final VarHandle RUNNING_NAME;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      SEQ = l.findVarHandle(Worker.class, "seq", long.class);
      BLOCKED = l.findVarHandle(Worker.class, "blocked", boolean.class);
      LOCAL_PUSHES = l.findVarHandle(Worker.class, "localPushes", long.class);
      VERDICT_PENDING = l.findVarHandle(Worker.class, "verdictPending", boolean.class);
      RUNNING_NAME = l.findVarHandle(Worker.class, "runningName", String.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The worker of the current thread, for threads not made by us (custom thread factories). */
  private static final ThreadLocal<@Nullable Worker> CURRENT = new ThreadLocal<>();

  final Pool pool;
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

  /**
   * Owner-only: how many of the tasks counted in {@code local.spilled()} this worker has answered
   * with a global-queue poll. While it is behind, {@link #findTask()} polls the global queue
   * first: a batch moved out of the ring was older than what stayed in it.
   */
  private long spillTaken;

  /** The pre-park spin policy (owner-only, but for the waker's timestamp). */
  final AdaptiveSpin spin;

  /** Whether a local backlog is worth sharing (owner-only). */
  final SharePolicy share = new SharePolicy();

  /**
   * Set by the scheduler before {@code Thread.start}, which orders it before {@link #run} on the
   * started thread (Thread.start happens-before the thread's first action); see {@link #admit}.
   * Volatile only so that a thread a misbehaving factory started on its own reads it without a
   * data race; read once per thread.
   */
  private volatile boolean admitted;

  /** Owner-only: the worker retires from the parked state (it is not counted as awake). */
  boolean retiredWhileParked;

  /**
   * A blocking body this worker's thread was started for (the blocking path found no spare); set
   * before {@code Thread.start}, which publishes it; owner-only after.
   */
  private @Nullable Runnable firstTask;

  /** The monitor's mark was a verdict to score when the task returns (see the class comment). */
  private boolean verdictPending;

  /** The running named task's name (see the class comment). */
  private @Nullable String runningName;

  /**
   * This worker's kernel thread id, or -1: written once by the owner at start ({@link
   * JvmClocks#currentTid}), read by the monitor (volatile) for the system-call guard.
   */
  volatile int tid = -1;

  /** The balancer's sampling state (read and written by the balancer thread alone). */
  final StallDetector.Sample stall = new StallDetector.Sample();

  Worker(Pool pool, int id) {
    this.pool = pool;
    this.id = id;
    this.spin = new AdaptiveSpin(pool.spinNanos);
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

  /**
   * Notes the name of the named task that starts or ends on this worker; owner only.
   *
   * @param name the name, or the value to restore
   * @return the name noted before
   */
  @SuppressWarnings("argument") // the checker's VarHandle stub takes no null; the field may be null
  @Nullable String swapRunningName(@Nullable String name) {
    String before = (String) RUNNING_NAME.getOpaque(this);
    RUNNING_NAME.setOpaque(this, name);
    return before;
  }

  /**
   * The running named task's name, for diagnostics; any thread.
   *
   * @return the name, or null if the task running here (if any) has none
   */
  @Nullable String runningName() {
    return (String) RUNNING_NAME.getOpaque(this);
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

  /**
   * Makes this not-yet-started worker a blocking-path thread: it starts blocked (not counted, not
   * searching) and runs the body first. Before {@code Thread.start} only.
   *
   * @param body the blocking body
   */
  void bornBlocked(Runnable body) {
    blocked = true;
    searching = false;
    firstTask = body;
  }

  /** Monitor: the mark it just made was a verdict (see {@code verdictPending}). */
  void verdictPending() {
    VERDICT_PENDING.setOpaque(this, true);
  }

  /** Owner: takes the monitor's verdict note, if any. */
  private boolean takeVerdict() {
    if (!(boolean) VERDICT_PENDING.getOpaque(this)) {
      return false;
    }
    VERDICT_PENDING.setOpaque(this, false);
    return true;
  }

  /**
   * Lets the thread run this worker; called by the scheduler just before it starts the thread it
   * checked was new. A thread that a custom factory started itself (before handing it over) finds
   * the worker not admitted and returns at once, so it never touches the counts the scheduler
   * undoes for a failed start.
   */
  void admit() {
    admitted = true;
  }

  @Override
  public void run() {
    if (!admitted) {
      return; // run by a thread the scheduler did not start: see admit()
    }
    Thread me = Thread.currentThread();
    if (!(me instanceof WorkerThread)) {
      CURRENT.set(this);
    }
    tid = JvmClocks.currentTid();
    boolean exitedNormally = false;
    RunMeter meter = null; // made at the first run of a warm site
    try {
      Runnable first = firstTask;
      firstTask = null;
      boolean working = true;
      if (first != null) {
        runTask(first); // a blocking body: this thread was started for it, blocked
        working = afterBlocked();
      }
      while (working) {
        Runnable task = findTask();
        if (task == null) {
          if (!idle()) {
            break;
          }
          share.afterIdle();
          continue;
        }
        if (searching) {
          searching = false;
          // Tokio's rule: the last searcher to find work wakes another if more work waits.
          if (pool.ctl.searchingToRunning() == 0 && !pool.global.isEmpty()) {
            pool.wakeOne();
          }
        }
        BlockingSites.Site site = pool.sites.warmSite(task);
        boolean probe = false;
        if (site != null && site.predicted()) {
          probe = site.probeOnWorker();
          if (!probe) {
            // Predicted blocking: started on a thread of its own, or waiting for one
            // (BlockingSites, Blocking).
            pool.blocking.handOffOrWait(task);
            continue;
          }
        }
        if (site != null && RunMeter.ENABLED) {
          if (meter == null) {
            meter = new RunMeter(tid);
          }
          meter.start();
        }
        runTask(task);
        share.taskRan();
        if (blocked) {
          if (takeVerdict()) {
            // The monitor's verdict, scored by this worker against the task's (final) site class.
            Class<?> siteClass = BlockingSites.siteClassOf(task);
            pool.sites.blockedClass(siteClass);
            if (site == null) {
              BlockingSites.Site s = pool.sites.siteOfClass(siteClass);
              site = s != null && s.score() > 0 ? s : null;
            }
          }
          if (site != null) {
            BlockingSites.ranBlocked(site, probe);
          }
          if (!afterBlocked()) {
            break;
          }
        } else if (site != null && meter != null) {
          if (meter.sleptThrough()) {
            pool.sites.sleptUnseen(site, probe); // blocked, unseen by the monitor (RunMeter)
            pool.counters.unseenBlocks.increment();
          } else {
            BlockingSites.ranClean(site, probe);
          }
        }
      }
      exitedNormally = true;
    } finally {
      if (meter != null) {
        meter.close();
      }
      if (!(me instanceof WorkerThread)) {
        CURRENT.remove();
      }
      pool.lifecycle.onWorkerExit(this, exitedNormally);
    }
  }

  /**
   * After a task returned on a worker marked blocked: run the bodies waiting for a platform
   * thread ({@link StartChain}), then rejoin if a parallelism slot is free, else serve as a spare
   * ({@link Spares}), running the blocking bodies it is handed, until it is handed a place among
   * the workers or its keep-alive passes.
   *
   * @return true to go on as a worker, false to exit
   */
  private boolean afterBlocked() {
    for (; ; ) {
      // Blocked and not counted already: take the bodies waiting for a thread first, each a
      // thread start saved (StartChain).
      for (Runnable b; (b = pool.blocking.pollWaitingForThread()) != null; ) {
        runTask(b);
      }
      if (pool.blocking.afterBlockedTask(this)) {
        pool.blocking.recheckWaiting(); // counted again: a pause may have counted on this thread
        return true;
      }
      Object h = pool.spares.await(this);
      if (h == null) {
        return false;
      }
      if (h == Spares.REJOIN || h == Spares.REJOINED) {
        clearBlocked();
        searching = h == Spares.REJOIN; // popped: the popper counted it as searching
        return true;
      }
      if (h != Spares.SERVE) { // SERVE: bodies wait for a thread, polled at the loop's top
        runTask((Runnable) h); // a blocking body, run while still blocked (not counted)
      }
    }
  }

  private void runTask(Runnable task) {
    // The task boundary (ThreadPoolExecutor.runWorker's rule): a task starts with the interrupt
    // status clear, so it never sees an interrupt meant for an earlier task or for this worker
    // while it was idle, unless the scheduler is stopping (shutdownNow), when it starts
    // interrupted. Clear first, then read the run state: shutdownNow writes STOP before it
    // interrupts, so an interrupt this clear could swallow comes with a STOP this read sees.
    // A cancel(true) cannot be lost here: it interrupts only a task that is already RUNNING.
    Thread.interrupted();
    if (pool.isStopping()) {
      Thread.currentThread().interrupt();
    }
    long s = (long) SEQ.get(this);
    SEQ.setOpaque(this, s + 1);
    try {
      task.run();
    } catch (Throwable t) {
      // A raw Runnable given to execute(): it has no handle, so it is reported, never lost.
      pool.reportUncaught(t);
    }
    SEQ.setOpaque(this, s + 2);
    // An interrupt left by this task is not cleared here: nothing between two tasks waits
    // interruptibly (the parker drops interrupts), and the next task's start clears it above.
  }

  /** The next task, or null if there is none. Local queue first; see the class comment. */
  private @Nullable Runnable findTask() {
    GlobalQueue global = pool.global;
    for (;;) {
      long spilled = local.spilled(); // acquire: a batch counted here is in the global queue
      boolean owed = spilled != spillTaken;
      if (owed || ++ticks >= GLOBAL_CHECK_INTERVAL) {
        if (!owed) {
          ticks = 0;
        }
        Runnable t = global.poll();
        if (t != null) {
          if (owed) {
            spillTaken++;
          }
          return t;
        }
        spillTaken = spilled; // the global queue is empty: nothing older than our queue waits
      }
      // Refused if a batch left after the read above: it is older than what is left, so go
      // round and take it first (LocalQueue.poll(long) says why the check is under its lock).
      Runnable t = local.poll(spilled);
      if (t != null) {
        return t;
      }
      if (local.spilled() == spilled) {
        break;
      }
    }
    if (!global.isEmpty()) {
      // Go's globrunqget: a fair share of the global queue, at most half the local capacity,
      // but at least MIN_BATCH: splitting a handful of tasks would cost a chain wake-up of a
      // sleeper (5-10 us of CPU) to save a few microseconds; if they turn out to be long, the
      // balancer moves them off this worker within a tick.
      long share = Math.max(global.size() / Math.max(1, pool.ctl.counted()) + 1, MIN_BATCH);
      int max = (int) Math.min(share, local.capacity() / 2);
      return global.pollBatch(local, max); // the oldest runs now, the rest wait in the ring
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
    Ctl ctl = pool.ctl;
    if (spin.wantsToSpin(ctl) && spinBeforeParking()) {
      return true;
    }
    if (searching) {
      searching = false;
      ctl.searchingToIdle();
    }
    idleSet.push(this);
    ctl.idleToParked();
    // The re-check: a task published before our push is seen here, and a task published after it
    // finds us in the IdleSet.
    if (!pool.global.isEmpty() || pool.isShuttingDown()) {
      // removed ourselves, or a waker popped us and already counted us as searching
      ctl.recheckToSearching(idleSet.remove(this));
      searching = true;
      if (pool.global.isEmpty() && pool.isShuttingDown()) {
        ctl.searchingToRetired();
        return false;
      }
      return true;
    }
    Parker p = parker;
    if (p == null) {
      throw new IllegalStateException("worker has no parker");
    }
    long keepAlive = pool.keepAliveNanos;
    while (true) {
      // An interrupt of an idle worker (user code interrupting pool threads) has no task to go
      // to: Parker.park drops it instead of returning, so it can never turn this loop into a spin.
      long parkedAt = spin.beforePark();
      boolean permit = p.park(keepAlive);
      if (!isIdle()) {
        // Popped by a waker (counted as searching by it), or by shutdown.
        spin.afterWokenPark(parkedAt);
        searching = true;
        ctl.parkedToSearching();
        if (pool.isShuttingDown() && pool.global.isEmpty()) {
          ctl.searchingToRetired();
          return false;
        }
        return true;
      }
      if (!permit) {
        if (idleSet.remove(this)) {
          retiredWhileParked = true;
          ctl.parkedToRetired();
          return false;
        }
        // A waker popped us in the meantime: its unpark is on its way; the permit stays set and
        // is absorbed by a later park.
        searching = true;
        ctl.parkedToSearching();
        return true;
      }
      // A stale permit or spurious return while still in the set: park again.
    }
  }

  /**
   * The pre-park spin's protocol part (the policy and the spin loop are {@link AdaptiveSpin}):
   * the spinner counts itself as searching (only if the count was 0, {@link
   * Ctl#startSpinningAlone}), so submitters leave the wake-up to it, exactly as with a woken
   * searcher; the Dekker argument of {@link Pool} holds unchanged because a spinner that gives up
   * goes through the same decrement, publish, re-check sequence as any searcher.
   *
   * @return true if work appeared (the worker is searching), false to park as usual
   */
  private boolean spinBeforeParking() {
    if (!searching) {
      if (!pool.ctl.startSpinningAlone()) {
        return false; // someone else is searching or spinning: it will take the next task
      }
      searching = true;
    }
    return spin.spinUntilWork(pool);
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
