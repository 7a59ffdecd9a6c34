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
import org.openjdk.jcstress.infra.results.IJ_Result;

/**
 * Global queue, two producers: both offers are kept (r1 = the ids found, 3 = both once) and the
 * lock-free size mirror agrees (r2 = size() before the arbiter drains).
 */
@JCStressTest
@Outcome(id = "3, 2", expect = ACCEPTABLE, desc = "both kept, size 2")
@Outcome(expect = FORBIDDEN, desc = "lost, duplicated, or size wrong")
@State
public class GlobalQueueConcurrentOffersTest {
  private final GlobalQueue global = new GlobalQueue();

  @Actor
  public void producer1() {
    global.offer(new Item(1));
  }

  @Actor
  public void producer2() {
    global.offer(new Item(2));
  }

  @Arbiter
  public void accounting(IJ_Result r) {
    r.r2 = global.size();
    r.r1 = Item.drainIds(global, 0);
  }
}
