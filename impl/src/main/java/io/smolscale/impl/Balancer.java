package io.smolscale.impl;

import io.smolscale.impl.jfr.JfrEvents;
import io.smolscale.impl.jfr.JfrEvents.Cause;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The balancer and preemption monitor: one thread per scheduler, alive only while the scheduler
 * has workers. <b>This is the one place that answers "what happens when a worker blocks?"</b>
 *
 * <h2>Each tick (every {@code balancerInterval}, 1 ms by default, while any worker is awake)</h2>
 *
 * <ol>
 *   <li><b>Sample progress.</b> Each worker's progress counter {@code seq} is odd while it runs a
 *       task and changes at every task start and end. A worker whose counter is odd and the same
 *       as at the previous tick has been inside one task for at least one tick: it is
 *       <i>stalled</i>.
 *   <li><b>Balance.</b> A stalled worker's local queue is halved into the global queue (a
 *       try-lock, never a wait) and a sleeper is woken. This bounds how long work can sit behind
 *       a long task to about one tick: smolscale's balancer did the same every 5-10 ms.
 *   <li><b>Preempt.</b> A stalled worker is marked <i>blocked</i> when its thread is seen
 *       {@code WAITING}, {@code TIMED_WAITING} or {@code BLOCKED} (parked on a lock or a future,
 *       sleeping, waiting for a monitor) on two ticks in a row, or when it has been computing inside the same task for
 *       the preemption threshold (20 ms by default) while work waits for a thread, as long as
 *       fewer than {@code parallelism} replaced workers are still computing: so CPU-bound tasks
 *       can never multiply the threads that compete for the cores beyond twice the parallelism. The JVM tells us what Rust's smolscale could not: a
 *       5 ms database call is seen after two or three ticks, not after a threshold of tens of
 *       milliseconds. A blocked worker stops counting towards parallelism, its whole local queue
 *       goes to the global queue, and a replacement is woken or started. Unlike smolscale, this
 *       fires for a single blocked worker, not only when every worker is stuck.
 *   <li><b>Keep blocked queues empty.</b> A blocked worker's task may still push to its local
 *       queue in the window before it sees the mark; every tick re-drains the queues of blocked
 *       workers, so no task stays behind a blocked worker for more than a tick.
 *   <li><b>Start deferred replacements.</b> Threads beyond parallelism are rate-limited by a
 *       token bucket; if work waits with no worker idle or searching and fewer counted workers
 *       than parallelism, a tick retries the start.
 * </ol>
 *
 * <p>The blocked task's return is handled by {@link WorkBalancingScheduler#afterBlockedTask}:
 * the worker rejoins if parallelism allows, otherwise it hands its queue over and retires.
 *
 * <h2>Sleeping</h2>
 *
 * <p>When no worker is awake the balancer polls every eight intervals instead of every interval
 * (workers never unpark it, so an idle-to-busy transition costs them nothing); when the scheduler
 * has no worker threads at all it exits, and the next worker start starts it again. An idle
 * scheduler therefore has no thread left after the keep-alive.
 *
 * <h2>Why detect blocking at all (Tokio's argument)</h2>
 *
 * <p>Tokio refuses to: progress is hard to define, extra threads can lower throughput, and
 * .NET's hill-climbing stutters. Our answers: progress here is a task boundary (a worker that
 * starts or ends a task makes progress), which is exact for run-to-completion tasks; extra threads
 * are capped ({@code maxThreads}) and rate-limited (a token bucket), and a blocked worker no longer
 * counts towards parallelism, so the number of threads <i>running</i> tasks never exceeds
 * parallelism for long: a thread whose task unblocks rejoins only if a slot is free, otherwise it
 * retires. There is no hill-climbing: the decision is per worker and per tick. See {@code
 * spec/DESIGN.md}.
 *
 * <p>Observability: every move and every mark is counted in {@code Stats} and emitted as a Flight
 * Recorder event ({@code io.smolscale.TasksMoved}, {@code io.smolscale.WorkerBlocked}; see {@link
 * JfrEvents}).
 *
 * <p>Memory model: the balancer reads {@code seq} with opaque loads and {@code blocked} with
 * volatile loads; it changes other workers only through the local queue's try-lock, the worker's
 * {@code blocked} CAS and the scheduler's counters, whose edges are documented there.
 */
final class Balancer implements Runnable {
  /** Consecutive ticks a stalled worker must be seen waiting before it is replaced. */
  static final int WAITING_TICKS = 2;

  private static final int RUNNING = 0;
  private static final int STOPPED = 1;

