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
 * Global queue with chunks of 2 slots holding 1: a producer offers 2 (the chunk's last slot) and 4
 * (its claim links a new chunk) while a consumer polls three times. Proves the link-before-claim
 * edge (a consumer that sees index 2 claimed finds its chunk) and the claimed-slot wait (a
 * consumer that sees a claim before the store takes the task, never null). r1 = the ids the
 * consumer got, as digits in the order taken; r2 = every id found afterwards (7 = each exactly
 * once).
 */
@JCStressTest
@Outcome(id = {"1, 7", "12, 7", "124, 7"}, expect = ACCEPTABLE,
    desc = "a prefix of the offers, in order; the rest still queued")
@Outcome(expect = FORBIDDEN, desc = "lost, duplicated or out of order")
@State
public class GlobalQueueChunkCrossingTest {
  private final GlobalQueue global = new GlobalQueue(2);

  public GlobalQueueChunkCrossingTest() {
    global.offer(new Item(1));
  }

  @Actor
  public void producer() {
    global.offer(new Item(2));
    global.offer(new Item(4));
  }

  @Actor
  public void consumer(II_Result r) {
    int code = 0;
    int seen = 0;
    for (int k = 0; k < 3; k++) {
      int id = Item.id(global.poll());
      if (id != 0) {
        code = code * 10 + id;
        seen = Item.add(seen, id);
      }
    }
    r.r1 = code;
    r.r2 = seen;
  }

  @Arbiter
  public void accounting(II_Result r) {
    r.r2 = Item.drainIds(global, r.r2);
  }
}
