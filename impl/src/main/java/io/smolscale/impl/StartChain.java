package io.smolscale.impl;

import io.smolscale.impl.queue.CountingQueue;
import io.smolscale.impl.queue.SerialHandOut;
import org.checkerframework.checker.lock.qual.GuardSatisfied;

/**
 * Thread starts for the platform-thread blocking path, <b>off the submitter's path</b> (issue 15).
 *
 * <p>Why: a platform thread start costs the starting thread 150-250 µs here (JDK 17, 2 cores).
 * When the submitter paid it for every body that found no spare, a burst of 1,000 blocking calls
 * ran no faster than one thread could start threads, the first burst left too few spares behind,
 * and every later burst started more (the pool crept up to {@code maxThreads} over five bursts:
 * PERFORMANCE.md, "Thread starts off the submitter's path"). Now a body that finds no parked spare
 * waits in {@link Blocking}'s FIFO, and the thread that holds the <i>chain</i> gives the waiting
 * bodies threads one after another: a spare if one has parked meanwhile, else a new thread that
 * carries the chain on before it runs its own body, else (at {@code maxThreads}, or after a start
 * failed) the global queue as a {@link Blocking.Declared} task, as before, so the workers run it
 * rather than leave it waiting. A submitter starts a thread only when it finds the chain free and
 * more bodies waiting than threads running them (typically the first body of a burst); each new
 * thread pays for the next one. Meanwhile every thread that returns from a blocking body
 * takes the next waiting body itself ({@link Worker}'s {@code afterBlocked}), so a burst needs
 * fewer threads than it has bodies.
 *
 * <p><b>The pause.</b> While every waiting body could be taken by a thread that is running a
 * blocking body now ({@link #enoughReturning}), the chain starts nothing: without it the chain
 * started threads for as long as bodies waited, and in a later burst they wait only until the
 * previous burst's threads come back, so every burst grew the pool by tens of threads (the A/B:
 * PERFORMANCE.md). A pause must not strand bodies that the running ones wait for: the balancer's
 * tick ({@link #onTick}) hands out every waiting body when none was taken for a whole interval,
 * so a pause costs a body at most about two balancer intervals; and a thread that stops running
 * blocking bodies (it rejoins the workers or parks as a spare) re-reads the queue, so a pause
 * never outlives the threads it counted on.
 *
 * <p><b>One holder at a time</b> ({@link SerialHandOut}: an actor mailbox's "scheduled" flag, and
 * its Dekker pair: whoever adds a body tries for the chain after it, whoever releases the chain
 * re-reads the queue after it), so a body is never left waiting with nobody to give it a thread,
 * and the starts happen one after another, each on the thread the previous one made. The chain
 * passes to a new thread through {@code Thread.start}, which orders the starter's writes before
 * the new thread's {@link Link#run}. TLA+: spec/tla/StartChain.tla (thread cap, no body lost or
 * run twice, none stranded without the pause, every body runs with it; negative controls {@code
 * Bug_ChainReleaseNoRecheck}, {@code Bug_ChainOfferNoKick}, {@code Bug_ChainNoForce}, {@code
 * Bug_ChainReturnNoRecheck}; MODEL.md, "The start chain").
 *
 * <p>Memory model: the hand-out's edges are {@link SerialHandOut}'s; the pause reads {@link Ctl}'s
 * volatile counts and the queue's counter racily (a heuristic, never a hand-off); {@code
 * pollsAtLastTick} is the balancer thread's alone. The pause's own Dekker pair: a submitter's
 * {@code offer} before its pause test's reads of {@code counted} and the spare count; a returning
 * thread's rejoin (a CAS of {@code counted}) or spare push (a volatile size store) before its
 * re-read of the queue. Either the test sees the thread gone, or the thread sees the body.
 *
 * <p>Nothing here holds a lock while it starts a thread, and a failed start never loses a body:
 * the body and every waiting one go to the global queue as {@link Blocking.Declared} tasks.
 */
final class StartChain {
  private final Pool pool;
  private final CountingQueue<Runnable> waiting;
  private final SerialHandOut<Runnable> handOut;

  /** The queue's poll count at the last tick (balancer thread only): the progress check. */
  private long pollsAtLastTick = -1;

  /**
   * Makes the chain of a scheduler whose {@link Blocking} is being built (it is reached through
   * the pool when a body goes to the workers).
   *
   * @param pool the scheduler
   * @param waiting the bodies waiting for a platform thread (Blocking's FIFO)
   */
  // this::give and this::enoughReturning before the constructor returns: the hand-out calls them
  // only once a body waits, which is after the scheduler owning this chain was built and published.
  @SuppressWarnings("methodref.receiver.bound")
  StartChain(Pool pool, CountingQueue<Runnable> waiting) {
    this.pool = pool;
    this.waiting = waiting;
    this.handOut = new SerialHandOut<>(waiting, this::give, this::enoughReturning);
  }

