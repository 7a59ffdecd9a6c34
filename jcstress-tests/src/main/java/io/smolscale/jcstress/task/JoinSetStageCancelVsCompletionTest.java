package io.smolscale.jcstress.task;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.Task;
import io.smolscale.impl.task.JoinSetImpl;
import io.smolscale.impl.task.TaskImpl;
import io.smolscale.jcstress.DirectScheduler;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Join set: the holder cancelling a {@code nextAsync} stage racing the completion that would be
 * handed to it. The set holds one asynchronous task waiting on a gate, and one stage waits in
 * line. One actor completes the gate (the hand-off runs on that thread), the other cancels the
 * stage. r1 = the cancel succeeded; r2 = the stage holds the task; r3 = a later {@code poll()} got
 * it. Proves the withdrawal protocol of {@code JoinSetImpl.Delivery}: cancel and hand-off are
 * decided under the set's lock, so the task goes to exactly one of the stage and the set.
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "cancelled first: the task stayed in the set")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "handed first: the cancel failed")
@Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "lost to a cancelled stage")
@Outcome(id = "0, 1, 1", expect = FORBIDDEN, desc = "taken twice")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class JoinSetStageCancelVsCompletionTest {
  private final CompletableFuture<Integer> gate = new CompletableFuture<>();
  private final JoinSetImpl<Integer> set =
      JoinSetImpl.forAddedTasks(DirectScheduler.INSTANCE);
  private final CompletableFuture<Task<Integer>> stage;

  public JoinSetStageCancelVsCompletionTest() {
    TaskImpl<Integer> t = TaskImpl.ofAsync(DirectScheduler.INSTANCE, e -> {}, () -> gate);
    t.run(); // waiting on the gate
    set.add(t);
    stage = set.nextAsync().toCompletableFuture();
  }

  @Actor
  public void completer() {
    gate.complete(1);
  }

  @Actor
  public void holder(III_Result r) {
    r.r1 = stage.cancel(false) ? 1 : 0;
  }

  @Arbiter
  public void observe(III_Result r) {
    r.r2 = stage.isDone() && !stage.isCompletedExceptionally() ? 1 : 0;
    r.r3 = set.poll() == null ? 0 : 1;
  }
}
