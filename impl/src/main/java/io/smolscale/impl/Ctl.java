package io.smolscale.impl;

import io.smolscale.impl.park.IdleSet;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;

/**
 * The worker counts, and the only code that writes them: one method per edge of the worker state
 * machine drawn in {@link Worker}, named after the edge (Tokio's {@code
 * transition_worker_to_parked} habit), each doing every count change that edge makes.
 *
 * <h2>The counts</h2>
 *
 * <ul>
 *   <li>{@code threads}: live worker threads (reserved before the thread starts), never above
 *       {@code maxThreads}.
 *   <li>{@code counted}: workers that count towards parallelism (not blocked, not retired),
 *       never above {@code parallelism}; reserved together with {@code threads}.
 *   <li>{@code awake}: workers not parked, for the balancer's sleep decision and the spin's
 *       "am I the last one awake" check.
 *   <li>The {@link IdleSet}'s searching count (workers woken or started that have not yet found a
 *       task or parked): it lives in the IdleSet because {@code popToSearch} must raise it under
 *       the set's lock; the edges that change it go through here all the same.
 * </ul>
 *
 * <h2>Memory model</h2>
 *
 * <p>Every access is a volatile read or a volatile read-modify-write ({@code compareAndSet},
 * {@code getAndAdd}): the counts are parts of the Dekker pairs described in {@link Pool} (a
 * submitter publishes a task, then reads the searching count and the idle set; a worker going
 * idle publishes its idleness, then reads the global queue), and of the balancer's exit re-check
 * in {@link Balancer#run}. So all of them are in the JMM's synchronization order.
 *
 * <p>Layout: {@code threads} and {@code counted} (read by every start attempt, CASed on every
 * compensation and rejoin) sit on their own cache line, apart from {@code awake} (written on
 * every park and wake-up), each padded off the object header and off each other, as
 * ForkJoinPool isolates its {@code ctl}; the two counts written together share a line.
 */
final class Ctl extends CtlAwake {
  private final IdleSet<Worker> idle;
  private final int parallelism;
  private final int maxThreads;

  Ctl(IdleSet<Worker> idle, int parallelism, int maxThreads) {
    this.idle = idle;
    this.parallelism = parallelism;
    this.maxThreads = maxThreads;
  }

  // ------------------------------------------------------------------ reads

  int threads() {
    return threads;
  }

  int counted() {
    return counted;
  }

  int awake() {
    return awake;
  }

  // ------------------------------------------------------------------ start

  /**
   * Edge none → RESERVED: takes a thread and a parallelism slot for a new worker, if fewer than
   * {@code parallelism} are counted and the thread cap (and, beyond parallelism, {@code
   * tokenBeyondParallelism}) allows. Two CASes, the second undone if the slot went meanwhile.
   *
   * <p>Between the two CASes the thread place is held: a blocking body that found every place
   * taken in that window queued itself to wait for one ({@link Blocking}), so a caller told
   * {@link #PLACE_GIVEN_BACK} is a releaser of a place and must re-read that queue ({@code
   * Blocking.startWaiting}), as every other release does.
   *
   * @param tokenBeyondParallelism asked only for a thread beyond parallelism (the balancer's
   *     token bucket)
   * @return {@link #RESERVED}: the caller must then start the worker or {@link #startFailed};
   *     {@link #REFUSED}; or {@link #PLACE_GIVEN_BACK}: refused after holding a place for a moment
   */
  int reserveWorker(BooleanSupplier tokenBeyondParallelism) {
    while (true) {
      int t = threads;
      if (counted >= parallelism || t >= maxThreads) {
        return REFUSED;
      }
      if (t >= parallelism && !tokenBeyondParallelism.getAsBoolean()) {
        return REFUSED; // the balancer retries at its next tick
      }
      if (!THREADS.compareAndSet(this, t, t + 1)) {
        continue;
      }
      int c;
      do {
        c = counted;
        if (c >= parallelism) {
          THREADS.getAndAdd(this, -1);
          return PLACE_GIVEN_BACK;
        }
      } while (!COUNTED.compareAndSet(this, c, c + 1));
      return RESERVED;
    }
  }

