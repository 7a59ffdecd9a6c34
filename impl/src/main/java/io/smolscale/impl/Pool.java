package io.smolscale.impl;

import io.smolscale.SchedulerConfig;
import io.smolscale.impl.park.IdleSet;
import io.smolscale.impl.park.Parker;
import io.smolscale.impl.queue.GlobalQueue;
import io.smolscale.impl.queue.LocalQueue;
import io.smolscale.impl.util.Durations;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The state one scheduler's workers, balancer and public face share, and the two protocols that
 * run on every submission: where a task goes ({@link #dispatch}) and who is woken ({@link
 * #wakeOne}). The parts it holds each own one protocol: {@link Ctl} (the worker counts), {@link
 * Lifecycle} (start, exit, termination), {@link Blocking} (a worker that blocks), {@link
 * Balancer} (balancing and preemption), {@link Counters} (statistics), and the queues and the
 * idle set. None of them knows the public face ({@link WorkBalancingScheduler}).
 *
 * <p><b>Where a task goes.</b> Spawned or woken on a worker of this scheduler, it goes to that
 * worker's local queue and nobody is woken: a message-passing wake runs on the waker's thread
 * after the waker's current task, which is what message-passing programs want. Two exceptions:
 * if the local queue is full, half of it and the task go to the global queue (overflow); and if
 * the worker has a backlog ({@value #SHARE_THRESHOLD} or more tasks) while some worker sleeps and
 * none is searching, and the backlog holds enough work to be worth a wake-up ({@link
 * SharePolicy}), half of the backlog goes to the global queue and one sleeper is woken (sharing:
 * the producer fixes the imbalance it creates, instead of idle workers stealing). From
 * any other thread, or from a worker marked blocked, the task goes to the global queue and at
 * most one sleeper is woken; except a task of a site predicted to block ({@link BlockingSites}),
 * which from outside starts on the blocking path at once ({@link Blocking#handOff}).
 *
 * <p><b>Overflow without a wake-up.</b> A full ring spills its older half to the global queue;
 * that wakes a sleeper only if the spilled tasks hold enough work by the worker's own estimate
 * ({@link SharePolicy#worthSharing}, the rule for sharing). A fan-out of tiny tasks (an actor
 * telling a thousand actors) overflows every 128 pushes, and waking the second core for each
 * spill only sent the replies across cores: Savina {@code fanout_fanin} 2.4-2.7 ms per operation
 * with the wake, 1.1-1.8 ms without (spec/PERFORMANCE.md). Not waking is safe because the spiller
 * is awake and counted, and comes back: it polls the global queue first while the spill is
 * owed. Unless it was marked blocked meanwhile, which is why it reads its {@code blocked} flag
 * (volatile) <i>after</i> the spill: Dekker's pattern with the balancer, which marks it (a CAS)
 * and then ends its tick with {@code if (!global.isEmpty()) wakeOne()}. Either the worker sees
 * the mark and wakes a sleeper itself, or the mark comes later in the synchronization order
 * than its read, hence than its spill, and the balancer's closing read sees the spilled tasks.
 * (With the opaque read of the push path, {@code isBlockedOpaque}, a stale "not blocked" would
 * leave the spill to the balancer's next idle tick, the safety net that the model does not count
 * on.) The TLA+ model allows the skip only with the flag clear; its negative control {@code
 * Bug_OverflowSkipWhenBlocked} skips regardless, and TLC finds a task that never runs.
 *
 * <p><b>Waking.</b> {@link #wakeOne()}: if a worker is searching, nothing (it will find the work);
 * else pop the most recently parked worker and unpark it; else, if fewer than {@code parallelism}
 * workers are counted, start one ({@link Lifecycle#maybeStartWorker}). A woken worker that finds
 * work and was the last searcher wakes the next one if more work waits (Tokio's chain).
 *
 * <p><b>No lost wake-up.</b> Dekker's pattern over volatile variables, in the synchronization
 * order that the JMM makes total: a submitter does (1) publish the task (the global queue's
 * claim, a CAS on its producers' index) then (2) read the searching count and the idle set. A
 * worker going idle does (a) stop searching (volatile decrement), (b) publish idleness (push, a
 * volatile {@code size} store under the IdleSet lock), then (c) read the global queue's
 * producers' index ({@code isEmpty}). If (c) does
 * not see the task, (c) precedes (1), so (b) precedes (2): the submitter sees either the worker
 * in the set or a searcher that has not yet done (a) and will do its own re-check after (a). The
 * formal model in {@code spec/tla} checks this argument, including the searching count.
 *
 * <p><b>No stranded task.</b> A task can sit in a local queue only while its owner is (i) running
 * a task: the owner will come back to it, and if the task is long the balancer moves it within a
 * tick; (ii) blocked: the balancer drains the queue at once and at every tick; (iii) retiring:
 * a worker retires only from the idle state (its queue is empty: only the owner pushes to it) or
 * from the spare state, which it enters after a blocked task once it has drained the queue
 * itself. Parked workers and spares have empty queues.
 *
 * <p><b>Run state.</b> RUNNING, then SHUTDOWN (no new submissions; queued work still runs), then
 * STOP ({@code shutdownNow}: queued work is removed, tasks that still start are interrupted);
 * volatile, changed only by CAS, so every thread sees the transitions in one order.
 */
final class Pool {
  /** A local backlog of this many tasks is shared when a worker sleeps and none is searching. */
  static final int SHARE_THRESHOLD = 4;

  static final int RUNNING = 0;
  static final int SHUTDOWN = 1;
  static final int STOP = 2;

  private static final VarHandle RUN_STATE;

  static {
    try {
      RUN_STATE = MethodHandles.lookup().findVarHandle(Pool.class, "runState", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final SchedulerConfig config;
  final boolean isGlobal;
  final int parallelism;
  final long keepAliveNanos;
  /** The longest pre-park spin in nanoseconds, 0 for none (at most 1 ms: validated). */
  final long spinNanos;
  final GlobalQueue global = new GlobalQueue();
  final IdleSet<Worker> idle = new IdleSet<>();
  final Ctl ctl;
  final Counters counters = new Counters();
  final UncaughtReporter reporter;
  final Lifecycle lifecycle;
  final Blocking blocking;
  final Spares spares;
  final BlockingSites sites;
  final Balancer balancer;

  private volatile int runState = RUNNING;

  /**
   * Creates the shared state of a scheduler; no thread starts.
   *
   * @param config the configuration
   * @param global whether this is the global scheduler (which ignores shutdown)
   */
  // The parts keep `this` under initialization; they read only the final fields set above
  // before the first task, long after this constructor returned.
  @SuppressWarnings("nullness")
  Pool(SchedulerConfig config, boolean global) {
    this.config = config;
    this.isGlobal = global;
    this.parallelism = config.parallelism();
    this.keepAliveNanos = Durations.saturatedNanos(config.keepAlive());
    this.spinNanos = config.spinBeforePark().toNanos();
    this.ctl = new Ctl(idle, parallelism, config.maxThreads());
    this.reporter = new UncaughtReporter(config.uncaughtExceptionHandler());
    this.lifecycle = new Lifecycle(this);
    this.blocking = new Blocking(this);
    this.spares = new Spares(this, ctl);
    this.sites =
        new BlockingSites(
            !"false".equals(System.getProperty("smolscale.debug.predictBlocking", "true")));
    this.balancer =
        new Balancer(
            this, System::nanoTime, Thread::getState, JvmClocks.cpuClock(), JvmClocks::gcCount);
  }

  // ------------------------------------------------------------------ dispatch

  /** Puts a task where it belongs: see the class comment. */
  void dispatch(Runnable task) {
    Worker w = Worker.current();
    if (w != null && w.pool == this && !w.isBlockedOpaque()) {
      LocalQueue local = w.local;
      if (!local.offerOrOverflow(task, global)) {
        counters.overflowPushes.increment();
        // The spilled half wakes a sleeper only if it is worth a wake-up, as a shared backlog
        // is (SharePolicy); otherwise this worker takes it back itself (it polls the global
        // queue first while a spill is owed: Worker.findTask). The volatile read of the
        // blocked flag comes after the spill: see "Overflow without a wake-up" above.
        if (w.share.worthSharing(local.capacity() / 2 + 1) || w.isBlocked()) {
          wakeOne();
        }
        return;
      }
      w.countLocalPush();
      int backlog = local.size();
      if (backlog >= SHARE_THRESHOLD && idle.size() > 0 && idle.searching() == 0
          && w.share.worthSharing(backlog)) {
        if (local.shareHalfTo(global) > 0) {
          counters.sharedBatches.increment();
          wakeOne();
        }
      }
      return;
    }
    if (sites.active() && startPredicted(task)) {
      return;
    }
    global.offer(task);
    counters.externalPushes.increment();
    wakeOne();
  }

  /**
   * From outside: a task of a site predicted to block starts on the blocking path at once,
   * instead of waking a worker only for it to hand the task on ({@link BlockingSites}). Its
   * probes take the normal path.
   *
   * @return true if it went to the blocking path (started, or waiting for a thread)
   */
  private boolean startPredicted(Runnable task) {
    BlockingSites.Site site = sites.warmSite(task);
    // Started on a thread of its own, or waiting for one: never a worker's.
    if (site == null || !site.predicted() || !site.startDirect()) {
      return false;
    }
    blocking.handOffOrWait(task);
    counters.directStarts.increment();
    return true;
  }

  /** Wakes one sleeper, or starts a worker, unless a worker is already searching. */
  void wakeOne() {
    if (idle.searching() > 0) {
      return;
    }
    if (!unparkOne()) {
      lifecycle.maybeStartWorker();
    }
  }

  /**
   * The part of {@link #wakeOne} that never starts a worker: wakes one sleeper, or else pops a
   * parked spare ({@link Lifecycle#rejoinSpare}), unless a worker is searching. For a starter
   * whose start just failed (see {@link Lifecycle}): a {@code wakeOne} that ran while the doomed
   * worker was counted as searching trusted it and woke nobody, and a blocked worker whose task
   * returned meanwhile found its slot taken by the doomed worker and parked as a spare, so the
   * failed starter must wake in its place, and must not start (that could recurse while the
   * factory keeps failing). Without the spare, TLC's Spares_startfail_strand: the task waited for
   * the spare's keep-alive.
   */
  void wakeSleeper() {
    if (idle.searching() == 0 && !unparkOne()) {
      lifecycle.rejoinSpare();
    }
  }

  /** Pops and unparks the most recently parked worker, counted as searching by the pop. */
  private boolean unparkOne() {
    Worker w = idle.popToSearch();
    if (w == null) {
      return false;
    }
    if (spinNanos > 0) {
      w.spin.stampWoken(System.nanoTime()); // how long it slept: the adaptive spin's evidence
    }
    Parker p = w.parker;
    if (p != null) {
      p.unpark();
    }
    counters.wakeups.increment();
    return true;
  }

  /** Pops and unparks every parked worker (shutdown: they find nothing, and retire). */
  void wakeAllIdle() {
    Worker w;
    while ((w = idle.popToSearch()) != null) {
      Parker p = w.parker;
      if (p != null) {
        p.unpark();
      }
    }
  }

  // ------------------------------------------------------------------ run state

  boolean isRunning() {
    return runState == RUNNING;
  }

  boolean isShuttingDown() {
    return runState != RUNNING;
  }

  /** Whether {@code shutdownNow} was called: tasks that still start, start interrupted. */
  boolean isStopping() {
    return runState == STOP;
  }

  int runState() {
    return runState;
  }

  /** RUNNING → SHUTDOWN (no effect in a later state). */
  void toShutdown() {
    RUN_STATE.compareAndSet(this, RUNNING, SHUTDOWN);
  }

  /** Any state → STOP. */
  void toStop() {
    int s;
    do {
      s = runState;
    } while (s != STOP && !RUN_STATE.compareAndSet(this, s, STOP));
  }

  /** Reports a failure that has no handle to hold it. Never throws. */
  void reportUncaught(Throwable failure) {
    reporter.accept(failure);
  }
}
