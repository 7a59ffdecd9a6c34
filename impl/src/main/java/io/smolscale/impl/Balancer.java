package io.smolscale.impl;

import io.smolscale.impl.jfr.JfrEvents;
import io.smolscale.impl.util.Durations;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The balancer and preemption monitor: one thread per scheduler, alive only while the scheduler
 * has workers (or, after a failed start, work waits for one). It decides which worker is stuck
 * (the decision table is {@link StallDetector}); what happens to a worker marked blocked is in
 * {@link Blocking}.
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
 *   <li><b>Preempt</b> ({@link StallDetector#judge}). A stalled worker is marked <i>blocked</i> when its thread is seen
 *       {@code WAITING}, {@code TIMED_WAITING} or {@code BLOCKED} (parked on a lock or a future,
 *       sleeping, waiting for a monitor) on two ticks in a row, or when it has been computing inside the same task for
 *       the preemption threshold (20 ms by default) while work waits for a thread, as long as
 *       fewer than {@code parallelism} replaced workers are still computing: so CPU-bound tasks
 *       can never multiply the threads that compete for the cores beyond twice the parallelism. The JVM tells us what Rust's smolscale could not: a
 *       5 ms database call is seen after two or three ticks, not after a threshold of tens of
 *       milliseconds. A RUNNABLE thread whose CPU time stands still over three trusted ticks
 *       (on time, no collection between) and that the kernel has asleep is in a system call (a
 *       socket read) and is marked too ({@link StallDetector}, {@link JvmClocks}). A mark by
 *       thread state or system call scores the task's site ({@link BlockingSites}). A blocked worker stops counting towards parallelism, its whole local queue
 *       goes to the global queue, and a replacement is woken or started. Unlike smolscale, this
 *       fires for a single blocked worker, not only when every worker is stuck.
 *   <li><b>Keep blocked queues empty.</b> A blocked worker's task may still push to its local
 *       queue in the window before it sees the mark; every tick re-drains the queues of blocked
 *       workers, so no task stays behind a blocked worker for more than a tick.
 *   <li><b>Report starvation</b> ({@link StarvationWatch}): every allowed thread blocked while work
 *       waits, for a second: one {@code System.Logger} warning per episode.
 *   <li><b>Start deferred replacements.</b> Threads beyond parallelism are rate-limited by a
 *       token bucket; if work waits with no worker idle or searching and fewer counted workers
 *       than parallelism, a tick retries the start.
 * </ol>
 *
 * <p>The blocked task's return is handled by {@link Blocking#afterBlockedTask}: the worker
 * rejoins if parallelism allows, otherwise it hands its queue over and parks as a spare ({@link
 * Spares}).
 *
 * <p>The clock and the thread-state probe are injected ({@code System::nanoTime} and {@code
 * Thread::getState} outside tests), so the decision table is tested without threads.
 *
 * <h2>Sleeping</h2>
 *
 * <p>When no worker is awake the balancer polls every eight intervals instead of every interval
 * (workers never unpark it, so an idle-to-busy transition costs them nothing); when the scheduler
 * has no worker threads at all it exits, and the next worker start starts it again. An idle
 * scheduler therefore has no thread left after the keep-alive. The exception is a failed worker
 * start ({@link Lifecycle}): while work waits and no worker thread exists, the balancer stays and
 * retries the start every eight intervals, because nothing else would.
 *
 * <h2>Why detect blocking at all (Tokio's argument)</h2>
 *
 * <p>Tokio refuses to: progress is hard to define, extra threads can lower throughput, and
 * .NET's hill-climbing stutters. Our answers: progress here is a task boundary (a worker that
 * starts or ends a task makes progress), which is exact for run-to-completion tasks; extra threads
 * are capped ({@code maxThreads}) and rate-limited (a token bucket), and a blocked worker no longer
 * counts towards parallelism, so the number of threads <i>running</i> tasks never exceeds
 * parallelism for long: a thread whose task unblocks rejoins only if a slot is free, otherwise it
 * parks as a spare. There is no hill-climbing: the decision is per worker and per tick. See {@code
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

  private final Pool pool;
  private final long intervalNanos;
  private final int bucketCapacity;
  private final String prefix;
  private final LongSupplier clock;
  private final StallDetector detector;

  /** RUNNING while a balancer thread exists (or is being started), else STOPPED. */
  private volatile int state = STOPPED;

  /** Token bucket for threads beyond parallelism; refilled by one token per tick. */
  private volatile int tokens;

  /**
   * Creates the balancer of a scheduler; its thread starts with the first worker.
   *
   * @param pool the scheduler (its config is set; the rest is used only once the thread runs)
   * @param clock the time source ({@code System::nanoTime})
   * @param probe reads a worker thread's state ({@code Thread::getState})
   */
  Balancer(
      Pool pool,
      LongSupplier clock,
      StallDetector.ThreadStateProbe probe,
      StallDetector.CpuClock cpu,
      LongSupplier gcCount) {
    this.pool = pool;
    this.intervalNanos = pool.config.balancerInterval().toNanos(); // <= 1 s: validated
    this.bucketCapacity = Math.max(4, pool.config.parallelism());
    this.prefix = pool.config.threadNamePrefix();
    this.tokens = bucketCapacity;
    this.clock = clock;
    this.detector =
        new StallDetector(
            Durations.saturatedNanos(pool.config.preemptionThreshold()),
            pool.config.preemption(),
            probe,
            cpu);
    this.gcCount = gcCount;
  }

  /** Collections so far ({@link JvmClocks#gcCount}); a change means the JVM stopped meanwhile. */
  private final LongSupplier gcCount;

  /** The previous tick's clock reading and collection count; the balancer thread's alone. */
  private long lastTickNanos;

  private long lastGcCount = -1;

  /** Every allowed thread blocked while work waits: reported once per episode. */
  private final StarvationWatch starvation = new StarvationWatch();

  /** Called after a worker thread was counted: starts the balancer thread if there is none. */
  void ensureRunning() {
    if (state == RUNNING) {
      return;
    }
    if (STATE.compareAndSet(this, STOPPED, RUNNING)) {
      try {
        Thread t = new Thread(this, prefix + "balancer");
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
      Lifecycle life = pool.lifecycle;
      if (pool.ctl.threads() == 0 && !life.needsStartRetry()) {
        // Exit, then re-check: a worker counted (or a start failed) after our read must find
        // STOPPED and start a new balancer, or we must see it and carry on (publish, then
        // re-check). Both the start and its failure path call ensureRunning after they publish.
        state = STOPPED;
        if ((pool.ctl.threads() == 0 && !life.needsStartRetry())
            || !STATE.compareAndSet(this, STOPPED, RUNNING)) {
          return;
        }
      }
      boolean awake = pool.ctl.awake() > 0;
      try {
        if (awake) {
          tick();
        } else if (life.needsStartRetry()) {
          // Work waits and no worker thread exists: a start failed (see Lifecycle). Retry it
          // every eight intervals; nothing else would.
          life.retryStart();
        }
      } catch (RuntimeException | Error e) {
        // The monitor must outlive a failure (a thread factory that throws, an OOM): report it
        // and keep ticking, or preemption would silently stop for this scheduler.
        pool.reportUncaught(e);
      }
      LockSupport.parkNanos(this, awake ? intervalNanos : intervalNanos * 8);
    }
  }

  /** One balancing and monitoring pass. Balancer thread only. */
  void tick() {
    pool.counters.balancerTicks.increment();
    if (tokens < bucketCapacity) {
      TOKENS.getAndAdd(this, 1);
    }
    long now = clock.getAsLong();
    // CPU times are compared across this tick only if the tick came on time and no collection
    // ran since the last one: a JVM-wide stop freezes every thread's CPU time (StallDetector).
    long gcs = gcCount.getAsLong();
    boolean trusted = now - lastTickNanos <= 3 * intervalNanos && gcs == lastGcCount;
    lastTickNanos = now;
    lastGcCount = gcs;
    boolean wake = false;
    Worker[] ws = pool.lifecycle.workers();
    // Workers marked blocked whose thread is still computing: they compete for CPU with the
    // counted workers, so at most `parallelism` of them are allowed (Tokio's objection (b)).
    int computingBlocked = 0;
    for (Worker w : ws) {
      if (w.isBlocked() && !detector.isWaiting(w.thread)) {
        computingBlocked++;
      }
    }
    int parallelism = pool.parallelism;
    for (Worker w : ws) {
      boolean stalled = detector.sample(w.stall, w.seqOpaque(), now);
      if (w.isBlocked()) {
        int moved = w.local.drainAllTo(pool.global);
        if (moved > 0) {
          pool.counters.balancerMoves.add(moved);
          JfrEvents.tasksMoved(prefix, w.thread, MoveCause.BLOCKED, moved);
          wake = true;
        }
        continue;
      }
      if (!stalled) {
        continue;
      }
      int moved = w.local.drainHalfTo(pool.global);
      if (moved > 0) {
        pool.counters.balancerMoves.add(moved);
        JfrEvents.tasksMoved(prefix, w.thread, MoveCause.STALLED, moved);
        wake = true;
      }
      w.stall.tid = w.tid;
      StallDetector.Verdict v =
          detector.judge(
              w.stall,
              w.thread,
              now,
              computingBlocked < parallelism,
              trusted,
              () -> !pool.global.isEmpty() || !w.local.isEmpty());
      if (v == StallDetector.Verdict.WAITING || v == StallDetector.Verdict.SYSCALL) {
        BlockCause cause =
            v == StallDetector.Verdict.WAITING ? BlockCause.WAITING : BlockCause.SYSCALL;
        if (pool.blocking.markBlocked(w, cause, StallDetector.stalledNanos(w.stall, now))) {
          w.verdictPending(); // the worker scores its task's site when the task returns
          wake = true;
        }
      } else if (v == StallDetector.Verdict.COMPUTING) {
        // A long computation: replaced only if work is waiting for a thread, and only while
        // fewer than `parallelism` replaced workers are still computing.
        if (pool.blocking.markBlocked(
            w, BlockCause.COMPUTING, StallDetector.stalledNanos(w.stall, now))) {
          computingBlocked++;
          wake = true;
        }
      }
    }
    if (wake || !pool.global.isEmpty()) {
      pool.wakeOne();
    }
    pool.blocking.onTick(); // bodies waiting for a platform thread: the progress check
    Ctl ctl = pool.ctl;
    boolean starved =
        ctl.counted() == 0
            && ctl.threads() >= pool.config.maxThreads()
            && pool.spares.size() == 0
            && !pool.global.isEmpty();
    if (starvation.observe(starved, now)) {
      reportStarvation(starvation.lastedNanos(now));
    }
  }

  private void reportStarvation(long lastedNanos) {
    System.getLogger("io.smolscale")
        .log(
            System.Logger.Level.WARNING,
            "smolscale scheduler {0}*: all {1,number,#} threads allowed (maxThreads) have been"
                + " blocked for {2,number,#} ms while {3,number,#} tasks wait in the global queue;"
                + " nothing runs until a blocked task returns (if they wait for the queued work,"
                + " never). Raise maxThreads, or run the blocking calls with"
                + " spawnBlocking/blockingExecutor on a scheduler of their own. Reported once per"
                + " episode.{4}",
            prefix,
            pool.ctl.threads(),
            lastedNanos / 1_000_000L,
            pool.global.size(),
            runningNames());
  }

  /** The named tasks the workers are in, for the starvation warning: " Named tasks running: a, b." */
  private String runningNames() {
    java.util.StringJoiner names = new java.util.StringJoiner(", ", " Named tasks running: ", ".");
    names.setEmptyValue("");
    for (Worker w : pool.lifecycle.workers()) {
      String n = w.runningName();
      if (n != null) {
        names.add(n);
      }
    }
    return names.toString();
  }
}
