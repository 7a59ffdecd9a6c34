package io.smolscale.jcstress.task;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.impl.task.TaskImpl;
import io.smolscale.jcstress.DirectScheduler;
import java.util.concurrent.CancellationException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZLI_Result;

/**
 * Task: a worker running the task (body returns 42) racing cancel(false). Exactly one wins and
 * everybody sees the winner: r1 = cancel's result, r2 = the final state, r3 = what join returns
 * (-1 = CancellationException).
 */
@JCStressTest
@Outcome(id = "true, CANCELLED, -1", expect = ACCEPTABLE, desc = "cancel won")
@Outcome(id = "false, SUCCEEDED, 42", expect = ACCEPTABLE, desc = "completion won")
@Outcome(expect = FORBIDDEN, desc = "two winners, or a state or join that disagrees with the winner")
@State
public class TaskCompletionVsCancelTest {
  private final TaskImpl<Integer> task =
      TaskImpl.ofCallable(DirectScheduler.INSTANCE, e -> {}, () -> 42);

  @Actor
  public void worker() {
    task.run();
  }

  @Actor
  public void canceller(ZLI_Result r) {
    r.r1 = task.cancel(false);
  }

  @Arbiter
  public void observe(ZLI_Result r) {
    r.r2 = task.status();
    try {
      r.r3 = task.join();
    } catch (CancellationException e) {
      r.r3 = -1;
    }
  }
}