  /** {@link #reserveWorker}: a thread and a parallelism slot are reserved. */
  static final int RESERVED = 0;

  /** {@link #reserveWorker}: refused, no count changed. */
  static final int REFUSED = 1;

  /** {@link #reserveWorker}: refused after a thread place was taken and given back. */
  static final int PLACE_GIVEN_BACK = 2;

  /** Edge RESERVED → SEARCHING: the new worker's thread is about to start, searching. */
  void reservedToSearching() {
    idle.incrementSearching();
    AWAKE.getAndAdd(this, 1);
  }

  /**
   * Edge RESERVED or SEARCHING → none: the start failed.
   *
   * @param searching whether {@link #reservedToSearching} was done
   */
  void startFailed(boolean searching) {
    COUNTED.getAndAdd(this, -1);
    THREADS.getAndAdd(this, -1);
    if (searching) {
      idle.decrementSearching();
      AWAKE.getAndAdd(this, -1);
    }
  }

  // ------------------------------------------------------------------ searching and idling

  /**
   * Edge SEARCHING → RUNNING: the worker found a task.
   *
   * @return the searching count left (0: this was the last searcher, Tokio's chain rule)
   */
  int searchingToRunning() {
    return idle.decrementSearching();
  }

  /** Edge SEARCHING → (going idle): stops searching before it publishes its idleness. */
  void searchingToIdle() {
    idle.decrementSearching();
  }

  /**
   * Edge RUNNING or IDLE → SPINNING (searching): the pre-park spin counts the worker as searching,
   * only if nobody else is.
   *
   * @return true if counted
   */
  boolean startSpinningAlone() {
    return idle.tryStartSearchingAlone();
  }

  /** Edge (published idle) → PARKED: no longer awake. */
  void idleToParked() {
    AWAKE.getAndAdd(this, -1);
  }

  /**
   * Edge (published idle) → SEARCHING, after the re-check found work or shutdown.
   *
   * @param removedItself whether the worker took itself out of the idle set (else a waker popped
   *     it and already counted it as searching)
   */
  void recheckToSearching(boolean removedItself) {
    if (removedItself) {
      idle.incrementSearching();
    }
    AWAKE.getAndAdd(this, 1);
  }

  /** Edge PARKED → SEARCHING: popped by a waker, which counted it as searching. */
  void parkedToSearching() {
    AWAKE.getAndAdd(this, 1);
  }

  /** Edge PARKED → RETIRED: the keep-alive passed and the worker left the idle set itself. */
  void parkedToRetired() {
    COUNTED.getAndAdd(this, -1);
  }

  /** Edge SEARCHING → RETIRED: woken with nothing to do after shutdown. */
  void searchingToRetired() {
    idle.decrementSearching();
    COUNTED.getAndAdd(this, -1);
  }

  // ------------------------------------------------------------------ blocking

  /** Edge RUNNING → BLOCKED: the worker stops counting towards parallelism. */
  void runningToBlocked() {
    COUNTED.getAndAdd(this, -1);
  }

  /**
   * Edge BLOCKED → RUNNING: the worker counts again, if a slot is free.
   *
   * @param stopping whether the scheduler is stopping (then it never rejoins)
   * @return true if it rejoined
   */
  boolean blockedToRunning(BooleanSupplier stopping) {
    int c;
    do {
      c = counted;
      if (c >= parallelism || stopping.getAsBoolean()) {
        return false;
      }
    } while (!COUNTED.compareAndSet(this, c, c + 1));
    return true;
  }

  // ------------------------------------------------------------------ spares and the blocking path

  /**
   * Edge BLOCKED → SPARE: a blocked worker's task returned with no parallelism slot free, and the
   * worker parks as a spare ({@link Spares}) instead of exiting: no longer awake.
   */
  void blockedToSpare() {
    AWAKE.getAndAdd(this, -1);
  }

