package io.smolscale.jcstress.queue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.impl.queue.GlobalQueue;
import io.smolscale.jcstress.Item;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Global queue with chunks of 2 slots holding 1: a batch of two (2, 4) races a single offer (8),
 * so one of the claims links a new chunk. Proves that a batch is one claim: it stays contiguous
 * and in order whatever the other producer does. r1 = the order found afterwards, as digits; r2 =
 * the set of ids (15 = each exactly once).
 */
@JCStressTest
@Outcome(id = {"1248, 15", "1824, 15"}, expect = ACCEPTABLE,
    desc = "the batch contiguous and in order, before or after the single offer")
@Outcome(expect = FORBIDDEN, desc = "lost, duplicated, batch split or reordered")
@State
public class GlobalQueueBatchVsOfferTest {
  private final GlobalQueue global = new GlobalQueue(2);

  public GlobalQueueBatchVsOfferTest() {
    global.offer(new Item(1));
  }

  @Actor
  public void batch() {
    global.offerBatch(new Runnable[] {new Item(2)}, 1, new Item(4));
  }

  @Actor
  public void single() {
    global.offer(new Item(8));
  }

  @Arbiter
  public void accounting(II_Result r) {
    int code = 0;
    int seen = 0;
    for (Runnable t; (t = global.poll()) != null; ) {
      code = code * 10 + Item.id(t);
      seen = Item.add(seen, Item.id(t));
    }
    r.r1 = code;
    r.r2 = seen;
  }
}