  private static final VarHandle STATE;
  private static final VarHandle TOKENS;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      STATE = l.findVarHandle(Balancer.class, "state", int.class);
      TOKENS = l.findVarHandle(Balancer.class, "tokens", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final WorkBalancingScheduler pool;
  private final long intervalNanos;
  private final long thresholdNanos;
  private final boolean preemption;
  private final int bucketCapacity;
  private final String prefix;

  /** RUNNING while a balancer thread exists (or is being started), else STOPPED. */
  private volatile int state = STOPPED;

  /** Token bucket for threads beyond parallelism; refilled by one token per tick. */
  private volatile int tokens;

  Balancer(WorkBalancingScheduler pool) {
    this.pool = pool;
    this.intervalNanos = pool.config().balancerInterval().toNanos(); // config is set first; <= 1 s
    this.thresholdNanos = Durations.saturatedNanos(pool.config().preemptionThreshold());
    this.preemption = pool.config().preemption();
    this.bucketCapacity = Math.max(4, pool.config().parallelism());
    this.prefix = pool.config().threadNamePrefix();
    this.tokens = bucketCapacity;
  }

  /** Called after a worker thread was counted: starts the balancer thread if there is none. */
  void ensureRunning() {
    if (state == RUNNING) {
      return;
    }
    if (STATE.compareAndSet(this, STOPPED, RUNNING)) {
      try {
        Thread t = new Thread(this, pool.config().threadNamePrefix() + "balancer");
        t.setDaemon(true);
        t.start();
      } catch (RuntimeException | Error e) {
        state = STOPPED; // no balancer thread exists: let the next caller try again
        throw e;
      }
    }
  }

  /**
   * Takes a token for a thread beyond parallelism.
   *
   * @return true if one was available
   */
  boolean tryAcquireToken() {
    while (true) {
      int t = tokens;
      if (t <= 0) {
        return false;
      }
      if (TOKENS.compareAndSet(this, t, t - 1)) {
        return true;
      }
    }
  }

  @Override
  public void run() {
    while (true) {
      if (pool.liveThreads() == 0 && !pool.needsStartRetry()) {
        // Exit, then re-check: a worker counted (or a start failed) after our read must find
        // STOPPED and start a new balancer, or we must see it and carry on (publish, then
        // re-check). Both the start and its failure path call ensureRunning after they publish.
        state = STOPPED;
        if ((pool.liveThreads() == 0 && !pool.needsStartRetry())
            || !STATE.compareAndSet(this, STOPPED, RUNNING)) {
          return;
        }
      }
      boolean awake = pool.awakeWorkers() > 0;
      try {
        if (awake) {
          tick();
        } else if (pool.needsStartRetry()) {
          // Work waits and no worker thread exists: a start failed (see startWorker). Retry it
          // every eight intervals; nothing else would.
          pool.retryStart();
        }
      } catch (RuntimeException | Error e) {
        // The monitor must outlive a failure (a thread factory that throws, an OOM): report it
        // and keep ticking, or preemption would silently stop for this scheduler.
        pool.reportUncaught(e);
      }
      LockSupport.parkNanos(this, awake ? intervalNanos : intervalNanos * 8);
    }
  }

  /** One balancing and monitoring pass. Balancer thread only (tests call it directly). */
  void tick() {
    pool.countBalancerTick();
    if (tokens < bucketCapacity) {
      TOKENS.getAndAdd(this, 1);
    }
    long now = System.nanoTime();
    boolean wake = false;
    Worker[] ws = pool.workers();
    // Workers marked blocked whose thread is still computing: they compete for CPU with the
    // counted workers, so at most `parallelism` of them are allowed (Tokio's objection (b)).
    int computingBlocked = 0;
    for (Worker w : ws) {
      if (w.isBlocked() && !isWaiting(w)) {
        computingBlocked++;
      }
    }
    int parallelism = pool.config().parallelism();
    for (Worker w : ws) {
      long s = w.seqOpaque();
      boolean inTask = (s & 1) == 1;
      boolean stalled = inTask && s == w.sampledSeq;
      if (!stalled) {
        w.sampledSeq = s;
        w.stallStartNanos = now;
        w.waitingTicks = 0;
      }
      if (w.isBlocked()) {
        int moved = w.local.drainAllTo(pool.global);
        if (moved > 0) {
          pool.countBalancerMoves(moved);
          JfrEvents.tasksMoved(prefix, w.thread, Cause.BLOCKED, moved);
          wake = true;
        }
        continue;
      }
      if (!stalled) {
        continue;
      }
      int moved = w.local.drainHalfTo(pool.global);
      if (moved > 0) {
        pool.countBalancerMoves(moved);
        JfrEvents.tasksMoved(prefix, w.thread, Cause.STALLED, moved);
        wake = true;
      }
      if (!preemption) {
        continue;
      }
      if (isWaiting(w)) {
        w.waitingTicks++;
      } else {
        w.waitingTicks = 0;
      }
      if (w.waitingTicks >= WAITING_TICKS) {
        // Sleeping, parked or waiting for a monitor on two ticks in a row: it uses no CPU,
        // replace it. One sighting is not enough: a computing thread can wait for a moment (a
        // contended lock, a class being initialised by another thread) and then compute on,
        // which would let replaced-but-computing threads exceed the bound below.
        if (pool.markBlocked(w, Cause.WAITING, now - w.stallStartNanos)) {
          wake = true;
        }
      } else if (now - w.stallStartNanos >= thresholdNanos
          && computingBlocked < parallelism
          && (!pool.global.isEmpty() || !w.local.isEmpty())) {
        // A long computation: replace it only if work is waiting for a thread, and only while
        // fewer than `parallelism` replaced workers are still computing.
        if (pool.markBlocked(w, Cause.COMPUTING, now - w.stallStartNanos)) {
          computingBlocked++;
          wake = true;
        }
      }
    }
    if (wake || !pool.global.isEmpty()) {
      pool.wakeOne();
    }
  }

  private static boolean isWaiting(Worker w) {
    Thread t = w.thread;
    if (t == null) {
      return false;
    }
    Thread.State st = t.getState();
    return st == Thread.State.WAITING
        || st == Thread.State.TIMED_WAITING
        || st == Thread.State.BLOCKED;
  }
}
