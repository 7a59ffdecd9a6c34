package io.smolscale.impl.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import org.checkerframework.checker.lock.qual.Holding;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The scheduler's global run queue: unbounded, multi-producer, multi-consumer, FIFO. It takes
 * work submitted from threads that are not workers, local-queue overflow, batches shared by a
 * worker with a backlog, and batches the balancer or preemptor moved off a worker.
 *
 * <h2>Why this shape</h2>
 *
 * <p>Producers are the hot side: every submission from an outside thread lands here, and on a
 * 2-core machine the submitting thread and the workers that drain the queue run at the same
 * time. A queue behind one monitor made every such submission contend with the workers' batch
 * takes (an inflated monitor parks the loser: measured as 1.3-1.7x slower than ForkJoinPool on
 * {@code spawn_many}). So producers never lock: they claim a range of indices with one CAS and
 * then store into the claimed slots. Consumers are few and batch (a worker takes up to half its
 * local capacity at once, Go's {@code globrunqget}), so they serialise on a lock, as the original
 * smolscale's global queue does, and a consumer may take any number of tasks under one
 * acquisition.
 *
 * <p>The storage is a linked list of fixed-size chunks indexed by one ever-growing 64-bit
 * position (the layout of JCTools' {@code MpscUnboundedArrayQueue} family and of Vyukov's
 * bounded MPMC queue, made unbounded by linking chunks): a slot never moves, a chunk is never
 * reused (the garbage collector frees a chunk once the consumer and the producers' hint have
 * passed it), so no index can see an ABA. A claim is a CAS on {@code producerIndex}, not an
 * atomic add, so that the chunks a claim needs are linked <i>before</i> it: a consumer that sees a
 * claimed index always finds its chunk, and an {@link OutOfMemoryError} while linking leaves no
 * claimed slot behind that would never be filled (JCTools' MPSC array queues claim with a CAS
 * for the same kind of reason). A claim covers a whole batch, so a balancer move is one CAS.
 *
 * <h2>Happens-before edges relied on</h2>
 *
 * <ul>
 *   <li><b>Link before claim.</b> A producer links every chunk its range needs (CAS on {@code
 *       Chunk.next}) before its CAS on {@code producerIndex}; a consumer reads {@code
 *       producerIndex} (volatile) before it follows {@code next} (acquire), so it never finds a
 *       claimed index without its chunk.
 *   <li><b>Slot publication.</b> A producer stores a task into its claimed slot with release
 *       ({@code soSlot}); a consumer reads the slot with acquire ({@code laSlot}). Edge: every
 *       write the submitter made into the task (and its captured state) happens-before the
 *       consumer's read of the slot that sees it: safe publication. Between the claim and the
 *       store a slot is null; a consumer that reaches such a slot waits for it (below).
 *   <li><b>The Dekker edge of the scheduler.</b> The claim is a volatile read-modify-write of
 *       {@code producerIndex}, and {@link #isEmpty()} is a volatile read of it. The scheduler's
 *       lost-wake-up defence (publish, then look for a sleeper; go idle, then re-check; see
 *       {@code io.smolscale.impl.Pool}) pairs the claim with the submitter's later volatile read
 *       of the idle set, and a worker's idle push with its later read here: both sides write
 *       then read volatile variables, so one of them sees the other (Dekker's pattern). A task
 *       counts as queued from its claim, which is earlier than its store, so the worker that the
 *       re-check sends searching may have to wait for the store: that is the wait above, never a
 *       missed task.
 *   <li><b>Consumers.</b> {@code consumerIndex} and {@code consumerChunk} are written only under
 *       {@code lock}. A take first reads {@code producerIndex}, then moves {@code consumerIndex}
 *       past the tasks it takes with a volatile store (its linearization point, so that {@link
 *       #size()} never counts a task that a take already owns; Lincheck found that history when
 *       the store came after the copy), then copies them out. It only grows and never passes
 *       {@code producerIndex}; read first, then {@code producerIndex}, it gives a size that is
 *       never negative, and a stale value only makes the queue look non-empty (a consumer then
 *       looks under the lock).
 *   <li>{@code producerChunk} is a hint: the chunk of the newest claimed index (volatile,
 *       advanced forward only by CAS). A producer reads it before it reads {@code producerIndex};
 *       since the hint is set only after a claim reached its chunk, the index read next is never
 *       behind the hint's chunk, and the producer walks forward from there.
 * </ul>
 *
 * <p>Progress: {@link #offer} and {@link #offerBatch} are lock-free (a failed CAS means another
 * producer claimed). {@link #poll()}, {@link #pollBatch} and {@link #drain()} are blocking: they
 * take the consumers' lock, and a consumer that reaches a claimed slot whose producer has not
 * stored yet waits for that store, which is the producer's next step (JCTools' {@code poll} has
 * the same wait; a producer preempted in that one-instruction window delays consumers by its
 * time slice, which is why the wait yields the processor after a short spin).
 */
public final class GlobalQueue extends GlobalQueueConsumerFields {
  /** Slots per chunk, unless a test asks for smaller chunks to exercise the linking. */
  public static final int DEFAULT_CHUNK = 1024;

  /** Spins on a claimed but not yet stored slot before the consumer starts to yield. */
  private static final int SPINS_BEFORE_YIELD = 128;

  private static final VarHandle P_INDEX;
  private static final VarHandle P_CHUNK;
  private static final VarHandle C_INDEX;
  private static final VarHandle NEXT;
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Runnable[].class);

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      P_INDEX = l.findVarHandle(GlobalQueueProducerFields.class, "producerIndex", long.class);
      P_CHUNK = l.findVarHandle(GlobalQueueProducerFields.class, "producerChunk", Chunk.class);
      C_INDEX = l.findVarHandle(GlobalQueueConsumerFields.class, "consumerIndex", long.class);
      NEXT = l.findVarHandle(Chunk.class, "next", Chunk.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int chunkSize;
  private final Object lock = new Object();

  /**
   * The chunk holding {@code consumerIndex}; read and written only under {@code lock} (not
   * annotated {@code @GuardedBy}: the Lock Checker would then refuse to pass it to the helpers
   * that take a chunk, which are also called for producers' chunks).
   */
  private Chunk consumerChunk;

  /** Creates an empty queue with the default chunk size. */
  public GlobalQueue() {
    this(DEFAULT_CHUNK);
  }

  /**
   * Creates an empty queue.
   *
   * @param chunkSize slots per chunk, a power of two of at least 2 (small chunks make tests cross
   *     chunk boundaries)
   * @throws IllegalArgumentException if {@code chunkSize} is not a power of two of at least 2
   */
  public GlobalQueue(int chunkSize) {
    if (chunkSize < 2 || Integer.bitCount(chunkSize) != 1) {
      throw new IllegalArgumentException(
          "chunk size must be a power of two >= 2, was " + chunkSize);
    }
    this.chunkSize = chunkSize;
    Chunk first = new Chunk(0, chunkSize);
    this.consumerChunk = first;
    P_CHUNK.setRelease(this, first); // published to other threads with the queue itself
  }

  /** A segment of slots {@code [base, base + slots.length)}; linked once, never reused. */
  static final class Chunk {
    final long base;
    final @Nullable Runnable[] slots;
    volatile @Nullable Chunk next;

    Chunk(long base, int size) {
      this.base = base;
      this.slots = new Runnable[size];
    }
  }

  // ---- named accessors, JCTools style: lv = load volatile, la = load acquire, lp = load plain,
  // sv = store volatile, so = store release, sp = store plain, cas = compareAndSet (volatile).

  private long lvProducerIndex() {
    return (long) P_INDEX.getVolatile(this);
  }

  private boolean casProducerIndex(long expect, long update) {
    return P_INDEX.compareAndSet(this, expect, update);
  }

  private Chunk lvProducerChunk() {
    return (Chunk) P_CHUNK.getVolatile(this);
  }

  private boolean casProducerChunk(Chunk expect, Chunk update) {
    return P_CHUNK.compareAndSet(this, expect, update);
  }

  private long lvConsumerIndex() {
    return (long) C_INDEX.getVolatile(this);
  }

  private long lpConsumerIndex() {
    return (long) C_INDEX.get(this);
  }

  private void svConsumerIndex(long value) {
    C_INDEX.setVolatile(this, value);
  }

  private static @Nullable Chunk laNext(Chunk c) {
    return (@Nullable Chunk) NEXT.getAcquire(c);
  }

  @SuppressWarnings("nullness") // the expected value null is the point: link only once
  private static boolean casNext(Chunk c, Chunk update) {
    return NEXT.compareAndSet(c, (Chunk) null, update);
  }

  private @Nullable Runnable laSlot(Chunk c, long index) {
    return (@Nullable Runnable) SLOT.getAcquire(c.slots, (int) (index - c.base));
  }

  private void soSlot(Chunk c, long index, Runnable task) {
    SLOT.setRelease(c.slots, (int) (index - c.base), task);
  }

  private void spSlot(Chunk c, long index, @Nullable Runnable task) {
    c.slots[(int) (index - c.base)] = task;
  }

  // ---------------------------------------------------------------- producers

  /**
   * Appends a task.
   *
   * @param task the task
   */
  public void offer(Runnable task) {
    Chunk hint;
    Chunk c;
    long p;
    do {
      hint = lvProducerChunk();
      c = hint;
      p = lvProducerIndex();
      while (p >= c.base + chunkSize) {
        c = nextOrLink(c); // the claim's chunk is linked before the claim
      }
    } while (!casProducerIndex(p, p + 1));
    soSlot(c, p, task);
    if (c != hint) {
      advanceHint(c); // only a claim past the hint's chunk moves it
    }
  }

  /**
   * Appends the first {@code n} tasks of {@code batch} and then {@code last}, if not null, in one
   * claim: the batch is contiguous and in order, whatever other producers do.
   *
   * @param batch the tasks; slots below {@code n} must not be null
   * @param n how many of them
   * @param last one more task after them, or null
   */
  public void offerBatch(@Nullable Runnable[] batch, int n, @Nullable Runnable last) {
    int total = n + (last == null ? 0 : 1);
    if (total == 0) {
      return;
    }
    for (int k = 0; k < n; k++) {
      if (batch[k] == null) { // checked before the claim: a claimed slot left empty stalls polls
        throw new IllegalArgumentException("null task in batch at " + k);
      }
    }
    Chunk hint;
    Chunk c;
    long p;
    do {
      hint = lvProducerChunk();
      c = hint;
      p = lvProducerIndex();
      Chunk end = c;
      while (p + total > end.base + chunkSize) {
        end = nextOrLink(end);
      }
    } while (!casProducerIndex(p, p + total));
    for (int k = 0; k < total; k++) {
      long i = p + k;
      while (i >= c.base + chunkSize) {
        c = nextLinked(c);
      }
      @Nullable Runnable t = k < n ? batch[k] : last;
      soSlot(c, i, castNonNull(t));
    }
    if (c != hint) {
      advanceHint(c);
    }
  }

  @SuppressWarnings("nullness") // checked before the claim: every slot below n is a task
  private static Runnable castNonNull(@Nullable Runnable t) {
    return t;
  }

  /** The chunk after {@code c}, linking a new one if there is none yet (before any claim of it). */
  private Chunk nextOrLink(Chunk c) {
    Chunk next = laNext(c);
    if (next != null) {
      return next;
    }
    Chunk fresh = new Chunk(c.base + chunkSize, chunkSize);
    if (casNext(c, fresh)) {
      return fresh;
    }
    return nextLinked(c);
  }

  /** The chunk after {@code c}, which the caller knows is linked (a claim past {@code c} exists). */
  private static Chunk nextLinked(Chunk c) {
    Chunk next = laNext(c);
    if (next == null) {
      throw new IllegalStateException("global queue: claimed index without its chunk");
    }
    return next;
  }

  /** Moves the producers' hint forward to {@code c}, never back. */
  private void advanceHint(Chunk c) {
    Chunk h;
    while ((h = lvProducerChunk()).base < c.base && !casProducerChunk(h, c)) {
      // another producer moved it: look again
    }
  }

  // ---------------------------------------------------------------- consumers

  /**
   * Removes the oldest task.
   *
   * @return the task, or null if the queue is empty
   */
  public @Nullable Runnable poll() {
    if (isEmpty()) {
      return null;
    }
    synchronized (lock) {
      long ci = lpConsumerIndex();
      if (ci == lvProducerIndex()) {
        return null;
      }
      svConsumerIndex(ci + 1); // the take's linearization point: see the overview
      return takeAt(ci);
    }
  }

  /**
   * Removes up to {@code max} of the oldest tasks: returns the oldest and moves the others, in
   * order, into a worker's local queue (so the task about to run never makes a round trip through
   * the ring), no more than fit into the local queue. The caller must be the local queue's
   * owner.
   *
   * <p>How many it takes is decided from one read of the producers' index: a claim that lands
   * between that read and the take's store is left for the next take, so against concurrent
   * producers the count is "at most {@code max}, at least what was queued when it looked", not
   * "{@code min(max, size)}" at one instant. The count is a heuristic (Go's fair share); what
   * matters, that every task is taken once and in order, holds (Lincheck checks batch takes
   * against polls, jcstress against offers). Looking again after the store and extending the take
   * would make a second visible step, which is worse: a concurrent {@link #poll()} could see the
   * queue empty between the two.
   *
   * @param dst the caller's local queue
   * @param max the most to remove, at least 1
   * @return the oldest task removed, or null if the queue was empty
   */
  public @Nullable Runnable pollBatch(LocalQueue dst, int max) {
    if (isEmpty()) {
      return null;
    }
    synchronized (lock) {
      long ci = lpConsumerIndex();
      long available = lvProducerIndex() - ci;
      if (available <= 0) {
        return null;
      }
      // Only what fits: the take is published before the tasks are copied.
      long n = Math.min(Math.min(Math.max(1, max), available), 1L + dst.remainingCapacity());
      svConsumerIndex(ci + n); // the take, in one store: see the overview
      Runnable first = takeAt(ci);
      for (long i = ci + 1; i < ci + n; i++) {
        if (!dst.offer(takeAt(i))) {
          throw new IllegalStateException("local queue refused a task it had room for");
        }
      }
      return first;
    }
  }

  /**
   * Removes every task (for {@code shutdownNow}): those claimed before this call's read of the
   * producers' index.
   *
   * @return the tasks, oldest first
   */
  public List<Runnable> drain() {
    synchronized (lock) {
      long ci = lpConsumerIndex();
      long end = lvProducerIndex();
      List<Runnable> out = new ArrayList<>((int) Math.min(end - ci, 1 << 20));
      svConsumerIndex(end);
      for (long i = ci; i < end; i++) {
        out.add(takeAt(i));
      }
      return out;
    }
  }

  /** Takes the task at {@code index} (the consumer index), moving to the next chunk if needed. */
  @Holding("lock")
  private Runnable takeAt(long index) {
    Chunk c = consumerChunk;
    if (index == c.base + chunkSize) {
      c = nextLinked(c); // linked before the claim of index, which this consumer has seen
      consumerChunk = c;
    }
    Runnable task = awaitSlot(c, index);
    spSlot(c, index, null); // plain: the chunk is never reused; this only lets the task go
    return task;
  }

  /** Waits for the producer that claimed {@code index} to store into it (its next step). */
  private Runnable awaitSlot(Chunk c, long index) {
    Runnable task;
    int spins = 0;
    while ((task = laSlot(c, index)) == null) {
      if (++spins < SPINS_BEFORE_YIELD) {
        Thread.onSpinWait();
      } else {
        Thread.yield(); // the producer was preempted between its claim and its store
      }
    }
    return task;
  }

  // ---------------------------------------------------------------- lock-free reads

  /**
   * The number of queued tasks, claimed ones included (volatile reads, no lock). Linearizable at
   * the read of the producers' index: the consumers' index is read before and after it and the
   * reads are retried until both agree (a single read pair could pair an old consumer index with
   * a newer producer index and report a size the queue never had; Lincheck found that).
   *
   * @return the size, never negative
   */
  public long size() {
    long c;
    long p;
    do {
      c = lvConsumerIndex();
      p = lvProducerIndex();
    } while (c != lvConsumerIndex());
    return p - c;
  }

  /**
   * Tells whether the queue is empty (two volatile reads, no lock): the read of the producers'
   * index is the scheduler's re-check, see the overview.
   *
   * @return true if empty
   */
  public boolean isEmpty() {
    long c = lvConsumerIndex();
    return lvProducerIndex() == c;
  }

  /**
   * Every task ever appended (claimed), for statistics.
   *
   * @return the count
   */
  public long totalOffered() {
    return lvProducerIndex();
  }
}

/** Cache-line padding before the producers' line. */
@SuppressWarnings("unused")
abstract class GlobalQueuePad0 {
  long p00, p01, p02, p03, p04, p05, p06, p07;
  long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** The producers' line: CASed by every submitter. */
abstract class GlobalQueueProducerFields extends GlobalQueuePad0 {
  volatile long producerIndex;
  volatile GlobalQueue.@Nullable Chunk producerChunk;
}

/** Padding between the producers' line and the consumers' line (different writers). */
@SuppressWarnings("unused")
abstract class GlobalQueuePad1 extends GlobalQueueProducerFields {
  long p00, p01, p02, p03, p04, p05, p06, p07;
  long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** The consumers' index, written under the consumers' lock. */
abstract class GlobalQueueConsumerFields extends GlobalQueuePad1 {
  volatile long consumerIndex;
}
