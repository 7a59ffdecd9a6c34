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
 * Global queue, a producer racing a consumer on a queue holding element 1: the consumer gets the
 * oldest element, never the new one first (FIFO), and nothing is lost. r1 = the consumer's id;
 * r2 = every id found afterwards.
 */
@JCStressTest
@Outcome(id = "1, 3", expect = ACCEPTABLE, desc = "took the oldest; the new one is still queued")
@Outcome(expect = FORBIDDEN, desc = "out of order, lost or duplicated")
@State
public class GlobalQueueOfferVsPollTest {
  private final GlobalQueue global = new GlobalQueue();

  public GlobalQueueOfferVsPollTest() {
    global.offer(new Item(1));
  }

  @Actor
  public void producer() {
    global.offer(new Item(2));
  }

  @Actor
  public void consumer(II_Result r) {
    r.r1 = Item.id(global.poll());
  }

  @Arbiter
  public void accounting(II_Result r) {
    r.r2 = Item.drainIds(global, Item.add(0, r.r1));
  }
}
