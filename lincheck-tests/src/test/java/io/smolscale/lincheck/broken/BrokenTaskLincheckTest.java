package io.smolscale.lincheck.broken;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smolscale.lincheck.LincheckConfig;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * A task cell whose completion and cancellation each test for PENDING and then write their final
 * state in a separate step (check-then-act, instead of one CAS), so both can win.
 */
public class BrokenTaskLincheckTest {
  private volatile String state = "PENDING";

  @Operation
  public boolean run() {
    if (state.equals("PENDING")) { // BUG: test ...
      state = "SUCCEEDED"; // ... then set
      return true;
    }
    return false;
  }

  @Operation
  public boolean cancel() {
    if (state.equals("PENDING")) {
      state = "CANCELLED";
      return true;
    }
    return false;
  }

  @Operation
  public String state() {
    return state;
  }

  /** The sequential specification (as in {@code TaskLincheckTest}, reduced to these operations). */
  public static class Spec {
    private String state = "PENDING";

    public boolean run() {
      if (state.equals("PENDING")) {
        state = "SUCCEEDED";
        return true;
      }
      return false;
    }

    public boolean cancel() {
      if (state.equals("PENDING")) {
        state = "CANCELLED";
        return true;
      }
      return false;
    }

    public String state() {
      return state;
    }
  }

  @Test
  public void modelCheckingDetectsTheBug() {
    assertThrows(LincheckAssertionError.class, () -> LincheckConfig.negativeControl()
        .sequentialSpecification(Spec.class)
        .check(getClass()));
  }
}
