package io.smolscale.impl.channel;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A FIFO of {@link Waiter}s: an intrusive doubly-linked list, so that a withdrawn waiter is
 * unlinked in O(1) at once rather than lazily (Go's {@code waitq} of {@code sudog}s does the same).
 * Lazy removal would let a channel that is polled with timeouts and never sent to accumulate dead
 * waiters without bound.
 *
 * <p>Not thread-safe: every method is called with the owning channel's lock held, and the links of
 * the waiters in it are touched only under that lock (see {@link Waiter}).
 *
 * @param <W> the kind of waiter; a queue only ever links waiters of its own kind
 */
final class WaitQueue<W extends Waiter<?>> {
  private @Nullable W head;
  private @Nullable W tail;

  /** The number of queued waiters, live or dead (for diagnostics and the tests' leak checks). */
  private int size;

  /** Appends {@code w} and marks it queued. */
  void add(W w) {
    W t = tail;
    w.queued = true;
    w.prev = t;
    w.next = null;
    if (t == null) {
      head = w;
    } else {
      t.next = w;
    }
    tail = w;
    size++;
  }

  /** The number of queued waiters, including dead select clauses not yet withdrawn. */
  int size() {
    return size;
  }

  /**
   * Claims the oldest live waiter: unlinks waiters from the head until one's {@link Waiter#claim}
   * succeeds. The dead ones (clauses of a select that another channel, a time-out or its owner
   * already decided) are dropped on the way; their select withdraws them too, so they do not
   * linger, but until then a claim may meet them.
   *
   * @return the claimed waiter, or null if no live one was queued
   */
  @Nullable W poll() {
    for (W h = head; h != null; h = head) {
      unlink(h);
      if (h.claim()) {
        return h;
      }
    }
    return null;
  }

  /**
   * Unlinks {@code w} if it is queued.
   *
   * @return true if it was queued (and now is not)
   */
  boolean remove(W w) {
    if (!w.queued) {
      return false;
    }
    unlink(w);
    return true;
  }

  /**
   * Claims every live waiter, oldest first ({@link #poll} until empty), and links the claimed ones
   * into a chain through {@code next} so that the caller can walk it after releasing the lock; the
   * waiters are no longer queued, so no one else touches those links any more, and the lock
   * release/acquire orders the writes.
   *
   * @return the oldest waiter of the chain, or null if none
   */
  @Nullable W detachAll() {
    @Nullable W first = null;
    @Nullable W last = null;
    for (W w = poll(); w != null; w = poll()) {
      if (last == null) {
        first = w;
      } else {
        last.next = w;
      }
      last = w;
    }
    return first;
  }

  /**
   * The waiter after {@code w} in a chain returned by {@link #detachAll}, leaving the link in place.
   * Lock held.
   *
   * @param w a waiter of this queue's kind
   * @return the next one, or null at the end
   */
  @SuppressWarnings("unchecked") // a queue only links waiters of its own kind W
  static <W extends Waiter<?>> @Nullable W nextInChain(W w) {
    return (@Nullable W) w.next;
  }

  /**
   * Steps along a chain returned by {@link #detachAll}: returns the waiter after {@code w} and
   * clears the link, so that a caller holding one waiter does not keep the rest of the chain alive.
   * Called without the lock by the thread that detached the chain, which owns it from then on.
   *
   * @param w a waiter of this queue's kind
   * @return the next one, or null at the end
   */
  @SuppressWarnings("unchecked") // a queue only links waiters of its own kind W
  static <W extends Waiter<?>> @Nullable W takeNext(W w) {
    W n = (@Nullable W) w.next;
    w.next = null;
    return n;
  }

  @SuppressWarnings("unchecked") // a queue only links waiters of its own kind W
  private void unlink(W w) {
    W p = (@Nullable W) w.prev;
    W n = (@Nullable W) w.next;
    if (p == null) {
      head = n;
    } else {
      p.next = n;
    }
    if (n == null) {
      tail = p;
    } else {
      n.prev = p;
    }
    w.prev = null;
    w.next = null;
    w.queued = false;
    size--;
  }
}
