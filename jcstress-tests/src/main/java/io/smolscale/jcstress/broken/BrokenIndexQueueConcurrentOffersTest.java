package io.smolscale.jcstress.broken;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * Negative control for {@code GlobalQueueConcurrentOffersTest}: two producers offer one element
 * each into a queue whose index update is not atomic. r1 = distinct elements held afterwards.
 */
@JCStressTest
@Outcome(id = "2", expect = ACCEPTABLE, desc = "both offers kept")
@Outcome(id = "1", expect = FORBIDDEN, desc = "an offer was lost: both claimed the same slot")
@Outcome(expect = FORBIDDEN, desc = "corrupted")
@State
public class BrokenIndexQueueConcurrentOffersTest {
  private final BrokenIndexQueue queue = new BrokenIndexQueue();

  @Actor
  public void producer1() {
    queue.offer("a");
  }

  @Actor
  public void producer2() {
    queue.offer("b");
  }

  @Arbiter
  public void count(I_Result r) {
    r.r1 = queue.distinctCount();
  }
}
