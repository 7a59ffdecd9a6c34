package io.smolscale.impl.queue;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.checkerframework.checker.nullness.qual.NonNull;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A {@link ConcurrentLinkedQueue} (Michael and Scott's non-blocking queue) with its size kept in a
 * counter, for a policy that reads the size on every decision: {@link
 * ConcurrentLinkedQueue#size} walks the whole list, and a burst of 1,000 waiting bodies would cost
 * a million node visits. The size is the elements offered minus those polled, each counted after
 * its queue operation, so it may lag the queue by the operations in flight (a poll can even be
 * counted before the offer it took: the difference is clamped at zero). An estimate for a
 * heuristic, never a synchronisation device ({@link #offer}, {@link #poll} and {@link #isEmpty} are the
 * queue's own volatile accesses, which is what a protocol may rely on).
 *
 * @param <E> the elements
 */
public final class CountingQueue<E extends @NonNull Object> {
  private final ConcurrentLinkedQueue<E> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong offered = new AtomicLong();
  private final AtomicLong polled = new AtomicLong();

  /**
   * Appends an element (a volatile write of the queue).
   *
   * @param e the element
   */
  public void offer(E e) {
    queue.offer(e);
    offered.incrementAndGet();
  }

  /**
   * Removes the oldest element.
   *
   * @return it, or null if the queue is empty
   */
  public @Nullable E poll() {
    E e = queue.poll();
    if (e != null) {
      polled.incrementAndGet();
    }
    return e;
  }

  /**
   * How many elements were ever removed: a progress count (a policy compares two readings).
   *
   * @return the count
   */
  public long polls() {
    return polled.get();
  }

  /**
   * Whether the queue is empty (a volatile read of the queue, not of the count).
   *
   * @return true if empty
   */
  public boolean isEmpty() {
    return queue.isEmpty();
  }

  /**
   * The number of elements, from the counter (O(1)); see the class comment for how far it may be
   * off.
   *
   * @return the estimate, never negative
   */
  public int size() {
    return (int) Math.max(0, offered.get() - polled.get());
  }
}
