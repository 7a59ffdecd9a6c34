package io.smolscale.jcstress.task;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.impl.task.TaskImpl;
import io.smolscale.jcstress.DirectScheduler;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Task: cancel(false) racing a worker that first looks at the task and then runs it. A worker
 * that saw the task cancelled must not start its body: code that observed the cancellation (a
 * join that threw, a nursery that moved on) may rely on "it never runs". r1 = the worker saw it
 * cancelled before run() (1), r2 = the body ran (1). Cancel completes the result before it moves
 * the run state, so without run()'s re-check of the result after its own CAS the worker can win
 * the run-state CAS in between: outcome (1, 1), seen once in a whole-suite run of TaskHandleTest.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "cancelled before or during the look; never ran")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "ran; cancelled while running, or not at all")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "seen cancelled, so it never ran")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "the body ran after the task was seen cancelled")
@State
public class TaskCancelledThenRunTest {
  private int ran;
  private final TaskImpl<Integer> task =
      TaskImpl.ofCallable(
          DirectScheduler.INSTANCE,
          e -> {},
          () -> {
            ran = 1;
            return 42;
          });

  @Actor
  public void worker(II_Result r) {
    r.r1 = task.isCancelled() ? 1 : 0;
    task.run();
  }

  @Actor
  public void canceller() {
    task.cancel(false);
  }

  @Arbiter
  public void observe(II_Result r) {
    r.r2 = ran;
  }
}
