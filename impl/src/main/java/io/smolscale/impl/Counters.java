package io.smolscale.impl;

import io.smolscale.Stats;
import java.util.concurrent.atomic.LongAdder;

/**
 * The scheduler's event counters and the {@link Stats} snapshot built from them.
 *
 * <p>Rare or cross-thread events count in {@link LongAdder}s here; the two per-task counters
 * (local pushes, tasks run) live in each worker ({@code Worker.localPushes}, {@code Worker.seq})
 * so the task path writes only its own cache line, and move here when the worker retires ({@link
 * #retire}). A snapshot reads the live workers and the retired totals in one step under the
 * registry's lock (see {@link Lifecycle#snapshot}), so it never misses a retiring worker's
 * counts nor counts them twice; gauges are read without a lock and may disagree with each other
 * for a moment (spec/README.md §10).
 */
final class Counters {
  final LongAdder externalPushes = new LongAdder();
  final LongAdder overflowPushes = new LongAdder();
  final LongAdder sharedBatches = new LongAdder();
  final LongAdder balancerMoves = new LongAdder();
  final LongAdder balancerTicks = new LongAdder();
  final LongAdder preemptions = new LongAdder();
  final LongAdder compensations = new LongAdder();
  final LongAdder threadsStarted = new LongAdder();
  final LongAdder threadsRetired = new LongAdder();
  final LongAdder wakeups = new LongAdder();
  /**
   * Blocking-path submissions that skipped the global queue: started on a thread of their own, or
   * waiting for one off the workers (then counted in {@code placeWaits} too).
   */
  final LongAdder directStarts = new LongAdder();
  /**
   * Blocking bodies that waited: for a place under maxThreads (virtual threads), or for a platform
   * thread from the start chain (no parked spare at submission).
   */
  final LongAdder placeWaits = new LongAdder();
  /** Balancer ticks that found bodies waiting for the start chain with none taken: forced out. */
  final LongAdder chainForced = new LongAdder();
  /** Blocking bodies handed to a parked spare (no thread start). */
  final LongAdder spareHandoffs = new LongAdder();
  /** Replacements that took a parked spare instead of starting a thread. */
  final LongAdder spareRejoins = new LongAdder();
  /** Blocking bodies that ran on virtual threads (counted in {@code completed}). */
  final LongAdder virtualCompleted = new LongAdder();
  /** Runs of warm sites the worker measured sleeping through, unmarked by the monitor. */
  final LongAdder unseenBlocks = new LongAdder();
  final LongAdder spinHits = new LongAdder();
  final LongAdder spinMisses = new LongAdder();
  private final LongAdder retiredLocalPushes = new LongAdder();
  private final LongAdder retiredCompleted = new LongAdder();

  /**
   * Counts the outcome of a pre-park spin.
   *
   * @param hit whether the spin found work
   */
  void countSpin(boolean hit) {
    (hit ? spinHits : spinMisses).increment();
  }

  /** Moves a retiring worker's own counters into the totals; under the registry lock. */
  void retire(Worker w) {
    retiredLocalPushes.add(w.localPushes());
    retiredCompleted.add(w.tasksRun());
    threadsRetired.increment();
  }

  /**
   * The snapshot.
   *
   * @param ws the live workers, read in the same step as {@link #retire} under the registry lock
   * @param threads live platform threads of the scheduler (virtual blocking bodies excluded)
   * @param counted workers counted towards parallelism
   * @param parked workers in the idle set
   * @param spares parked spares (marked blocked, but parked: reported as parked, not blocked)
   * @param queuedGlobal tasks in the global queue
   * @return the statistics
   */
  Stats snapshot(
      Worker[] ws, int threads, int counted, int parked, int spares, long queuedGlobal) {
    long localPushes = retiredLocalPushes.sum();
    long completed = retiredCompleted.sum() + virtualCompleted.sum();
    long queuedLocal = 0;
    int blocked = 0;
    for (Worker w : ws) {
      localPushes += w.localPushes();
      completed += w.tasksRun();
      queuedLocal += w.local.size();
      if (w.isBlocked()) {
        blocked++;
      }
    }
    long global = externalPushes.sum() + overflowPushes.sum() + directStarts.sum();
    return new Stats(
        threads,
        Math.max(0, counted - parked),
        parked + spares,
        Math.max(0, blocked - spares),
        queuedGlobal,
        queuedLocal,
        localPushes + global,
        completed,
        localPushes,
        global,
        sharedBatches.sum(),
        balancerMoves.sum(),
        balancerTicks.sum(),
        preemptions.sum(),
        compensations.sum(),
        threadsStarted.sum(),
        threadsRetired.sum(),
        wakeups.sum(),
        spinHits.sum(),
        spinMisses.sum());
  }
}
