package io.smolscale.jcstress.broken;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code SerialHandOut} with one bug: the holder releases and leaves without re-reading the
 * queue (the release's half of the Dekker pair is missing). For {@link
 * BrokenSerialHandOutAddVsReleaseTest} only.
 */
final class BrokenSerialHandOut {
  final ConcurrentLinkedQueue<Integer> items = new ConcurrentLinkedQueue<>();
  final AtomicInteger held = new AtomicInteger(1); // starts held, as in the test
  final AtomicInteger given = new AtomicInteger();

  void kick() {
    while (!items.isEmpty() && held.compareAndSet(0, 1)) {
      handOut();
    }
  }

  void carryOn() {
    handOut(); // BUG: no kick() after the release, so nothing re-reads the queue
  }

  private void handOut() {
    while (items.poll() != null) {
      given.incrementAndGet();
    }
    held.set(0);
  }
}
