package io.smolscale;

/**
 * A snapshot of a scheduler's counters, for observing its mechanisms. Gauges (the first group)
 * are read without a lock and may be momentarily inconsistent with each other; counters (the
 * second group) only grow.
 *
 * @param workers live worker threads (active, parked and blocked; platform threads: a blocking
 *     body on a virtual thread is not a worker, see {@link BlockingThreads})
 * @param active workers counted towards parallelism and not parked
 * @param parked workers parked in the idle set
 * @param blocked workers marked blocked inside a task (preempted or compensating)
 * @param queuedGlobal tasks waiting in the global queue
 * @param queuedLocal tasks waiting in the workers' local queues
 * @param spawned tasks accepted for execution
 * @param completed queued runnables the workers have run, and blocking bodies run on virtual
 *     threads (a task cancelled before it started counts too: its runnable ran and did nothing)
 * @param localPushes tasks pushed to the local queue of the worker that spawned or woke them
 * @param globalPushes tasks pushed to the global queue from outside threads or blocked workers,
 *     plus one per local-queue overflow (batches moved by sharing are counted in {@code
 *     sharedBatches}, by the balancer in {@code balancerMoves})
 * @param sharedBatches times a worker with a backlog shared half of it with idle workers
 * @param balancerMoves tasks moved from a worker's local queue to the global queue by the balancer,
 *     the preemptor, or a worker handing over its queue when it blocks
 * @param balancerTicks periods the balancer has run
 * @param preemptions workers marked blocked by the monitor
 * @param compensations workers that marked themselves blocked in {@code join}, {@code blockOn} or
 *     {@code Nursery.close}
 * @param threadsStarted worker threads started
 * @param threadsRetired worker threads that have exited
 * @param wakeups parked workers woken to take new work
 * @param spinHits times a worker that ran out of work found more while spinning before it parked
 *     (see {@link SchedulerConfig#spinBeforePark()}): each saved a park and a wake-up
 * @param spinMisses times that spin ended without work and the worker parked (its CPU was spent
 *     for nothing)
 */
public record Stats(
    int workers,
    int active,
    int parked,
    int blocked,
    long queuedGlobal,
    long queuedLocal,
    long spawned,
    long completed,
    long localPushes,
    long globalPushes,
    long sharedBatches,
    long balancerMoves,
    long balancerTicks,
    long preemptions,
    long compensations,
    long threadsStarted,
    long threadsRetired,
    long wakeups,
    long spinHits,
    long spinMisses) {}
