package io.smolscale.lincheck;

import io.smolscale.Task;
import io.smolscale.impl.task.TaskImpl;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * The task handle: the worker's run (once) racing cancel, detach and the observers, against a
 * three-state specification (PENDING, then SUCCEEDED or CANCELLED, whichever comes first).
 *
 * <p>The run is linearized at the completion of its result; RUNNING, which a concurrent observer
 * can see while the body executes, is reported as PENDING (not yet completed), since the
 * specification's run is one step. The body returns 42.
 */
public class TaskLincheckTest {
  private final TaskImpl<Integer> task =
      TaskImpl.ofCallable(DirectScheduler.INSTANCE, e -> {}, () -> 42);

  @Operation(runOnce = true)
  public void run() {
    task.run();
  }

  /** A second cancel returns false ("true if this call moved the task to CANCELLED"). */
  @Operation
  public boolean cancel() {
    return task.cancel(false);
  }

  @Operation
  public String state() {
    Task.Status s = task.status();
    return s == Task.Status.RUNNING ? "PENDING" : s.name();
  }

  @Operation
  public boolean isDone() {
    return task.isDone();
  }

  @Operation
  public String resultNow() {
    if (!task.isDone()) {
      return "incomplete";
    }
    try {
      return String.valueOf(task.join());
    } catch (CancellationException e) {
      return "cancelled";
    } catch (CompletionException e) {
      return "failed";
    }
  }

  @Operation
  public boolean failureIsCancellation() {
    return task.failure() instanceof CancellationException;
  }

  /** The sequential specification. */
  public static class Spec {
    private String state = "PENDING";

    public void run() {
      if (state.equals("PENDING")) {
        state = "SUCCEEDED";
      }
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

    public boolean isDone() {
      return !state.equals("PENDING");
    }

    public String resultNow() {
      switch (state) {
        case "SUCCEEDED":
          return "42";
        case "CANCELLED":
          return "cancelled";
        default:
          return "incomplete";
      }
    }

    public boolean failureIsCancellation() {
      return state.equals("CANCELLED");
    }
  }

  @Test
  public void modelChecking() {
    LincheckConfig.oneShot(LincheckConfig.modelChecking())
        .sequentialSpecification(Spec.class)
        .check(getClass());
  }

  @Test
  public void stress() {
    LincheckConfig.oneShot(LincheckConfig.stress())
        .sequentialSpecification(Spec.class)
        .check(getClass());
  }
}
