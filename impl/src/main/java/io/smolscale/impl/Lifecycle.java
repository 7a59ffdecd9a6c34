package io.smolscale.impl;

import io.smolscale.Stats;
import io.smolscale.impl.park.Parker;
import io.smolscale.impl.task.TaskImpl;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A worker's birth and death, and the scheduler's termination: reserve a worker and start its
 * thread, undo a start that failed (in one place), register and unregister workers, exit, and
 * terminate without ever leaving an accepted task pending.
 *
 * <p><b>Starting.</b> {@link #maybeStartWorker} reserves with {@link Ctl#reserveWorker} (a thread
 * and a parallelism slot, or nothing), then {@link #startWorker} makes and starts the thread. A
 * start can fail: the factory throws, returns null or a thread it already started, or the JVM
 * cannot make a thread. Then the counts are undone ({@link Ctl#startFailed}) and the work stays
 * queued (it was accepted: the submitter is not failed), and the start is retried by the
 * balancer, which the failure itself makes sure is running: it may have no other reason to exist,
 * since no worker does. A retry must never depend on a thread that does not exist. The first
 * failure of an episode is reported (the next success ends the episode), so a factory that keeps
 * failing is neither silent nor a flood of reports: a {@code System.Logger} WARNING on {@code
 * io.smolscale}, and the uncaught-exception handler when one is set (the scheduler's or the
 * JVM's default). A failed starter also wakes a sleeper if work
 * waits ({@link Pool#wakeSleeper}): while the doomed worker counted as searching, a concurrent
 * {@code wakeOne} trusted it and woke nobody (a lost wake-up the TLA+ model found).
 *
 * <p><b>Termination.</b> Terminated means: shut down, no worker thread left, and no accepted task
 * pending. Queued work still gets a worker after {@code shutdown}; if none can be started, the
 * queued tasks fail with the start failure before the latch opens ({@link #failQueued}).
 *
 * <p><b>Registry.</b> A copy-on-write array of live workers for the balancer and statistics,
 * replaced under {@code registryLock}; the same lock makes a retiring worker's counts move from
 * the live registry to the retired totals in one step, as seen by {@link #snapshot}.
 *
 * <p>Memory model: {@code workers} is volatile (readers see a complete array); {@code
 * startFailure} is volatile (starters write it, starters and termination read it); the counts'
 * edges are in {@link Ctl}. {@code Thread.start} orders everything {@link #startWorker} wrote
 * (the worker's thread, parker and admission) before the worker's first action.
 */
final class Lifecycle {
  private final Pool pool;
  private final CountDownLatch terminated = new CountDownLatch(1);

  /**
   * Runs once, as the scheduler terminates, just before {@link #isTerminated} turns true; set before the scheduler runs its first task (the
   * provider sets it as it builds the scheduler). Taken with a getAndSet, so that it runs once
   * even if two threads reach termination.
   */
  private final AtomicReference<@Nullable Runnable> onTerminated = new AtomicReference<>();

  /** Set by the one thread that terminates (see {@link #failQueuedAndTerminate}). */
  private final AtomicBoolean terminating = new AtomicBoolean();
  private final AtomicInteger workerIds = new AtomicInteger();
  private final Object registryLock = new Object();

  /** Copy-on-write registry of live workers. */
  private volatile Worker[] workers = new Worker[0];

  /**
   * The last failure to start a worker, null after a successful start: marks a failure episode
   * (reported once) and is what queued tasks fail with when the scheduler is shut down with no
   * worker able to start.
   */
  private volatile @Nullable Throwable startFailure;

  /**
   * The balancer's token bucket, asked only for a thread beyond parallelism; made once, not a
   * bound method reference per start attempt (that path runs on every wake-up with no sleeper).
   */
  private final BooleanSupplier tokenBeyondParallelism;

  Lifecycle(Pool pool) {
    this.pool = pool;
    this.tokenBeyondParallelism = () -> pool.balancer.tryAcquireToken();
  }

  Worker[] workers() {
    return workers;
  }

  // ------------------------------------------------------------------ start

  /**
   * Starts a worker if fewer than parallelism are counted and the thread cap (and, beyond
   * parallelism, the balancer's token bucket) allows.
   */
  void maybeStartWorker() {
    // A parked spare first (Spares): a replacement that costs an unpark, not a thread start.
    if (rejoinSpare()) {
      return;
    }
    int r = pool.ctl.reserveWorker(tokenBeyondParallelism);
    if (r == Ctl.RESERVED) {
      startWorker();
    } else if (r == Ctl.PLACE_GIVEN_BACK) {
      pool.blocking.startWaiting(); // a place was released (Blocking's Dekker pair)
    }
  }

  /**
   * The spare half of {@link #maybeStartWorker}, which never starts a thread: pops a parked
   * spare to search if one is there and a parallelism slot is free. Also the failed starter's
   * fallback ({@link Pool#wakeSleeper}).
   *
   * <p>A loop, not an if: while we held the reserved slot, a spare taking itself out for its own
   * rejoin was refused the slot, re-published itself and parked having seen it taken; after
   * releasing the slot we must look at the set again, or at maxThreads the work would wait for a
   * keep-alive (found by the TLA+ model: Bug_WakerNoRecheckAfterRelease.cfg is the old code).
   * Dekker again: we release (a volatile read-modify-write of counted) then read the set's size;
   * the spare pushes (a volatile size store) then reads counted.
   *
   * @return true if a spare was popped
   */
  boolean rejoinSpare() {
    Ctl ctl = pool.ctl;
    while (pool.spares.size() > 0 && ctl.reserveSlot()) {
      if (pool.spares.popToSearch()) {
        pool.counters.spareRejoins.increment();
        return true;
      }
      ctl.releaseSlot();
    }
    return false;
  }

  /**
   * Makes a worker's thread (the factory's, checked, or our own), names it and gives it its
   * parker. Nothing is counted or registered here.
   */
  private Thread makeThread(Worker w) {
    String name = pool.config.threadNamePrefix() + w.id;
    Thread t;
    ThreadFactory f = pool.config.threadFactory();
    if (f == null) {
      t = new Worker.WorkerThread(w, name);
    } else {
      Thread made = f.newThread(w);
      if (made == null) {
        throw new IllegalStateException("thread factory " + f + " returned null");
      }
      if (made.getState() != Thread.State.NEW) {
        // It may be running our worker already: w is not admitted, so that run returns at once.
        throw new IllegalThreadStateException(
            "thread factory " + f + " returned a thread that was already started: " + made);
      }
      t = made;
      t.setName(name);
      t.setDaemon(true);
    }
    w.thread = t;
    w.parker = new Parker(t);
    return t;
  }

  /**
   * Starts a blocking-path thread for a body (its thread is reserved: {@link
   * Ctl#reserveBlockingThread}). It starts blocked, runs the body, then rejoins or becomes a
   * spare. If the start fails the counts are undone, the failure is reported as a worker start
   * failure is, and the caller keeps the body (it queues it: nothing is lost).
   *
   * @param body the blocking body
   * @return true if the thread started
   */
  boolean startBlockingWorker(Runnable body) {
    Worker w = new Worker(pool, workerIds.incrementAndGet());
    boolean awake = false;
    try {
      Thread t = makeThread(w);
      w.bornBlocked(body);
      pool.ctl.reservedToBlockingAwake();
      awake = true;
      launch(w, t);
      return true;
    } catch (RuntimeException | Error e) {
      unregister(w);
      pool.ctl.blockingStartFailed(awake);
      startFailed("smolscale could not start a thread for a blocking task", e);
      return false;
    }
  }

  /** The shared tail of every start: register, count, make sure the balancer runs, start. */
  private void launch(Worker w, Thread t) {
    register(w);
    pool.counters.threadsStarted.increment();
    pool.balancer.ensureRunning();
    w.admit();
    t.start();
    startSucceeded();
  }

  /**
   * A thread started (a worker's, or a blocking body's virtual one): an episode of failed starts,
   * if there was one, is over, so the next failure is reported again and termination no longer
   * blames it for the queued tasks. Read first: a start in a healthy scheduler writes nothing.
   */
  void startSucceeded() {
    if (startFailure != null) {
      startFailure = null;
    }
  }

  /**
   * Records a failed start: the first failure of an episode is reported (the next success ends
   * it), so a factory that keeps failing is neither silent nor a flood of reports.
   */
  void startFailed(String what, Throwable e) {
    IllegalStateException failure = new IllegalStateException(what, e);
    boolean firstOfEpisode = startFailure == null;
    startFailure = failure;
    if (firstOfEpisode) {
      System.getLogger("io.smolscale")
          .log(
              System.Logger.Level.WARNING,
              "smolscale scheduler "
                  + pool.config.threadNamePrefix()
                  + "*: "
                  + what
                  + " ("
                  + pool.ctl.threads()
                  + " threads alive, "
                  + pool.global.size()
                  + " tasks queued); the start is retried while work waits. Reported once per"
                  + " episode of failed starts.",
              e);
      // To the handler too when one is set (the user asked to hear of failures), but not to the
      // reporter's stderr fallback: the log record already says it.
      if (pool.reporter.hasHandler()) {
        pool.reportUncaught(failure);
      }
    }
  }

  /** Starts a worker thread; the counts are already reserved. See the class comment. */
  private void startWorker() {
    Worker w = new Worker(pool, workerIds.incrementAndGet());
    boolean searching = false;
    try {
      Thread t = makeThread(w);
      pool.ctl.reservedToSearching();
      searching = true;
      launch(w, t);
    } catch (RuntimeException | Error e) {
      unregister(w);
      pool.ctl.startFailed(searching);
      pool.blocking.startWaiting(); // the reserved place is free again (Blocking's Dekker pair)
      startFailed("smolscale could not start a worker thread", e);
      if (!pool.global.isEmpty()) {
        // A wakeOne that ran while the doomed worker counted as searching (or held its slot)
        // woke nobody, trusting it: wake a sleeper, or a spare, in its place (found by the TLA+
        // model: Scheduler_startfail_late, Spares_startfail_strand).
        pool.wakeSleeper();
      }
      if (pool.isShuttingDown() && pool.ctl.threads() == 0) {
        // Shut down, no worker left, and none can start: nothing will ever run the queued
        // tasks, so fail them and terminate now. (Not through tryTerminate: it would try this
        // start again, and a start that fails there would come back here.) Any caller can be
        // the one whose start fails last: shutdown(), the balancer's retry, a worker's exit.
        failQueuedAndTerminate();
        return;
      }
      try {
        pool.balancer.ensureRunning(); // the retry
      } catch (RuntimeException | Error again) {
        // No thread at all can be made now: the next submission or worker exit retries.
      }
    }
  }

  /**
   * Work waits in the global queue and no worker thread is alive (a start failed). Blocking
   * bodies on virtual threads hold places in {@code threads} but never run queued work, nor wake
   * the balancer's tick (they are never awake), so they do not count here: with only them alive a
   * failed start would otherwise wait for one of them to end, forever if each waits for queued
   * work (seen by the TLA+ modeller reading the code; VirtualBlockingTest). The two counts are
   * read apart, but a body joins the set only after its place is counted and leaves it before
   * the place is given back, so the difference is never below the live worker threads: it can
   * only miss a retry for the moment a body starts or ends, and the balancer asks again eight
   * intervals later while any thread is alive.
   */
  boolean needsStartRetry() {
    return !pool.global.isEmpty() && pool.ctl.threads() - pool.blocking.virtualBodies() <= 0;
  }

  /** The balancer's retry of a failed start. */
  void retryStart() {
    if (needsStartRetry()) {
      maybeStartWorker();
    }
  }

  private void register(Worker w) {
    synchronized (registryLock) {
      Worker[] old = workers;
      Worker[] grown = new Worker[old.length + 1];
      System.arraycopy(old, 0, grown, 0, old.length);
      grown[old.length] = w;
      workers = grown;
    }
  }

  private void unregister(Worker w) {
    synchronized (registryLock) {
      Worker[] old = workers;
      int i = Arrays.asList(old).indexOf(w);
      if (i < 0) {
        return;
      }
      Worker[] shrunk = new Worker[old.length - 1];
      System.arraycopy(old, 0, shrunk, 0, i);
      System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
      workers = shrunk;
    }
  }

  // ------------------------------------------------------------------ exit

  /**
   * The worker's thread is about to exit.
   *
   * @param w the worker
   * @param normally false if an Error escaped the run loop itself (not a task: those are caught)
   */
  void onWorkerExit(Worker w, boolean normally) {
    if (!normally) {
      // An Error escaped the loop itself (not a task: those are caught). Keep the counts true
      // and no task behind.
      if (!w.isBlocked()) {
        pool.ctl.crashedWhileCounted();
      }
      w.drainLocalToGlobal();
    }
    if (!w.retiredWhileParked) {
      pool.ctl.awakeToExiting();
    }
    synchronized (registryLock) {
      pool.counters.retire(w);
      unregister(w);
    }
    int left = pool.ctl.threadExited();
    pool.blocking.startWaiting(); // a place is free: a body waiting for one takes it (Blocking)
    if (!pool.global.isEmpty()) {
      pool.wakeOne();
    }
    if (left == 0 && pool.isShuttingDown()) {
      tryTerminate();
    }
  }

  /**
   * A blocking body's virtual thread is ending ({@link Blocking}): its place under {@code
   * maxThreads} ({@link Ctl#reserveBlockingThread}) is free again. It was never awake, parked or
   * registered, so this is {@link #onWorkerExit}'s tail only: a thread place that work waiting in
   * the global queue may now need (at the cap, its {@code wakeOne} could not start a worker), and
   * termination if it was the last.
   */
  void virtualBodyExited() {
    int left = pool.ctl.threadExited();
    // The releaser's half of Blocking's Dekker pair: a body queued while this thread was on its
    // way out (it read the queue empty) found the place still taken.
    pool.blocking.startWaiting();
    if (!pool.global.isEmpty()) {
      pool.wakeOne();
    }
    if (left == 0 && pool.isShuttingDown()) {
      tryTerminate();
    }
  }

  // ------------------------------------------------------------------ termination

  /**
   * Terminates if shut down and no worker is left, but never with an accepted task pending:
   * queued work still runs (a worker is started for it), and if no worker can be started, the
   * queued tasks fail with the start failure ({@link #failQueued}) first.
   */
  void tryTerminate() {
    if (pool.blocking.chainHeld()) {
      return; // its holder may hold a polled body; it calls this again when it lets go (StartChain)
    }
    if (pool.isShuttingDown() && pool.ctl.threads() == 0 && pool.runState() == Pool.SHUTDOWN) {
      // Bodies waiting for a place are accepted work too (Blocking): they run before termination.
      pool.blocking.startWaiting();
    }
    if (pool.isShuttingDown() && pool.ctl.threads() == 0) {
      if (!pool.global.isEmpty() && pool.runState() == Pool.SHUTDOWN) {
        // Accepted work must still run: a shutdown scheduler drains its queue first.
        maybeStartWorker();
        if (pool.ctl.threads() != 0) {
          return;
        }
      }
      failQueuedAndTerminate();
    }
  }

  private void failQueuedAndTerminate() {
    // shutdown() and the last worker's exit may both get here: one terminates, so that the hook
    // has run before anyone sees the latch open.
    if (!terminating.compareAndSet(false, true)) {
      return;
    }
    if (!pool.global.isEmpty() || pool.blocking.hasWaiting()) {
      failQueued();
    }
    // Before the latch: whoever sees the scheduler terminated sees the hook's effect (no bean).
    Runnable hook = onTerminated.getAndSet(null);
    if (hook != null) {
      try {
        hook.run();
      } catch (Throwable t) {
        pool.reportUncaught(t);
      }
    }
    terminated.countDown();
  }

  /**
   * Sets what runs once as the scheduler terminates (before awaitTermination returns); call
   * before its first task.
   *
   * @param hook what to run, on the terminating thread; it should not throw
   */
  void onTermination(Runnable hook) {
    onTerminated.set(hook);
  }

  /**
   * Completes every queued task that can no longer run: a {@link TaskImpl} fails with a {@link
   * RejectedExecutionException} caused by the start failure (or is cancelled after {@code
   * shutdownNow}); a raw runnable, which has no handle, is reported with the same exception.
   */
  private void failQueued() {
    Throwable cause = startFailure;
    List<Runnable> queuedTasks = new ArrayList<>(pool.global.drain());
    queuedTasks.addAll(pool.blocking.drainWaiting());
    for (Runnable queued : queuedTasks) {
      Runnable r = Blocking.unwrap(queued);
      if (pool.isStopping()) {
        if (r instanceof TaskImpl) {
          ((TaskImpl<?>) r).cancel(false);
        }
        continue; // shutdownNow: "tasks that were awaiting execution are not executed"
      }
      RejectedExecutionException e =
          new RejectedExecutionException(
              "the scheduler shut down with this task queued and no worker thread could be"
                  + " started to run it",
              cause);
      if (r instanceof TaskImpl) {
        ((TaskImpl<?>) r).failUnstarted(e);
      } else {
        pool.reportUncaught(e);
      }
    }
  }

  boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }

  // ------------------------------------------------------------------ statistics

  /**
   * The statistics snapshot: live workers and retired totals read in one step (see the class
   * comment).
   *
   * @return the snapshot
   */
  Stats snapshot() {
    synchronized (registryLock) {
      return pool.counters.snapshot(
          workers,
          Math.max(0, pool.ctl.threads() - pool.blocking.virtualBodies()),
          pool.ctl.counted(),
          pool.idle.size(),
          pool.spares.size(),
          pool.global.size() + pool.blocking.waitingCount());
    }
  }
}
