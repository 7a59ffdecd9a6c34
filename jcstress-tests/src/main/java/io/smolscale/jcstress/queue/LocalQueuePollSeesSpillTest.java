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
 * The balancer's batch take racing the owner's pop, the race behind a {@code yieldNow}
 * continuation that ran before the task it yielded to. The ring holds 1 (older) and 2 (newer);
 * the balancer moves the older half, element 1. The owner reads {@code spilled()} (r1), then pops
 * with {@code poll(r1)} (r2 = the id popped, 0 for none). Proves {@code LocalQueue.poll(long)}'s
 * guarantee: the owner never pops the newer element 2 while the count it holds does not include
 * the move of element 1, because the taker counts before it releases the ring's lock and the pop
 * reads the count under that lock. Checked by hand against the bug: with the owner calling the
 * unchecked {@code poll()}, or with the count raised after the unlock, {@code 0, 2} appears.
 */
@JCStressTest
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "owner popped first; the balancer then moved 2")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "moved between the owner's read and pop: refused")
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "owner saw the move counted, then popped 2")
@Outcome(id = "0, 2", expect = FORBIDDEN, desc = "popped the newer task behind an uncounted move")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class LocalQueuePollSeesSpillTest {
  private final LocalQueue local = new LocalQueue(4);
  private final GlobalQueue global = new GlobalQueue();

  public LocalQueuePollSeesSpillTest() {
    local.offer(new Item(1));
    local.offer(new Item(2));
  }

  @Actor
  public void balancer() {
    local.drainHalfTo(global);
  }

  @Actor
  public void owner(JI_Result r) {
    r.r1 = local.spilled();
    r.r2 = Item.id(local.poll(r.r1));
  }
}
