package io.smolscale.jcstress.broken;

/**
 * A copy of the local queue's design (single-producer ring, consumers serialised by a try-lock)
 * with one planted bug: {@link #stealHalf} takes its batch without the consumer lock, so it is
 * not atomic with the owner's {@link #poll}. Both can read the same {@code head} and return the
 * same element. This is the bug the consumer lock of {@code LocalQueue} exists to prevent.
 */
public final class BrokenRing {
  private final Object[] buffer;
  private final int mask;
  private volatile long head;
  private volatile long tail;

  public BrokenRing(int capacity) {
    buffer = new Object[capacity];
    mask = capacity - 1;
  }

  /** Owner only. */
  public boolean offer(Object x) {
    long t = tail;
    if (t - head > mask) {
      return false;
    }
    buffer[(int) t & mask] = x;
    tail = t + 1;
    return true;
  }

  /** Owner only; holds the consumer lock (here the object's monitor), as it should. */
  public synchronized Object poll() {
    long h = head;
    if (h == tail) {
      return null;
    }
    Object x = buffer[(int) h & mask];
    buffer[(int) h & mask] = null;
    head = h + 1;
    return x;
  }

  /** BUG: no lock, so the read of head and its advance race with the owner's poll. */
  public Object[] stealHalf() {
    long h = head;
    long n = (tail - h + 1) >>> 1;
    Object[] out = new Object[(int) n];
    for (int k = 0; k < n; k++) {
      out[k] = buffer[(int) (h + k) & mask];
    }
    head = h + n;
    return out;
  }
}