  /**
   * After a body was added to the queue, or after any release of a thread place: takes the chain
   * if bodies wait and nobody holds it. May start one thread.
   *
   * <p>Termination: a holder outside the pool's threads (a submitter, or the last thread's exit)
   * may hold a polled body while no thread exists; {@link Lifecycle#tryTerminate} does not
   * terminate while the chain is held, so the holder, having let it go, calls it again. A Dekker
   * pair: the holder's release (volatile) before its read of the run state; {@code shutdown}'s
   * write of the run state before its read of {@link #isHeld}.
   */
  void kick() {
    // Only a call that held the chain: termination's own kick (through startWaiting) that found
    // nothing to do must not call it back.
    if (handOut.kick() && pool.isShuttingDown() && pool.ctl.threads() == 0) {
      pool.lifecycle.tryTerminate();
    }
  }

  /** Whether a thread holds the chain now (termination waits for it; a volatile read). */
  boolean isHeld() {
    return handOut.isHeld();
  }

  /**
   * The pause test: every waiting body can be taken by a thread that is running a blocking body
   * now (each takes the next waiting one when its body returns: Worker.afterBlocked), so starting
   * a thread for it would only grow the pool. Threads running blocking bodies: every thread that
   * is neither counted towards parallelism nor a parked spare (blocked workers, the chain's own
   * links; an exiting thread may be counted for a moment). Racy reads: a heuristic, bounded by
   * {@link #onTick}.
   */
  private boolean enoughReturning() {
    int running = pool.ctl.threads() - pool.ctl.counted() - pool.spares.size();
    return running > 0 && waiting.size() <= running;
  }

  /**
   * The balancer's tick: if bodies wait and none was taken since the last tick, the pause (or
   * anything else) held them for a whole interval, perhaps because the running bodies wait for
   * them: hand out every one of them whatever the pause test says. So the pause costs a body at
   * most about two balancer intervals. Ticks run while any thread is awake; a thread that stops
   * running blocking bodies re-reads the queue itself ({@link Blocking#recheckWaiting}), so a
   * pause never outlives the threads it counted on.
   */
  void onTick() {
    long polls = waiting.polls();
    int n = waiting.size();
    if (n > 0 && polls == pollsAtLastTick) {
      pool.counters.chainForced.increment();
      handOut.force(n);
    }
    pollsAtLastTick = polls;
  }

  /**
   * The holder gives the oldest waiting body a thread: a parked spare, else a new thread that
   * takes the chain on, else the workers.
   *
   * @return true if the chain went to a new thread with the body
   */
  private boolean give(Runnable body) {
    if (pool.spares.popForBody(body)) {
      pool.counters.spareHandoffs.increment();
      return false;
    }
    if (!pool.ctl.reserveBlockingThread()) {
      toWorkers(body); // at maxThreads: the workers run it, as before the chain
      return false;
    }
    Link link;
    try {
      link = new Link(handOut, body);
    } catch (RuntimeException | Error e) {
      pool.ctl.blockingStartFailed(false); // no thread: give the place back, keep the body
      toWorkers(body);
      throw e;
    }
    if (pool.lifecycle.startBlockingWorker(link)) {
      return true;
    }
    // The start failed (reported, its place given back): no thread is to be had now, so the
    // workers run this body and every waiting one rather than let them wait for a thread.
    toWorkers(body);
    for (Runnable r; (r = waiting.poll()) != null; ) {
      toWorkers(r);
    }
    return false;
  }

  private void toWorkers(Runnable body) {
    pool.global.offer(new Blocking.Declared(pool.blocking, body));
    pool.counters.externalPushes.increment();
    pool.wakeOne();
  }

  /**
   * The first task of a thread started by the chain: it holds the chain, hands out the next
   * waiting bodies (starting at most one more thread), and only then runs its own body. Its
   * place under {@code maxThreads} was reserved by the starter.
   */
  static final class Link implements Runnable {
    private final SerialHandOut<Runnable> handOut;
    private final Runnable body;

    Link(SerialHandOut<Runnable> handOut, Runnable body) {
      this.handOut = handOut;
      this.body = body;
    }

    @Override
    public void run() {
      try {
        handOut.carryOn();
      } finally {
        body.run(); // whatever the hand-out did, this body was given this thread
      }
    }

    @Override
    public String toString(@GuardSatisfied Link this) {
      return "blocking " + body;
    }
  }
}
