package io.smolscale.impl;

import io.smolscale.impl.jfr.JfrEvents;
import io.smolscale.impl.queue.CountingQueue;
import io.smolscale.impl.task.DecoratedRunnable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;
import org.checkerframework.checker.lock.qual.GuardSatisfied;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What happens when a worker blocks: <b>the one place</b> for it. The monitor ({@link Balancer},
 * deciding with {@link StallDetector}) or the worker itself (a blocking wait: {@code join}, {@code
 * get}, {@code blockOn}, {@code Nursery.close}) marks the worker blocked; this class does the
 * rest:
 *
 * <ol>
 *   <li><b>Mark</b> ({@link #markBlocked}): the worker's {@code blocked} flag (a CAS, so the
 *       monitor and the worker cannot both mark it), it stops counting towards parallelism
 *       ({@link Ctl#runningToBlocked}), its whole local queue goes to the global queue, and if
 *       work waits a replacement is woken or started ({@link Pool#wakeOne}). From then on its
 *       spawns go to the global queue ({@link Pool#dispatch} reads the flag), and the balancer
 *       re-drains its queue every tick for the window in which the task has not yet seen the
 *       flag.
 *   <li><b>Rejoin</b> ({@link #tryRejoin}): after a compensated wait returns, or when the blocked
 *       task returns, the worker counts again if a parallelism slot is free ({@link
 *       Ctl#blockedToRunning}).
 *   <li><b>Spare</b> ({@link #afterBlockedTask}): a task that returns on a blocked worker with
 *       no slot free: the worker hands its queue over and parks as a spare ({@link Spares}), so
 *       the threads <i>running</i> tasks never exceed parallelism for long, and the next blocked
 *       worker's replacement, or the next blocking body, takes it instead of a thread start.
 * </ol>
 *
 * <p><b>The blocking path</b> ({@link #submit}, {@link #handOffOrWait}): work known to block
 * ({@code spawnBlocking}, the {@code blockingExecutor} view, a site the {@link BlockingSites}
 * predictor has learnt) runs on a spare or on a new thread under {@code maxThreads}, born
 * blocked: it never holds a parallelism slot while it blocks, and no worker waits for the monitor
 * to notice it. With platform threads a body that finds no parked spare waits in {@code waiting}
 * and the {@link StartChain} gives it a thread, off the submitter's path (its class comment says
 * why and how); a thread whose body returns takes the next waiting body first ({@link
 * #pollWaitingForThread}). With {@link io.smolscale.BlockingThreads#VIRTUAL} (the default on JDK
 * 24+) the new thread is a virtual one, which holds a place under {@code maxThreads} while its
 * body runs and then ends ({@link Lifecycle#virtualBodyExited}); spares then serve only the
 * replacements of blocked workers. With platform threads and every allowed thread in use, the
 * chain queues the body as a {@link Declared} task, which tries the hand-off again when a worker
 * takes it and otherwise marks that worker blocked before the body runs (Kotlin's {@code
 * Dispatchers.IO} tasks mark their worker the same way): nothing is dropped, nothing waits for
 * detection.
 *
 * <p><b>Waiting for a place</b> (virtual threads): a body that finds every place under {@code
 * maxThreads} taken waits in {@code waiting}, a FIFO of its own, instead of going to a worker;
 * a virtual body that ends takes the next waiting body and runs it on the same thread, keeping
 * its place (a counting semaphore with a queue, as {@code ThreadPoolExecutor}'s queue at its
 * maximum size, but in FIFO order and without a thread that waits for the queue). So at the cap
 * the workers go on with CPU work, and a burst of 1,000 blocking calls over 512 places runs in
 * two waves without a worker, a wake-up or a thread start for the second (PERFORMANCE.md, issue
 * 15's burst against virtual threads). The rule that keeps a waiting body from being stranded:
 * <b>every release of a place re-reads the queue</b> ({@link #startWaiting}, called by a virtual
 * body's and a worker's exit and by a start that failed), and a submitter re-tries a place after
 * it queued. A Dekker pair: the submitter's {@code offer} (a volatile write) comes before its
 * reservation (a CAS of {@code Ctl.threads}); the releaser's {@code threadExited} (a volatile
 * read-modify-write of the same count) comes before its read of the queue; so either the
 * submitter gets the freed place or the releaser sees the body. The TLA+ model has the pair
 * (negative controls {@code Bug_ReleaseNoWaitingRecheck}, {@code Bug_SubmitNoWaitingRecheck};
 * MODEL.md). If a virtual
 * thread cannot be started the waiting bodies move to the global queue as {@link Declared} tasks,
 * so the workers run them: a failing factory never strands one.
 *
 * <p>Compensation ({@link #beginCompensation}) works for a worker of any smolscale scheduler: a
 * wait blocks the worker whichever scheduler the awaited task belongs to.
 *
 * <p>Memory model: the flag is volatile and CASed (Worker); the counts' edges are in {@link Ctl};
 * the queue moves publish through the queues' own release/acquire edges.
 */
final class Blocking {
  private final Pool pool;

  /**
   * Whether the scheduler is stopping (a blocked worker then never rejoins); made once, shared
   * with {@link Spares} (a method reference allocates where it is written, per call).
   */
  final BooleanSupplier stopping;

  /**
   * Makes the blocking path's virtual threads ({@link io.smolscale.BlockingThreads}: the
   * configuration chose them, JDK 21+), else null for platform threads (spares and worker
   * threads). See spec/DESIGN.md section 6.1 for the measurement behind the default.
   */
  private final @Nullable ThreadFactory virtualThreads;

  /**
   * The virtual threads running blocking bodies, for {@code shutdownNow}'s interrupts. Dekker
   * pair with {@link Pool#toStop}: the starter adds the thread before it starts and the body
   * reads the run state first; {@code shutdownNow} writes STOP, then reads this set (both sides
   * volatile: {@link ConcurrentHashMap}'s and the run state's). So a body is either interrupted
   * or starts interrupted.
   */
  private final Set<Thread> virtualRunning = ConcurrentHashMap.newKeySet();

  /**
   * Bodies waiting: with virtual threads for a place under {@code maxThreads} (see the class
   * comment for the rule that keeps them from being stranded), with platform threads for a
   * thread from the {@link StartChain}. Counted, because the chain's pause reads its size.
   */
  private final CountingQueue<Runnable> waiting = new CountingQueue<>();

  /** Gives bodies waiting for a platform thread their threads (platform threads only). */
  private final StartChain chain;

  Blocking(Pool pool) {
    this.pool = pool;
    this.stopping = pool::isStopping;
    this.virtualThreads =
        pool.config.blockingOnVirtualThreads()
            ? virtualThreadFactory(pool.config.threadNamePrefix() + "blocking-")
            : null;
    this.chain = new StartChain(pool, waiting);
  }

  /**
   * {@code Thread.ofVirtual().name(prefix, 0).factory()}, through reflection: this class is
   * compiled for JDK 17. The configuration allows virtual threads only on JDK 21+.
   */
  @SuppressWarnings("argument") // Method.invoke(null) for a static method: annotated non-null
  private static ThreadFactory virtualThreadFactory(String prefix) {
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> api = Class.forName("java.lang.Thread$Builder");
      builder = api.getMethod("name", String.class, long.class).invoke(builder, prefix, 0L);
      ThreadFactory f = (ThreadFactory) api.getMethod("factory").invoke(builder);
      if (f == null) {
        throw new IllegalStateException("Thread.Builder.factory() returned null");
      }
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("virtual threads are not available on this JVM", e);
    }
  }

  /** Blocking bodies running on virtual threads now (counted in {@code Ctl.threads}). */
  int virtualBodies() {
    return virtualRunning.size();
  }

  /** {@code shutdownNow}: interrupts every blocking body running on a virtual thread. */
  void interruptVirtualBodies() {
    for (Thread t : virtualRunning) {
      t.interrupt();
    }
  }

  /**
   * Marks a worker blocked (step 1 of the class comment).
   *
   * @param w the worker
   * @param cause why: {@link BlockCause#COMPENSATION} when the worker marks itself, otherwise the
   *     monitor's {@link BlockCause#WAITING} or {@link BlockCause#COMPUTING}
   * @param stalledNanos how long the worker has been inside its task (0 for compensation), for
   *     the Flight Recorder event only
   * @return true if this call marked it
   */
  boolean markBlocked(Worker w, BlockCause cause, long stalledNanos) {
    if (!w.markBlocked()) {
      return false;
    }
    boolean self = cause == BlockCause.COMPENSATION || cause == BlockCause.DECLARED;
    pool.ctl.runningToBlocked();
    (self ? pool.counters.compensations : pool.counters.preemptions).increment();
    int moved = self ? drainOwn(w) : w.local.drainAllTo(pool.global);
    if (moved > 0) {
      pool.counters.balancerMoves.add(moved);
    }
    JfrEvents.workerBlocked(
        pool.config.threadNamePrefix(), w.thread, cause, stalledNanos, moved, w.runningName());
    if (!pool.global.isEmpty()) {
      pool.wakeOne();
    }
    return true;
  }

  private static int drainOwn(Worker w) {
    int before = w.local.size();
    w.drainLocalToGlobal();
    return before;
  }

  /**
   * A task returned on a worker marked blocked (steps 2 and 3).
   *
   * @param w the worker, on its own thread
   * @return true if the worker rejoins, false if it is to be a spare (its queue handed over)
   */
  boolean afterBlockedTask(Worker w) {
    // false: the caller parks as a spare (Worker.afterBlocked)
    if (tryRejoin(w)) {
      return true;
    }
    w.drainLocalToGlobal();
    if (!pool.global.isEmpty()) {
      pool.wakeOne();
    }
    return false;
  }

  /**
   * The blocking path for a new submission: starts the body now on a spare, or queues it to wait
   * for a thread ({@link #handOffOrWait}). The caller has checked the run state.
   *
   * @param body the body (a task, or a raw runnable of the blocking executor)
   */
  void submit(Runnable body) {
    handOffOrWait(body);
    pool.counters.directStarts.increment(); // a submission that skipped the global queue
  }

  /**
   * The blocking path for a body known (or predicted) to block: it never runs on a worker that
   * counts towards parallelism. With platform threads: a parked spare takes it at once, else it
   * waits in the FIFO and the {@link StartChain} gives it a thread (a spare, a new thread, or at
   * {@code maxThreads} a worker that marks itself blocked first), off the caller's path. With
   * virtual threads: a new virtual thread if a place is free, else it waits for a place.
   *
   * @param body the body
   */
  void handOffOrWait(Runnable body) {
    if (virtualThreads == null) {
      if (pool.spares.popForBody(body)) {
        pool.counters.spareHandoffs.increment();
        return;
      }
      waiting.offer(body);
      pool.counters.placeWaits.increment();
      chain.kick(); // the adder's half of StartChain's Dekker pair
      return;
    }
    if (handOff(body)) {
      return;
    }
    waiting.offer(body);
    pool.counters.placeWaits.increment();
    startWaiting(); // the submitter's half of the Dekker pair: try for a place after queueing
  }

  /** The balancer's tick: the chain's progress check (StartChain#onTick). Balancer thread only. */
  void onTick() {
    if (virtualThreads == null) {
      chain.onTick();
    }
  }

  /**
   * Whether bodies wait for a platform thread (a volatile read; false with virtual threads): a
   * spare's re-check after it published itself (Spares.await), the half of the pause's Dekker
   * pair for a thread that parks (StartChain).
   *
   * @return true if a body waits for a platform thread
   */
  boolean hasWaitingForThread() {
    return virtualThreads == null && !waiting.isEmpty();
  }

  /**
   * A thread that ran blocking bodies rejoined the workers (counted again): a pause may have
   * counted on it to take a body it will now never poll, so it looks again (the half of the
   * pause's Dekker pair for a thread that rejoins: StartChain). May start one thread.
   */
  void recheckWaiting() {
    if (hasWaitingForThread()) {
      chain.kick();
    }
  }

  /** Whether the start chain is held now (termination waits for its holder; StartChain#kick). */
  boolean chainHeld() {
    return virtualThreads == null && chain.isHeld();
  }

  /**
   * A thread that returned from a blocking body (or a blocked task) takes the next body waiting
   * for a platform thread, before it rejoins the workers or parks as a spare: it is blocked and
   * not counted already, and a body it takes is one thread start fewer (StartChain). None for
   * virtual threads (their bodies wait for a virtual thread's place) or once {@code shutdownNow}
   * ran (the waiting bodies are its list's).
   *
   * @return a waiting body, or null
   */
  @Nullable Runnable pollWaitingForThread() {
    return virtualThreads != null || pool.isStopping() ? null : waiting.poll();
  }

  /**
   * Starts waiting bodies on new virtual threads while places are free. Called after a body is
   * queued and after every release of a place (the releaser's half of the Dekker pair in the class
   * comment). Never throws.
   */
  void startWaiting() {
    ThreadFactory v = virtualThreads;
    if (v == null) {
      chain.kick(); // platform threads: the chain gives waiting bodies threads
      return;
    }
    while (!waiting.isEmpty()) {
      if (!pool.ctl.reserveBlockingThread()) {
        return; // every place is held, and each holder re-reads the queue when it gives it back
      }
      Runnable body = waiting.poll();
      if (body == null) {
        // Someone else took it: give the place back, and look again (a body queued meanwhile may
        // have found this place taken).
        pool.ctl.blockingStartFailed(false);
        continue;
      }
      if (!startVirtual(v, body)) {
        // No virtual thread can be made (reported): let the workers run this body and every other
        // waiting one, as with platform threads, rather than leave them with no thread at all.
        pool.global.offer(new Declared(this, body));
        for (Runnable r; (r = waiting.poll()) != null; ) {
          pool.global.offer(new Declared(this, r));
        }
        pool.wakeOne();
        return;
      }
    }
    // A place this loop reserved and gave back unused may have made a wakeOne meanwhile refuse
    // to start a worker (at the cap): look at the global queue, as every exit does (TLA+
    // Bug_WaitingNoGlobalRecheck).
    if (!pool.global.isEmpty()) {
      pool.wakeOne();
    }
  }

  /** Bodies waiting for a thread or a place now, for statistics ({@code queuedGlobal}). */
  int waitingCount() {
    return waiting.size();
  }

  /** Whether bodies wait for a place (termination must not happen before they ran). */
  boolean hasWaiting() {
    return !waiting.isEmpty();
  }

  /**
   * Removes every body waiting for a place ({@code shutdownNow}, or termination with no thread
   * able to run them).
   *
   * @return the bodies, oldest first
   */
  List<Runnable> drainWaiting() {
    List<Runnable> out = new ArrayList<>();
    for (Runnable r; (r = waiting.poll()) != null; ) {
      out.add(r);
    }
    return out;
  }

  /**
   * Starts a body known to block on a thread of its own, if one is to be had: a parked spare, or
   * a new thread under {@code maxThreads} (no token: the point is to start at once).
   *
   * @param body the body
   * @return true if a thread took it; false if none could (the caller runs or queues it)
   */
  boolean handOff(Runnable body) {
    ThreadFactory v = virtualThreads;
    if (v != null) {
      return pool.ctl.reserveBlockingThread() && startVirtual(v, body);
    }
    if (pool.spares.popForBody(body)) {
      pool.counters.spareHandoffs.increment();
      return true;
    }
    return pool.ctl.reserveBlockingThread() && pool.lifecycle.startBlockingWorker(body);
  }

  /**
   * Starts a body on a new virtual thread; its place under {@code maxThreads} is reserved. It is
   * never a worker: not awake (the monitor has nothing to watch), not registered, no spare after.
   * If the start fails the place is given back and the failure reported as a thread start's is;
   * the caller keeps the body.
   */
  private boolean startVirtual(ThreadFactory f, Runnable body) {
    Thread t = null;
    try {
      t = f.newThread(() -> runVirtual(body));
      if (t == null) {
        throw new IllegalStateException("the virtual thread factory returned null");
      }
      virtualRunning.add(t);
      t.start();
      pool.lifecycle.startSucceeded();
      return true;
    } catch (RuntimeException | Error e) {
      if (t != null) {
        virtualRunning.remove(t);
      }
      pool.ctl.blockingStartFailed(false);
      pool.lifecycle.startFailed("smolscale could not start a virtual thread for a blocking task", e);
      return false;
    }
  }

  /**
   * A virtual thread's life: its body, then each body waiting for a place, keeping the place
   * (see the class comment), then the exit, which gives the place back and re-reads the queue.
   */
  private void runVirtual(Runnable first) {
    Thread me = Thread.currentThread();
    try {
      Runnable body = first;
      do {
        // The task boundary, as on a worker (ThreadPoolExecutor.runWorker's rule): a body starts
        // with the interrupt status clear, unless shutdownNow ran (it writes STOP before it
        // interrupts, so an interrupt this clear swallows comes with a STOP the read sees).
        Thread.interrupted();
        if (pool.isStopping()) {
          me.interrupt(); // shutdownNow ran before this body: it starts interrupted
        }
        try {
          body.run();
        } catch (Throwable t) {
          pool.reportUncaught(t); // a raw runnable has no handle: reported, as on a worker
        }
        pool.counters.virtualCompleted.increment();
        // After shutdownNow the waiting bodies are its list's ("not executed"), not this thread's.
        body = pool.isStopping() ? null : waiting.poll();
      } while (body != null);
    } finally {
      virtualRunning.remove(me);
      pool.lifecycle.virtualBodyExited();
    }
  }

  /**
   * A blocking body queued because no thread was to be had. Whoever takes it first tries the
   * hand-off again (a thread may have come free), else marks itself blocked, as a compensated
   * wait does, before the body runs: the worker's queue moves on and a replacement is woken.
   */
  static final class Declared implements Runnable {
    private final Blocking blocking;
    private final Runnable body;

    Declared(Blocking blocking, Runnable body) {
      this.blocking = blocking;
      this.body = body;
    }

    @Override
    public void run() {
      if (blocking.handOff(body)) {
        return;
      }
      // A failed virtual start gave its reserved place back: every release re-reads the waiting
      // queue (TLA+ Bug_DeclaredNoWaitingRecheck).
      blocking.startWaiting();
      Worker w = Worker.current();
      if (w != null && w.pool == blocking.pool) {
        blocking.markBlocked(w, BlockCause.DECLARED, 0L);
      }
      body.run();
    }

    @Override
    public String toString(@GuardSatisfied Declared this) {
      return "blocking " + body;
    }
  }

  /**
   * The user's runnable inside a queued blocking-path wrapper, for code that hands queued work
   * back or fails it ({@code shutdownNow}, termination with no worker).
   *
   * @param r a queued runnable
   * @return its body if it is a {@link Declared} task, else {@code r}
   */
  static Runnable unwrap(Runnable r) {
    Runnable u = r instanceof Declared ? ((Declared) r).body : r;
    return u instanceof DecoratedRunnable ? ((DecoratedRunnable) u).task() : u;
  }

  /** Step 2: counts the worker again if a slot is free; owner only. */
  private boolean tryRejoin(Worker w) {
    if (!pool.ctl.blockedToRunning(stopping)) {
      return false;
    }
    w.clearBlocked(); // it was running a task, so it is not searching: nothing else to reset
    return true;
  }

  /**
   * Before a wait that may block: marks the current thread's worker blocked, if it is a worker of
   * any smolscale scheduler.
   *
   * @return true if this call marked it; then {@link #endCompensation} must follow the wait
   */
  static boolean beginCompensation() {
    Worker w = Worker.current();
    return w != null && w.pool.blocking.markBlocked(w, BlockCause.COMPENSATION, 0L);
  }

  /** After the wait: the worker rejoins if parallelism allows, else stays blocked until its task ends. */
  static void endCompensation() {
    Worker w = Worker.current();
    if (w != null && w.isBlocked()) {
      w.pool.blocking.tryRejoin(w);
    }
  }
}
