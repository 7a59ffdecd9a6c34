package io.smolscale.impl;

import io.smolscale.impl.park.HandOffStack;
import io.smolscale.impl.park.Parker;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Spare threads: the life cycle that lets capacity follow blocking demand without a thread start
 * per blocking call (issue 15).
 *
 * <p>A worker whose blocked task returns while parallelism is full used to exit, so every later
 * blocking call paid a thread start and the pool churned (about 900 threads started for 1,000
 * sleeps). Now it parks here as a <i>spare</i>: a live thread that holds no parallelism slot. A
 * spare is taken, most recently parked first, by
 *
 * <ul>
 *   <li>a <b>replacement</b> ({@link #popToSearch}, from {@link Lifecycle#maybeStartWorker}): the
 *       waker reserves a parallelism slot, pops a spare and hands it {@link #REJOIN}; the spare
 *       becomes a searching worker. No thread start, so no token from the balancer's bucket;
 *   <li>a <b>blocking body</b> ({@link #popForBody}, from {@link Blocking#handOff}): the body
 *       runs on the spare at once, still blocked (not counted); when it returns the spare rejoins
 *       the workers if a slot is free, else parks here again.
 * </ul>
 *
 * <p>A spare that nobody takes for {@code keepAlive} leaves the set itself and its thread exits,
 * as an idle worker does; shutdown empties the set ({@link #popAllToExit}).
 *
 * <h2>The hand-off</h2>
 *
 * <p>{@link HandOffStack}: the popper pops under the stack's lock, does the count changes of the
 * edge it takes there (so the spare is counted as searching or awake before it can act), and
 * stores the hand-off inside the same critical section; then it unparks the spare. A spare whose
 * keep-alive passed removes itself under the lock: if it is no longer there it was popped, and
 * its hand-off is already visible. No hand-off is ever lost or delivered twice.
 *
 * <h2>No stranded task (the re-check)</h2>
 *
 * <p>A spare parks only after a re-check, the mirror of {@link Worker}'s idle protocol: it (1)
 * publishes itself (push: a volatile size store under the lock), then (2) reads the global queue
 * and the counted workers. A waker does (a) publish what needs a thread (a task's claim in the
 * global queue, or a worker's {@code counted} decrement when it blocks), then (b) reads the
 * stack's size ({@link Lifecycle#maybeStartWorker}). By Dekker's argument over volatiles, either
 * the waker sees the spare and pops it, or the spare's re-check sees the work and a free slot and
 * rejoins by itself. Without it, at {@code maxThreads} (no new thread can start) a task queued
 * while the last thread was on its way to the set would wait until a keep-alive ran out. The
 * waker's half: after releasing a slot it reserved in vain it reads the set again ({@link
 * Lifecycle#rejoinSpare}; the strand without it was found by the TLA+ model, spec/MODEL.md,
 * negative control {@code Bug_WakerNoRecheckAfterRelease}). A starter whose start failed wakes a
 * spare too ({@link Pool#wakeSleeper}; control {@code Bug_StartFailNoSparePop}).
 *
 * <p>Memory model: the stack's edges are {@link HandOffStack}'s, the counts' are {@link Ctl}'s;
 * the re-check reads the global queue's producers' index and {@code counted} (both volatile)
 * after the push's volatile size store, which is what the Dekker argument needs.
 */
final class Spares {
  /** Hand-off: the spare becomes a searching worker (its parallelism slot is reserved). */
  static final Object REJOIN = new Object();

  /**
   * What {@link #await} returns when the spare's re-check found bodies waiting for a platform
   * thread and took itself out to run them (awake, still not counted: Worker.afterBlocked polls
   * them).
   */
  static final Object SERVE = new Object();

  /** Hand-off: the scheduler shuts down, the spare's thread exits. */
  static final Object EXIT = new Object();

  /**
   * What {@link #await} returns when the spare's re-check rejoined it by itself (counted, not
   * searching: it goes straight to its queues, as a worker whose blocked task returned does).
   */
  static final Object REJOINED = new Object();

  private final HandOffStack<Worker> stack = new HandOffStack<>();
  private final Pool pool;
  private final Ctl ctl;

  /** The count changes made inside a pop (made once: pops run on the submission path). */
  private final Runnable countSearching;

  private final Runnable countAwake;
  private final Runnable countNothing = () -> {};

  Spares(Pool pool, Ctl ctl) {
    this.pool = pool;
    this.ctl = ctl;
    this.countSearching = ctl::spareToSearching;
    this.countAwake = ctl::spareToAwake;
  }

  /**
   * The number of parked spares (a volatile read).
   *
   * @return the size
   */
  int size() {
    return stack.size();
  }

  /**
   * Parks the calling worker as a spare until it is handed something; its owner only, with the
   * worker marked blocked, not counted, awake, and its local queue empty.
   *
   * @param w the worker
   * @return {@link #REJOIN} (popped as a replacement: counted and searching), {@link #REJOINED}
   *     (its re-check rejoined it: counted), {@link #SERVE} (its re-check found bodies waiting for
   *     a platform thread: awake, not counted), a blocking body to run (awake, still not counted), or
   *     null to exit (keep-alive passed or shut down; {@code retiredWhileParked} says whether it is
   *     no longer counted awake)
   */
  @Nullable Object await(Worker w) {
    while (true) {
      if (pool.isShuttingDown()) {
        return null; // awake: the exit path counts it out
      }
      ctl.blockedToSpare();
      stack.push(w);
      // The re-check (class comment): published, now look for work that needs a thread, and for
      // bodies waiting for a platform thread that a pause left to this one (StartChain).
      boolean shuttingDown = pool.isShuttingDown();
      boolean serve = !shuttingDown && pool.blocking.hasWaitingForThread();
      if (shuttingDown || serve || (ctl.counted() < pool.parallelism && !pool.global.isEmpty())) {
        if (stack.remove(w)) {
          ctl.spareToAwake();
          if (shuttingDown) {
            return null;
          }
          if (serve) {
            return SERVE;
          }
          if (ctl.blockedToRunning(pool.blocking.stopping)) {
            return REJOINED;
          }
          continue; // the slot went to someone else meanwhile: park as a spare after all
        }
        // popped meanwhile: the hand-off is set (stored under the lock before our removal)
      }
      return park(w);
    }
  }

  private @Nullable Object park(Worker w) {
    Parker p = w.parker;
    if (p == null) {
      throw new IllegalStateException("worker has no parker");
    }
    while (true) {
      Object h = w.handoff();
      if (h != null) {
        if (h == EXIT) {
          w.retiredWhileParked = true; // popped for shutdown: not counted awake
          return null;
        }
        return h;
      }
      boolean permit = p.park(pool.keepAliveNanos);
      if (!permit && w.handoff() == null && stack.remove(w)) {
        w.retiredWhileParked = true;
        return null;
      }
      // Unparked, a stale permit, or popped just as the keep-alive passed: read the hand-off.
    }
  }

  /**
   * Pops a spare as a replacement worker: the caller has reserved a parallelism slot ({@link
   * Ctl#reserveSlot}); the spare is counted as searching and awake inside the pop, handed {@link
   * #REJOIN}, then unparked.
   *
   * @return true if a spare was popped
   */
  boolean popToSearch() {
    Worker w = stack.pop(REJOIN, countSearching);
    if (w == null) {
      return false;
    }
    unpark(w);
    return true;
  }

  /**
   * Pops a spare to run a blocking body at once; it is counted awake (not towards parallelism)
   * inside the pop, handed the body, then unparked.
   *
   * @param body the body
   * @return true if a spare took it
   */
  boolean popForBody(Runnable body) {
    Worker w = stack.pop(body, countAwake);
    if (w == null) {
      return false;
    }
    unpark(w);
    return true;
  }

  /** Shutdown: every spare is handed {@link #EXIT} and woken; their threads exit. */
  void popAllToExit() {
    Worker w;
    while ((w = stack.pop(EXIT, countNothing)) != null) {
      unpark(w);
    }
  }

  private static void unpark(Worker w) {
    Parker p = w.parker;
    if (p != null) {
      p.unpark();
    }
  }
}
