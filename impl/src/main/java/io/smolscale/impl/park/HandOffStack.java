package io.smolscale.impl.park;

import java.util.ArrayDeque;
import org.checkerframework.checker.lock.qual.GuardedBy;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A stack of parked threads' nodes, each popped together with a <i>hand-off</i>: what the popper
 * gives the popped thread to do. The spare threads' set ({@code io.smolscale.impl.Spares}) is one.
 *
 * <h2>Implementation overview</h2>
 *
 * <p>An {@link ArrayDeque} under a lock, LIFO (the most recently parked node, warm, is popped
 * first; the others age out). The protocol is in who may act on a node: the owner {@link #push}es
 * its node and later either {@link #remove}s it (its keep-alive passed, or its re-check found
 * work) or reads its hand-off; a popper {@link #pop}s it. Exactly one of a removal and a pop
 * takes a node out, under the lock. The popper stores the hand-off into the node <b>inside the
 * same critical section</b> (after the caller's {@code whilePopped} step, where it does the
 * count changes of the edge it takes, so the popped thread is counted before it can act), then
 * unparks it outside. So an owner whose removal fails knows it was popped, and the lock orders
 * the popper's store before the owner's failed removal: the hand-off is already visible. No
 * hand-off is lost or delivered twice (jcstress {@code HandOffStackPopVsRemoveTest}; the
 * negative control {@code BrokenHandOffStackPopVsRemoveTest} stores after the lock and loses it).
 *
 * <p>Happens-before edges relied on: the lock orders pushes, pops and removals; the node's
 * hand-off is volatile, written by the popper under the lock (or cleared by the owner in {@link
 * #push}, under the lock), read by the owner after it is unparked or after a failed removal;
 * {@code size} is a volatile store under the lock, read without it by poppers deciding whether to
 * try.
 *
 * @param <N> the node type (a worker)
 */
public final class HandOffStack<N extends IdleSet.Node> {
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final ArrayDeque<N> stack = new ArrayDeque<>();

  private volatile int size;

  /** Creates an empty stack. */
  public HandOffStack() {}

  /**
   * The number of nodes in the stack (a volatile read).
   *
   * @return the size
   */
  public int size() {
    return size;
  }

  /**
   * Pushes the caller's own node, clearing its hand-off. The node must not be in the stack.
   *
   * @param node the node
   */
  public void push(N node) {
    synchronized (lock) {
      node.handoff = null;
      stack.addLast(node);
      size = stack.size();
    }
  }

  /**
   * Takes the caller's own node out of the stack.
   *
   * @param node the node
   * @return true if it was there; false if a popper took it, whose hand-off is then visible
   */
  public boolean remove(N node) {
    synchronized (lock) {
      boolean removed = stack.removeLastOccurrence(node);
      size = stack.size();
      return removed;
    }
  }

  /**
   * Pops the most recently pushed node and hands it {@code handoff}; the caller must then unpark
   * its thread.
   *
   * @param handoff what the popped thread is to do, not null
   * @param whilePopped run under the lock after the pop and before the hand-off is stored (the
   *     count changes of the popped thread's edge)
   * @return the popped node, or null if the stack was empty
   */
  public @Nullable N pop(Object handoff, Runnable whilePopped) {
    if (size == 0) {
      return null;
    }
    synchronized (lock) {
      N n = stack.pollLast();
      if (n == null) {
        return null;
      }
      size = stack.size();
      whilePopped.run();
      n.handoff = handoff;
      return n;
    }
  }
}
