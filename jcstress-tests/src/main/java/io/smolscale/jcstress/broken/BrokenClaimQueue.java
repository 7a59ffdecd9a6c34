package io.smolscale.jcstress.broken;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A claim-then-store multi-producer queue, as {@code GlobalQueue}, with one planted bug: a
 * consumer that finds a claimed slot still empty (its producer has claimed the index but not yet
 * stored) treats it as consumed and moves on, instead of waiting for the store. The task stored
 * a moment later is never taken: a lost task. The tempting "optimisation" this control guards
 * against.
 */
public final class BrokenClaimQueue {
  private static final VarHandle TAIL;
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

  static {
    try {
      TAIL = MethodHandles.lookup().findVarHandle(BrokenClaimQueue.class, "tail", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Object[] items = new Object[16];
  private volatile long tail;
  private long head; // guarded by this

  public void offer(Object x) {
    long t = (long) TAIL.getAndAdd(this, 1L); // the claim
    SLOT.setRelease(items, (int) t, x); // the store, one step later
  }

  public synchronized Object poll() {
    if (head == tail) {
      return null;
    }
    Object x = SLOT.getAcquire(items, (int) head);
    head++; // BUG: consumed even when x is still null (claimed, not stored)
    return x;
  }

  /** Sequential use only (the test's arbiter): takes what is left, counting the elements. */
  public synchronized int drainCount() {
    int n = 0;
    for (; head < tail; head++) {
      if (items[(int) head] != null) {
        n++;
      }
    }
    return n;
  }
}
