package io.smolscale.impl.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import org.checkerframework.checker.lock.qual.GuardedBy;
import org.checkerframework.checker.lock.qual.Holding;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The scheduler's global run queue: multi-producer, multi-consumer, unbounded. It takes work
 * submitted from threads that are not workers, local-queue overflow, batches shared by a worker
 * with a backlog, and batches the balancer or preemptor moved off a worker.
 *
 * <h2>Implementation overview</h2>
 *
 * <p>A growable circular array guarded by one lock, with the element count mirrored in a
 * volatile field so that emptiness can be checked without the lock. Batches are the point: a
 * worker takes up to half of its local capacity at once ({@link #pollBatch}), and the balancer
 * moves batches in ({@link #offerBatch}), so the lock is taken once per batch rather than once per
 * task, as Go's scheduler does with its global run queue ({@code globrunqget}). Only single
 * submissions from outside threads pay one lock acquisition each. A lock-free Michael-Scott queue
 * was rejected: it allocates a node per task and cannot hand over a batch in one step.
 *
 * <p>Happens-before edges relied on:
 * <ul>
 *   <li>The lock: an element stored by {@code offer} is seen whole by the {@code poll} that takes
 *       it (unlock happens-before the next lock).
 *   <li>{@code size} is written with a volatile store inside the lock after every change. The
 *       scheduler's lost-wake-up defence (publish, then re-check; see {@code
 *       io.smolscale.impl.Pool}) pairs this store with a volatile load of the idle count or the
 *       searching count on the other side: both sides write then read volatile variables, so in
 *       the synchronization order at least one of them sees the other's write (Dekker's pattern).
 * </ul>
 *
 * <p>Progress: blocking (a lock), held for O(batch) steps.
 */
public final class GlobalQueue {
  private static final VarHandle SIZE;

  static {
    try {
      SIZE = MethodHandles.lookup().findVarHandle(GlobalQueue.class, "size", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Object lock = new Object();

  private @Nullable Runnable @GuardedBy("lock") [] items = new Runnable[64];

  /** Index of the oldest element; guarded by {@code lock} (the Lock Checker only tracks references). */
  private int head;

  /** Number of elements; guarded by {@code lock}. */
  private int count;

  /** Mirrors {@code count}; written with volatile stores under the lock, read without it. */
  private volatile long size;

  /** Creates an empty queue. */
  public GlobalQueue() {}

  /**
   * Appends a task.
   *
   * @param task the task
   */
  public void offer(Runnable task) {
    synchronized (lock) {
      ensureRoom(1);
      items[(head + count) & (items.length - 1)] = task;
      count++;
      SIZE.setVolatile(this, (long) count);
    }
  }

  /**
   * Appends the first {@code n} tasks of {@code batch} and then {@code last}, if not null.
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
    synchronized (lock) {
      ensureRoom(total);
      int m = items.length - 1;
      int at = head + count;
      for (int k = 0; k < n; k++) {
        items[(at + k) & m] = batch[k];
      }
      if (last != null) {
        items[(at + n) & m] = last;
      }
      count += total;
      SIZE.setVolatile(this, (long) count);
    }
  }

  @Holding("lock")
  private void ensureRoom(int extra) {
    int needed = count + extra;
    if (needed <= items.length) {
      return;
    }
    int capacity = items.length;
    while (capacity < needed) {
      capacity <<= 1;
      if (capacity <= 0) {
        throw new IllegalStateException("global queue is full (2^30 tasks)");
      }
    }
    @Nullable Runnable[] grown = new Runnable[capacity];
    int m = items.length - 1;
    for (int k = 0; k < count; k++) {
      grown[k] = items[(head + k) & m];
    }
    items = grown;
    head = 0;
  }

  /**
   * Removes the oldest task.
   *
   * @return the task, or null if the queue is empty
   */
  public @Nullable Runnable poll() {
    if (size == 0) {
      return null;
    }
    synchronized (lock) {
      if (count == 0) {
        return null;
      }
      Runnable task = items[head];
      items[head] = null;
      head = (head + 1) & (items.length - 1);
      count--;
      SIZE.setVolatile(this, (long) count);
      return task;
    }
  }

  /**
   * Moves up to {@code max} of the oldest tasks into a worker's local queue, stopping early if
   * the local queue fills up. The caller must be the local queue's owner.
   *
   * @param dst the caller's local queue
   * @param max the most to move, at least 1
   * @return the number moved
   */
  public int pollBatch(LocalQueue dst, int max) {
    if (size == 0) {
      return 0;
    }
    synchronized (lock) {
      int n = Math.min(max, count);
      int m = items.length - 1;
      int moved = 0;
      while (moved < n) {
        int i = (head + moved) & m;
        Runnable task = items[i];
        if (task == null || !dst.offer(task)) {
          break;
        }
        items[i] = null;
        moved++;
      }
      head = (head + moved) & m;
      count -= moved;
      SIZE.setVolatile(this, (long) count);
      return moved;
    }
  }

  /**
   * Removes every task (for {@code shutdownNow}).
   *
   * @return the tasks, oldest first
   */
  public List<Runnable> drain() {
    synchronized (lock) {
      List<Runnable> out = new ArrayList<>(count);
      int m = items.length - 1;
      for (int k = 0; k < count; k++) {
        int i = (head + k) & m;
        Runnable task = items[i];
        if (task != null) {
          out.add(task);
        }
        items[i] = null;
      }
      head = 0;
      count = 0;
      SIZE.setVolatile(this, 0L);
      return out;
    }
  }

  /**
   * The number of queued tasks (a volatile read, no lock).
   *
   * @return the size
   */
  public long size() {
    return size;
  }

  /**
   * Tells whether the queue is empty (a volatile read, no lock).
   *
   * @return true if empty
   */
  public boolean isEmpty() {
    return size == 0;
  }
}
