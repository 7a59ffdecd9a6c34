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
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Global queue with chunks of 2 slots holding 1: a worker's batch take (up to 3; the oldest
 * returned, the rest into its local queue) races a producer offering 2 and 4 (the second claim
 * links a chunk). Proves that a take that reads a claim whose store is pending waits for it, and
 * that the take is a FIFO prefix. r1 = the ids the take got, as digits in order; r2 = every id
 * found afterwards (7 = each exactly once).
 */
@JCStressTest
@Outcome(id = {"1, 7", "12, 7", "124, 7"}, expect = ACCEPTABLE,
    desc = "a prefix of the queue, in order; the rest still queued")
@Outcome(expect = FORBIDDEN, desc = "lost, duplicated or out of order")
@State
public class GlobalQueuePollBatchVsOfferTest {
  private final GlobalQueue global = new GlobalQueue(2);
  private final LocalQueue local = new LocalQueue(4);

  public GlobalQueuePollBatchVsOfferTest() {
    global.offer(new Item(1));
  }

  @Actor
  public void producer() {
    global.offer(new Item(2));
    global.offer(new Item(4));
  }

  @Actor
  public void worker(II_Result r) {
    int code = Item.id(global.pollBatch(local, 3));
    int seen = Item.add(0, code);
    for (Runnable t; (t = local.poll()) != null; ) {
      code = code * 10 + Item.id(t);
      seen = Item.add(seen, Item.id(t));
    }
    r.r1 = code;
    r.r2 = seen;
  }

  @Arbiter
  public void accounting(II_Result r) {
    r.r2 = Item.drainIds(global, r.r2);
  }
}
