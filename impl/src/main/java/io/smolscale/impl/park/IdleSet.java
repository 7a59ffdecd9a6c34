package io.smolscale.impl.park;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.checkerframework.checker.lock.qual.Holding;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The sleepers' registry: the set of parked workers, kept as a LIFO stack, and the count of
 * workers that are searching for work (woken or started and not yet running a task).
 *
 * <h2>Implementation overview</h2>
 *
 * <p>An intrusive doubly linked list under a lock: {@link #push} and {@link #remove} by the worker
 * itself, {@link #popToSearch} by a waker. LIFO, so the most recently parked worker (warm cache)
 * is woken first and the others age out and retire after the keep-alive, as in Kotlin's
 * CoroutineScheduler's parked-worker stack. The lock is taken only when a worker parks, when a
 * waker finds the volatile {@link #size()} non-zero, and when a worker retires: never on the path
 * of a task that runs where it was spawned.
 *
 * <p>The searching count follows Tokio's idle protocol: a submitter wakes a sleeper only if no
 * worker is searching, because a searching worker will find the new work anyway; a woken worker
 * stops searching when it finds a task (and then wakes the next one if more work waits) or when it
 * parks again (and then re-checks the queues first). {@link #popToSearch} increments the count
 * under the lock before it clears the node's {@code linked} flag (the last store of a pop, the one
 * the popped worker reads without the lock), so a worker that sees itself popped is already
 * counted and the count never goes below zero. The three lock-free observers ({@code size},
 * {@code searching}, {@code isIdle}) change one after another inside the lock, so they are not
 * jointly linearizable; the protocol needs only that order (checked by jcstress {@code
 * IdleSetPoppedWorkerIsCountedTest}).
 *
 * <p>Happens-before edges relied on: the lock orders pushes, pops and removals; {@code size} and
 * {@code searching} are written with volatile stores or read-modify-writes, so that the Dekker
 * pairs described in {@code Pool} (a worker publishes its idleness then re-reads
 * the global queue's producers' index; a submitter claims a slot for its task then reads these
 * counts) are ordered by
 * the synchronization order. Each node's {@code linked} flag is written under the lock with a
 * volatile store, so a worker can see without the lock whether a waker popped it.
 *
 * @param <N> the node type (the worker)
 */
public final class IdleSet<N extends IdleSet.Node> {

  /** The intrusive links a worker carries. */
  public abstract static class Node {
    @Nullable Node prev;
    @Nullable Node next;
    volatile boolean linked;

    /** What a {@link HandOffStack} popper handed this node (volatile: see that class). */
    volatile @Nullable Object handoff;

    /** Creates an unlinked node. */
    protected Node() {}

    /**
     * Tells whether this node is in the set (a volatile read).
     *
     * @return true if parked in the set and not yet popped
     */
    public final boolean isIdle() {
      return linked;
    }

    /**
     * What a {@link HandOffStack} popper handed this node (a volatile read).
     *
     * @return the hand-off, or null if none since the node was last pushed
     */
    public final @Nullable Object handoff() {
      return handoff;
    }
  }

  private static final VarHandle SEARCHING;

  static {
    try {
      SEARCHING = MethodHandles.lookup().findVarHandle(IdleSet.class, "searching", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Object lock = new Object();

  /**
   * The most recently parked worker. Guarded by {@code lock}, as are every node's {@code prev} and
   * {@code next}: a guard on another object's fields is not expressible to the Lock Checker, so
   * this discipline is stated here and kept by making every access below sit in {@code
   * synchronized (lock)} or in {@link #unlink}, which is only called there.
   */
  private @Nullable Node top;

  private volatile int size;
  private volatile int searching;

  /** Creates an empty set. */
  public IdleSet() {}

  /**
   * Adds a worker that is about to park (publishes its idleness).
   *
   * @param node the worker; must not be in the set
   */
  public void push(N node) {
    synchronized (lock) {
      if (node.linked) {
        throw new IllegalStateException("worker is already idle");
      }
      Node t = top;
      node.prev = null;
      node.next = t;
      if (t != null) {
        t.prev = node;
      }
      top = node;
      node.linked = true;
      size = size + 1; // volatile store under the lock
    }
  }

  /**
   * Takes the most recently parked worker and counts it as searching; the caller must then
   * unpark it.
   *
   * @return the worker, or null if none is idle
   */
  @SuppressWarnings("unchecked") // every node in the list was pushed as an N
  public @Nullable N popToSearch() {
    if (size == 0) {
      return null;
    }
    synchronized (lock) {
      Node t = top;
      if (t == null) {
        return null;
      }
      // Count it first: the popped worker acts on its `linked` flag without the lock, and must
      // never see itself popped before it is counted (else its decrement could go below zero).
      SEARCHING.getAndAdd(this, 1);
      unlink(t);
      return (N) t;
    }
  }

  /**
   * Removes a worker that no longer wants to sleep (it found work on its re-check, or its
   * keep-alive passed).
   *
   * @param node the worker
   * @return true if it was in the set; false if a waker popped it first (it was then counted as
   *     searching)
   */
  public boolean remove(N node) {
    if (!node.linked) {
      return false;
    }
    synchronized (lock) {
      if (!node.linked) {
        return false;
      }
      unlink(node);
      return true;
    }
  }

  @Holding("lock")
  private void unlink(Node node) {
    Node p = node.prev;
    Node n = node.next;
    if (p == null) {
      top = n;
    } else {
      p.next = n;
    }
    if (n != null) {
      n.prev = p;
    }
    node.prev = null;
    node.next = null;
    size = size - 1; // volatile store under the lock, before the flag the worker acts on
    node.linked = false;
  }

  /**
   * The number of parked workers (a volatile read).
   *
   * @return the size
   */
  public int size() {
    return size;
  }

  /**
   * The number of searching workers (a volatile read).
   *
   * @return the count
   */
  public int searching() {
    return searching;
  }

  /** Counts a worker as searching (a new worker, or one whose re-check found work). */
  public void incrementSearching() {
    SEARCHING.getAndAdd(this, 1);
  }

  /**
   * Counts the caller as searching only if nobody is: how a worker about to go idle becomes the
   * one pre-park spinner (see {@code Worker}). A volatile compare-and-set from 0 to 1, so that a
   * submitter that reads the count after publishing its task either sees the spinner or was
   * ordered before it (and the spinner's later look at the global queue sees the task).
   *
   * @return true if the count went from 0 to 1
   */
  public boolean tryStartSearchingAlone() {
    return SEARCHING.compareAndSet(this, 0, 1);
  }

  /**
   * Stops counting a worker as searching.
   *
   * @return the count after the decrement
   */
  public int decrementSearching() {
    return (int) SEARCHING.getAndAdd(this, -1) - 1;
  }
}