  /**
   * Edge SPARE → (awake, blocked): a spare leaves the spare set awake, still not counted: popped
   * for a blocking body, or taking itself out on its re-check.
   */
  void spareToAwake() {
    AWAKE.getAndAdd(this, 1);
  }

  /**
   * Takes a parallelism slot for a spare that a waker is about to pop as a replacement (the first
   * half of the edge SPARE → SEARCHING). No thread is reserved: the spare's thread exists.
   *
   * @return true if a slot was free and is now taken; then {@link #spareToSearching} or {@link
   *     #releaseSlot} must follow
   */
  boolean reserveSlot() {
    int c;
    do {
      c = counted;
      if (c >= parallelism) {
        return false;
      }
    } while (!COUNTED.compareAndSet(this, c, c + 1));
    return true;
  }

  /** Undoes {@link #reserveSlot}: no spare was there to take it. */
  void releaseSlot() {
    COUNTED.getAndAdd(this, -1);
  }

  /**
   * Edge SPARE → SEARCHING, second half: the popped spare (its slot reserved) is searching and
   * awake. Done by the waker inside the spare set's pop, before the hand-off the spare acts on,
   * as {@link IdleSet#popToSearch} counts a popped sleeper first.
   */
  void spareToSearching() {
    idle.incrementSearching();
    AWAKE.getAndAdd(this, 1);
  }

  /**
   * Edge none → BLOCKING-RESERVED: a thread for the blocking path, under {@code maxThreads}, with
   * no parallelism slot and no token (the blocking path starts a body at once or not at all). A
   * virtual thread's body holds the place too, never awake, until {@link #threadExited}.
   *
   * @return true if reserved; the caller must then start it or {@link #blockingStartFailed}
   */
  boolean reserveBlockingThread() {
    int t;
    do {
      t = threads;
      if (t >= maxThreads) {
        return false;
      }
    } while (!THREADS.compareAndSet(this, t, t + 1));
    return true;
  }

  /** Edge BLOCKING-RESERVED → (awake, blocked): the thread is about to start with its body. */
  void reservedToBlockingAwake() {
    AWAKE.getAndAdd(this, 1);
  }

  /**
   * Edge BLOCKING-RESERVED (or awake) → none: the blocking thread's start failed.
   *
   * @param awake whether {@link #reservedToBlockingAwake} was done
   */
  void blockingStartFailed(boolean awake) {
    THREADS.getAndAdd(this, -1);
    if (awake) {
      AWAKE.getAndAdd(this, -1);
    }
  }

  // ------------------------------------------------------------------ exit

  /** Edge (any counted state) → EXITING, abnormally: an Error escaped the run loop itself. */
  void crashedWhileCounted() {
    COUNTED.getAndAdd(this, -1);
  }

  /** Edge (awake) → EXITING: every exit but a retirement from the parked state. */
  void awakeToExiting() {
    AWAKE.getAndAdd(this, -1);
  }

  /**
   * Edge EXITING → EXITED: the worker's thread is leaving.
   *
   * @return the live threads left
   */
  int threadExited() {
    return (int) THREADS.getAndAdd(this, -1) - 1;
  }
}

// Padding, JCTools' habit (a class hierarchy keeps the JVM from reordering fields across it):
// 64 bytes between the object header and the counts, and between the counts and awake. After
// awake come only Ctl's final fields, which nobody writes after construction.

abstract class CtlPad0 {
  long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class CtlCounts extends CtlPad0 {
  static final VarHandle THREADS;
  static final VarHandle COUNTED;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      THREADS = l.findVarHandle(CtlCounts.class, "threads", int.class);
      COUNTED = l.findVarHandle(CtlCounts.class, "counted", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  volatile int threads;
  volatile int counted;
}

abstract class CtlPad1 extends CtlCounts {
  long p10, p11, p12, p13, p14, p15, p16, p17;
}

abstract class CtlAwake extends CtlPad1 {
  static final VarHandle AWAKE;

  static {
    try {
      AWAKE = MethodHandles.lookup().findVarHandle(CtlAwake.class, "awake", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  volatile int awake;
}
