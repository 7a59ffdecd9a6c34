package io.smolscale.jcstress.queue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.impl.queue.GlobalQueue;
import io.smolscale.impl.queue.LocalQueue;
import io.smolscale.jcstress.Item;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JI_Result;

/**
 * The balancer's batch take racing the owner's look at {@code spilled()}, the count a worker uses
 * to take moved-out (older) tasks from the global queue before its own newer ones. The queue
 * holds element 1; the balancer moves it. The owner reads the count (r1), then polls the global
 * queue (r2 = the id found, 0 for none). Proves the release/acquire edge in {@code LocalQueue}'s
 * overview: a count that includes the batch is never seen before the batch is in the global
 * queue (on x86 only the program order of "publish, then count" can fail this; a missing
 * release fence would need a weaker machine).
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "owner looked before the move")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "moved between the owner's two reads")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "owner saw the count and found the task")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "counted as spilled before it was in the global queue")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class LocalQueueSpillCountedAfterPublishTest {
  private final LocalQueue local = new LocalQueue(4);
  private final GlobalQueue global = new GlobalQueue();

  public LocalQueueSpillCountedAfterPublishTest() {
    local.offer(new Item(1));
  }

  @Actor
  public void balancer() {
    local.drainHalfTo(global);
  }

  @Actor
  public void owner(JI_Result r) {
    r.r1 = local.spilled();
    r.r2 = Item.id(global.poll());
  }
}
