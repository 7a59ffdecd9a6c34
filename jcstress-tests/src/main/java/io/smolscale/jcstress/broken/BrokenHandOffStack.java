package io.smolscale.jcstress.broken;

import java.util.ArrayDeque;

/**
 * A hand-off stack with the bug the real one ({@code io.smolscale.impl.park.HandOffStack}) is
 * built to avoid: the popper stores the hand-off after leaving the lock, so a spare whose
 * keep-alive passes in between finds itself popped (its removal fails) but no hand-off yet: it
 * exits, and the body handed to it is lost.
 */
public final class BrokenHandOffStack {
  /** A node: what the popper handed it. */
  public static final class Node {
    volatile Object handoff;
  }

  private final Object lock = new Object();
  private final ArrayDeque<Node> stack = new ArrayDeque<>();

  public void push(Node n) {
    synchronized (lock) {
      n.handoff = null;
      stack.addLast(n);
    }
  }

  public boolean remove(Node n) {
    synchronized (lock) {
      return stack.removeLastOccurrence(n);
    }
  }

  public Node pop(Object handoff) {
    Node n;
    synchronized (lock) {
      n = stack.pollLast();
    }
    if (n != null) {
      n.handoff = handoff; // BUG: after the lock
    }
    return n;
  }

  public static Object handoffOf(Node n) {
    return n.handoff;
  }
}
