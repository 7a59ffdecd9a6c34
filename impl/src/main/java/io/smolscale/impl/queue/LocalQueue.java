package io.smolscale.impl.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A worker's local run queue: a bounded ring buffer with a single producer (the owning worker)
 * and a consumer side serialised by a tiny lock, so that the owner can pop one task while the
 * balancer or the preemptor can take a batch.
 *
 * <h2>Implementation overview</h2>
 *
 * <p>This is the local queue of the original smolscale (a single-producer ring of 512 slots with
 * a spinlock on the consumer side), in the style of Lamport's single-producer/single-consumer
 * ring ("Proving the correctness of multiprocess programs", 1977) with the consumer made mutually
 * exclusive by a test-and-set lock. Indices only grow ({@code long}, never wrap in practice); a
 * slot is {@code buffer[index & mask]}.
 *
 * <ul>
 *   <li>{@code tail} is written only by the producer, with release ({@code soTail}); consumers
 *       read it with acquire ({@code laTail}), the producer's {@link #offer} plainly ({@code
 *       lpTail}: it reads its own writes). Edge: the producer's plain store of the element
 *       happens-before its release store of {@code tail}, which happens-before a consumer's
 *       acquire load that sees it, so a consumer never reads a slot before the element (and
 *       every field the spawning code wrote into the task object) is visible: safe publication.
 *   <li>{@code head} is written only while holding {@code consumerLock}, with release ({@code
 *       soHead}), after the consumer nulled the slots it took; the producer reads it with acquire
 *       ({@code laHead}) to compute the free space. Edge: a consumer's null store to a slot
 *       happens-before the producer's later store of a new element into that slot. A lock holder
 *       reads it plainly ({@code lpHead}: only lock holders write it, and the lock orders them);
 *       the emptiness pre-checks outside the lock read it opaque ({@code loHead}): {@code head}
 *       only grows and never passes {@code tail}, so a stale value can only make the queue look
 *       non-empty, and the lock holder then reads it again.
 *   <li>The slots ({@code buffer}) are read and written plainly ({@code lpSlot}, {@code
 *       spSlot}), ordered by the two edges above and, between consumers, by the lock.
 *   <li>{@code consumerLock} is taken with a CAS ({@code casLock}: volatile semantics, so acquire
 *       and release) and released with a release store ({@code soLock}). The owner spins for it
 *       ({@link #poll()}): the other holders keep it for a bounded copy of at most the buffer
 *       and one claim in the global queue. The balancer and preemptor only {@code tryLock} and
 *       never wait.
 *   <li>{@code spilled} counts tasks moved out to the global queue by a batch take or an
 *       overflow. It is raised with an atomic add in release mode ({@code
 *       getAndAddReleaseSpilled}) <i>after</i> the batch is in the global queue and
 *       <i>before</i> the consumer lock is released; the owner reads it with acquire ({@code
 *       laSpilled}, through {@link #spilled()} and inside {@link #poll(long)}). Edges: the
 *       global queue's insertion of the batch happens-before the add, which happens-before an
 *       owner's acquire load that sees it, so an owner that sees the count grow finds those
 *       tasks in the global queue (or taken by another worker); and the add happens-before the
 *       lock's release, which happens-before the owner's next lock CAS, so {@link #poll(long)}
 *       never pops a task from behind a batch it was not told about. See {@code
 *       Worker.findTask} for why it cares: the batch is older than the tasks left in the ring.
 *       Counting after the unlock (the first version) let the owner pop a newer task in
 *       between: a {@code yieldNow} continuation then ran before the task it yielded to (a CI
 *       failure, 2026-12-03; jcstress {@code LocalQueuePollSeesSpillTest}).
 * </ul>
 *
 * <p>Progress: {@link #offer} is wait-free. {@link #poll()} is blocking only in the sense of a
 * spinlock held for a bounded number of steps by another thread. {@link #drainHalfTo}, {@link
 * #drainAllTo} and {@link #shareHalfTo} never wait for this queue: they only try the consumer
 * lock and give up (return 0) if it is busy. They are lock-free, not wait-free: a batch they took
 * goes into the {@link GlobalQueue} with one claim (a CAS that fails only when another producer
 * claimed). They make that claim still holding the consumer lock (see {@code spilled} above),
 * so an owner's {@link #poll()} may wait for a batch taker's few CAS attempts against other
 * producers. {@link #offerOrOverflow}, on its overflow path only, spins for the consumer lock.
 *
 * <p>Who may call what: {@link #offer}, {@link #remainingCapacity()}, {@link #poll()}, {@link
 * #poll(long)}, {@link #offerOrOverflow} and {@link #shareHalfTo} only from the owning worker thread; {@link #drainHalfTo}, {@link #drainAllTo},
 * {@link #spilled()} and {@link #size()} from any thread.
 *
 * <p>Padding: {@code tail} (the producer's line) and {@code head}/lock (the consumers' line)
 * are separated by padding superclasses, as JCTools does, so that a producer and a balancer do
 * not share a cache line.
 */
public final class LocalQueue extends LocalQueueHead {
  /** The default capacity: smaller than smolscale's 512, larger than Kotlin's 128. */
  public static final int DEFAULT_CAPACITY = 256;

  private static final VarHandle HEAD;
  private static final VarHandle TAIL;
  private static final VarHandle LOCK;
  private static final VarHandle SPILLED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HEAD = lookup.findVarHandle(LocalQueueHead.class, "head", long.class);
      LOCK = lookup.findVarHandle(LocalQueueHead.class, "consumerLock", int.class);
      SPILLED = lookup.findVarHandle(LocalQueueHead.class, "spilled", long.class);
      TAIL = lookup.findVarHandle(LocalQueueTail.class, "tail", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final @Nullable Runnable[] buffer;
  private final int mask;

  /**
   * Creates a queue.
   *
   * @param capacity a power of two, at least 2
   * @throws IllegalArgumentException if {@code capacity} is not a power of two of at least 2
   */
  public LocalQueue(int capacity) {
    if (capacity < 2 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException(
          "local queue capacity must be a power of two >= 2, was " + capacity);
    }
    this.buffer = new Runnable[capacity];
    this.mask = capacity - 1;
  }

  /**
   * The queue's capacity.
   *
   * @return the number of slots
   */
  public int capacity() {
    return mask + 1;
  }

  // ---- named accessors, JCTools style: the prefix is the access mode, exactly.
  // la = load acquire (getAcquire), lo = load opaque (getOpaque), lp = load plain (get),
  // so = store ordered, i.e. release (setRelease), sp = store plain,
  // cas = compareAndSet (volatile), getAndAddRelease = atomic add in release mode (the
  // VarHandle method of that name).
  // Every access to head, tail, consumerLock, spilled and the slots goes through one of these.

  private long laHead() {
    return (long) HEAD.getAcquire(this);
  }

  private long loHead() {
    return (long) HEAD.getOpaque(this);
  }

  private long lpHead() {
    return (long) HEAD.get(this);
  }

  private void soHead(long value) {
    HEAD.setRelease(this, value);
  }

  private long laTail() {
    return (long) TAIL.getAcquire(this);
  }

  private long lpTail() {
    return (long) TAIL.get(this);
  }

  private void soTail(long value) {
    TAIL.setRelease(this, value);
  }

  private boolean casLock(int expect, int update) {
    return LOCK.compareAndSet(this, expect, update);
  }

  private void soLock(int value) {
    LOCK.setRelease(this, value);
  }

  private long laSpilled() {
    return (long) SPILLED.getAcquire(this);
  }

  private void getAndAddReleaseSpilled(long delta) {
    SPILLED.getAndAddRelease(this, delta);
  }

  private @Nullable Runnable lpSlot(long index) {
    return buffer[(int) index & mask];
  }

  private void spSlot(long index, @Nullable Runnable task) {
    buffer[(int) index & mask] = task;
  }

  private boolean tryLock() {
    return casLock(0, 1);
  }

  private void lock() {
    while (!casLock(0, 1)) {
      Thread.onSpinWait();
    }
  }

  private void unlock() {
    soLock(0);
  }

  /**
   * Appends a task. Owner only.
   *
   * @param task the task
   * @return false if the queue is full (nothing was changed)
   */
  public boolean offer(Runnable task) {
    long t = lpTail();
    if (t - laHead() > mask) {
      return false;
    }
    spSlot(t, task); // plain: published by the release store of tail
    soTail(t + 1);
    return true;
  }

  /**
   * How many more tasks {@link #offer} would accept now. Owner only; never more than the truth
   * (a concurrent batch take can only free more slots).
   *
   * @return the free slots
   */
  public int remainingCapacity() {
    return (int) (mask + 1 - (lpTail() - laHead()));
  }

  /**
   * Appends a task; if the queue is full, moves the older half of it and then the task to the
   * global queue instead (the original's overflow rule). Owner only.
   *
   * @param task the task
   * @param overflow where the overflow goes
   * @return true if the task stayed local, false if an overflow batch went to {@code overflow}
   */
  public boolean offerOrOverflow(Runnable task, GlobalQueue overflow) {
    if (offer(task)) {
      return true;
    }
    lock();
    try {
      long h = lpHead();
      long t = laTail();
      int n = (int) ((t - h + 1) >>> 1);
      overflow.offerBatch(take(h, n), n, task);
      getAndAddReleaseSpilled((long) n + 1); // the task itself went too; see the overview
    } finally {
      unlock();
    }
    return false;
  }

  /**
   * Removes the oldest task. Owner only (the lock makes it safe against the balancer's batch
   * takes).
   *
   * @return the task, or null if the queue is empty
   */
  public @Nullable Runnable poll() {
    return poll(-1L);
  }

  /**
   * Removes the oldest task, unless tasks have left for the global queue since the caller read
   * {@link #spilled()} as {@code seen}: then it takes nothing and returns null, and the caller,
   * seeing the count changed, takes the older tasks from the global queue first. Owner only.
   *
   * <p>Exact, not a heuristic: every counted batch is published and counted before its taker
   * releases the consumer lock, and this method reads the count holding that lock, so a batch
   * take is wholly before this look (counted, so refused) or wholly after it (it takes tasks
   * behind the one returned). Checking the count only before the lock (as {@code
   * Worker.findTask} first did) left a window in which a newer task could be popped after an
   * older one had left.
   *
   * @param seen the count the caller last read, or -1 for no check
   * @return the task, or null if the queue is empty or the count is no longer {@code seen}
   */
  public @Nullable Runnable poll(long seen) {
    // Cheap emptiness check without the lock: head is only ever behind or equal to tail.
    long t = laTail();
    if (loHead() == t) {
      return null;
    }
    lock();
    try {
      long h = lpHead(); // plain: only lock holders write head
      if (h == t || (seen >= 0 && laSpilled() != seen)) {
        return null;
      }
      Runnable task = lpSlot(h);
      spSlot(h, null);
      soHead(h + 1);
      return task;
    } finally {
      unlock();
    }
  }

  /**
   * Moves half of the tasks (rounded up) to the global queue, if the consumer lock is free, and
   * counts them in {@link #spilled()}. Any thread; used by the balancer for a stalled worker.
   *
   * @param target the global queue
   * @return the number of tasks moved; 0 if the queue was empty or the lock busy
   */
  public int drainHalfTo(GlobalQueue target) {
    return drainTo(target, false, true);
  }

  /**
   * Like {@link #drainHalfTo}, but not counted in {@link #spilled()}: the owner shares its
   * backlog with idle workers and should go on with its own queue. Owner only.
   *
   * @param target the global queue
   * @return the number of tasks moved; 0 if the queue was empty or the lock busy
   */
  public int shareHalfTo(GlobalQueue target) {
    return drainTo(target, false, false);
  }

  /**
   * Moves every task to the global queue, if the consumer lock is free. Any thread; used by the
   * preemptor for a blocked worker and by a retiring worker.
   *
   * @param target the global queue
   * @return the number of tasks moved; 0 if the queue was empty or the lock busy
   */
  public int drainAllTo(GlobalQueue target) {
    return drainTo(target, true, true);
  }

  private int drainTo(GlobalQueue target, boolean all, boolean countSpill) {
    if (laTail() == loHead() || !tryLock()) {
      return 0;
    }
    try {
      long h = lpHead();
      long t = laTail();
      long available = t - h;
      int n = (int) (all ? available : (available + 1) >>> 1);
      if (n == 0) {
        return 0;
      }
      // Both under the lock, publish then count: see spilled in the overview.
      target.offerBatch(take(h, n), n, null);
      if (countSpill) {
        getAndAddReleaseSpilled((long) n);
      }
      return n;
    } finally {
      unlock();
    }
  }

  /**
   * How many tasks have left this queue for the global queue through {@link #drainHalfTo},
   * {@link #drainAllTo} or an overflow, since it was made; never decreases. Acquire load: a
   * caller that sees the count include a batch sees that batch in the global queue. The count
   * lags the take, never leads it: a thread may already find the tasks gone from this queue while
   * the count does not include them yet, so it is not linearizable together with {@link #poll()}
   * (which is why Lincheck does not check it); {@link #poll(long)} reads it under the lock, where
   * it is exact (jcstress checks both edges the worker needs).
   *
   * @return the count
   */
  public long spilled() {
    return laSpilled();
  }

  /** Copies n tasks from head h out and advances head. Caller holds the consumer lock. */
  private @Nullable Runnable[] take(long h, int n) {
    @Nullable Runnable[] batch = new Runnable[n];
    for (int k = 0; k < n; k++) {
      batch[k] = lpSlot(h + k);
      spSlot(h + k, null);
    }
    soHead(h + n);
    return batch;
  }

  /**
   * The number of queued tasks, an estimate: it may still count tasks that a concurrent batch
   * take has claimed under the consumer lock but not yet published as gone (Lincheck shows such a
   * history is not linearizable). Only heuristics read it: the sharing threshold, the batch size
   * and statistics; emptiness decisions use {@link #isEmpty()} and the lock.
   *
   * @return the size, never negative
   */
  public int size() {
    long h = laHead();
    long t = laTail();
    long s = t - h;
    return s <= 0 ? 0 : (int) s;
  }

  /**
   * Tells whether the queue looks empty (a snapshot for non-owners).
   *
   * @return true if empty
   */
  public boolean isEmpty() {
    return laTail() == laHead();
  }
}

/** Cache-line padding before the producer's field. */
@SuppressWarnings("unused")
abstract class LocalQueuePad0 {
  long p00, p01, p02, p03, p04, p05, p06, p07;
  long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** The producer's index; written only by the owner. */
abstract class LocalQueueTail extends LocalQueuePad0 {
  volatile long tail;
}

/** Padding between the producer's line and the consumers' line. */
@SuppressWarnings("unused")
abstract class LocalQueuePad1 extends LocalQueueTail {
  long p00, p01, p02, p03, p04, p05, p06, p07;
  long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** The consumers' index and lock. */
abstract class LocalQueueHead extends LocalQueuePad1 {
  volatile long head;
  volatile int consumerLock;
  volatile long spilled;
}
