package io.smolscale.jcstress.queue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.impl.queue.GlobalQueue;
import io.smolscale.impl.queue.LocalQueue;
import io.smolscale.jcstress.Item;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The owner's poll racing the balancer's batch take (half, rounded up) on a queue holding
 * elements 1 and 2. r1 = the owner's element, r2 = how many the balancer moved (0 when it found
 * the consumer lock busy, which it must never wait for), r3 = every id found afterwards, -1 on a
 * duplicate; 3 means each element exactly once.
 */
@JCStressTest
@Outcome(id = {"1, 1, 3", "2, 1, 3"}, expect = ACCEPTABLE, desc = "both took one, in some order")
@Outcome(id = "1, 0, 3", expect = ACCEPTABLE, desc = "the balancer found the lock busy and gave up")
@Outcome(expect = FORBIDDEN, desc = "an element was lost or taken twice")
@State
public class LocalQueueOwnerPollVsDrainHalfTest {
  private final LocalQueue local = new LocalQueue(4);
  private final GlobalQueue global = new GlobalQueue();

  public LocalQueueOwnerPollVsDrainHalfTest() {
    local.offer(new Item(1));
    local.offer(new Item(2));
  }

  @Actor
  public void owner(III_Result r) {
    r.r1 = Item.id(local.poll());
  }

  @Actor
  public void balancer(III_Result r) {
    r.r2 = local.drainHalfTo(global);
  }

  @Arbiter
  public void accounting(III_Result r) {
    int seen = Item.add(0, r.r1);
    seen = Item.drainIds(global, seen);
    r.r3 = Item.drainIds(local, seen);
  }
}
