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
import org.openjdk.jcstress.infra.results.ZI_Result;

/**
 * Slot reuse at the wrap-around: a full queue of two slots (elements 1, 2), the owner offers 4
 * while the balancer drains half. The offer either fails (still full) or lands in the slot the
 * drain just freed, and must not overwrite an element the drain has not copied out yet.
 * r1 = the offer's result; r2 = every id found afterwards (-1 on a duplicate).
 */
@JCStressTest
@Outcome(id = {"false, 3", "true, 7"}, expect = ACCEPTABLE,
    desc = "offer refused while full, or accepted into the freed slot; nothing lost")
@Outcome(expect = FORBIDDEN, desc = "an element was lost, duplicated or overwritten")
@State
public class LocalQueueFullOfferVsDrainTest {
  private final LocalQueue local = new LocalQueue(2);
  private final GlobalQueue global = new GlobalQueue();

  public LocalQueueFullOfferVsDrainTest() {
    local.offer(new Item(1));
    local.offer(new Item(2));
  }

  @Actor
  public void owner(ZI_Result r) {
    r.r1 = local.offer(new Item(4));
  }

  @Actor
  public void balancer() {
    local.drainHalfTo(global);
  }

  @Arbiter
  public void accounting(ZI_Result r) {
    r.r2 = Item.drainIds(local, Item.drainIds(global, 0));
  }
}
