package io.smolscale.jcstress.task;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.impl.task.TaskImpl;
import io.smolscale.jcstress.DirectScheduler;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * Task: failures never vanish. A failing body racing detach(): the failure reaches the
 * uncaught-exception handler exactly once, whichever comes first (the Dekker pair between the
 * result and the detached flag). r1 = number of reports.
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "reported once")
@Outcome(id = "0", expect = FORBIDDEN, desc = "the failure of a detached task vanished")
@Outcome(expect = FORBIDDEN, desc = "reported more than once")
@State
public class TaskDetachVsFailureTest {
  private final AtomicInteger reports = new AtomicInteger();
  private final TaskImpl<Integer> task =
      TaskImpl.ofCallable(DirectScheduler.INSTANCE, e -> reports.incrementAndGet(), () -> {
        throw new IllegalStateException("boom");
      });

  @Actor
  public void worker() {
    task.run();
  }

  @Actor
  public void owner() {
    task.detach();
  }

  @Arbiter
  public void count(I_Result r) {
    r.r1 = reports.get();
  }
}
