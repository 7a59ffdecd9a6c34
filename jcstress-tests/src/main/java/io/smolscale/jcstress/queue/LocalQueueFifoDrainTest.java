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
 * Local queue, producer against consumer: the owner offers 1 then 2 while the balancer drains
 * everything to the global queue. The balancer sees a prefix of the owner's offers, in order
 * (r1, r2 = the ids it moved, 0 = none), and afterwards every element is in exactly one place
 * (r3 = the ids found in both queues, 3 = both once).
 */
@JCStressTest
@Outcome(id = {"0, 0, 3", "1, 0, 3", "1, 2, 3"}, expect = ACCEPTABLE,
    desc = "the drain saw a prefix of the offers, in order; nothing lost or duplicated")
@Outcome(id = {"2, 0, 3", "2, 1, 3"}, expect = FORBIDDEN, desc = "out of order")
@Outcome(expect = FORBIDDEN, desc = "lost, duplicated or corrupted")
@State
public class LocalQueueFifoDrainTest {
  private final LocalQueue local = new LocalQueue(4);
  private final GlobalQueue global = new GlobalQueue();

  @Actor
  public void owner() {
    local.offer(new Item(1));
    local.offer(new Item(2));
  }

  @Actor
  public void balancer(III_Result r) {
    local.drainAllTo(global);
    r.r1 = Item.id(global.poll());
    r.r2 = Item.id(global.poll());
  }

  @Arbiter
  public void accounting(III_Result r) {
    int seen = Item.add(Item.add(0, r.r1), r.r2);
    seen = Item.drainIds(global, seen);
    r.r3 = Item.drainIds(local, seen);
  }
}
