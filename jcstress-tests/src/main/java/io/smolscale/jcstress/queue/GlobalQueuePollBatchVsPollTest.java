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
 * Global queue, a worker's batch take (the oldest returned, the rest into its own local queue)
 * racing a single poll from another worker, on a queue holding 1 and 2 in one chunk of 2 slots.
 * r1 = how many the batch took, r2 = the poller's id, r3 = every id found afterwards (3 = each
 * exactly once).
 */
@JCStressTest
@Outcome(id = {"2, 0, 3", "1, 1, 3"}, expect = ACCEPTABLE,
    desc = "the two takes split the elements, each exactly once")
@Outcome(expect = FORBIDDEN, desc = "lost, taken twice, or not the oldest first")
@State
public class GlobalQueuePollBatchVsPollTest {
  private final GlobalQueue global = new GlobalQueue(2);
  private Runnable first;
  private final LocalQueue local = new LocalQueue(4);

  public GlobalQueuePollBatchVsPollTest() {
    global.offer(new Item(1));
    global.offer(new Item(2));
  }

  @Actor
  public void worker(III_Result r) {
    first = global.pollBatch(local, 2);
    r.r1 = (first == null ? 0 : 1) + local.size();
  }

  @Actor
  public void poller(III_Result r) {
    r.r2 = Item.id(global.poll());
  }

  @Arbiter
  public void accounting(III_Result r) {
    int seen = Item.add(Item.add(0, r.r2), Item.id(first));
    seen = Item.drainIds(local, seen);
    r.r3 = Item.drainIds(global, seen);
  }
}
