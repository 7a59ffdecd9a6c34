package io.smolscale.jcstress.broken;

/**
 * A task completion cell with the check-then-act bug: {@link #complete} and {@link #cancel}
 * each test for PENDING and then write their final state in a separate step, so both can win.
 * (The correct cell moves PENDING to a final state with one CAS.)
 */
public final class BrokenCompletion {
  static final int PENDING = 0;
  static final int SUCCEEDED = 1;
  static final int CANCELLED = 2;

  private volatile int state = PENDING;

  public boolean complete() {
    if (state == PENDING) { // BUG: test ...
      state = SUCCEEDED; // ... and set are two steps
      return true;
    }
    return false;
  }

  public boolean cancel() {
    if (state == PENDING) {
      state = CANCELLED;
      return true;
    }
    return false;
  }

  public int state() {
    return state;
  }
}
