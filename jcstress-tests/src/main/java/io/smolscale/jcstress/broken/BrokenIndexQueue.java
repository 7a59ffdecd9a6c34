package io.smolscale.jcstress.broken;

/**
 * A multi-producer array queue with one planted bug: {@link #offer} claims its slot with a
 * volatile read and a separate volatile write of {@code tail} instead of one atomic step (the CAS
 * of {@code GlobalQueue}'s claim). Two producers can claim the same slot, and one
 * element overwrites the other: a lost task.
 */
public final class BrokenIndexQueue {
  private final Object[] items = new Object[16];
  private volatile int tail;

  public void offer(Object x) {
    int t = tail; // BUG: read ...
    items[t] = x;
    tail = t + 1; // ... and write are two steps
  }

  /** Sequential use only (the test's arbiter): how many distinct elements are held. */
  public int distinctCount() {
    int n = 0;
    for (int i = 0; i < tail; i++) {
      Object x = items[i];
      boolean seen = false;
      for (int j = 0; j < i; j++) {
        seen |= items[j] == x;
      }
      if (x != null && !seen) {
        n++;
      }
    }
    return n;
  }
}
