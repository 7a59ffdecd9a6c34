package io.smolscale.jcstress.broken;

/**
 * A permit parker with the classic lost-wake-up bug: {@link #park} tests the permit, and then
 * waits on the monitor without testing it again under the monitor. An {@link #unpark} that lands
 * between the test and the wait sets the permit and notifies nobody, and the parker sleeps
 * forever. (The fix, which {@code Parker} must have: test the permit under the same lock or
 * word that {@code unpark} publishes it through.)
 */
public final class BrokenParker {
  private volatile boolean permit;

  public void park() throws InterruptedException {
    if (permit) {
      permit = false;
      return;
    }
    // The window in which an unpark is lost. A yield widens it so that a two-core CI machine
    // shows the bug in every quick run instead of now and then; it does not create the bug.
    Thread.yield();
    synchronized (this) {
      wait(); // BUG: no re-check of the permit under the monitor
    }
    permit = false;
  }

  public void unpark() {
    permit = true;
    synchronized (this) {
      notifyAll();
    }
  }
}
