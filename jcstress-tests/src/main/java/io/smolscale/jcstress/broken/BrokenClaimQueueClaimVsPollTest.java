package io.smolscale.jcstress.broken;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Negative control for {@code GlobalQueueChunkCrossingTest}'s claimed-slot wait: a producer's
 * offer races a consumer's poll on a queue whose poll skips a claimed but unstored slot. r1 = 1
 * if the poll got the element, r2 = elements found by the arbiter afterwards.
 */
@JCStressTest
@Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "taken by the poll, or still queued")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost: the poll consumed the claimed slot")
@Outcome(expect = FORBIDDEN, desc = "duplicated")
@State
public class BrokenClaimQueueClaimVsPollTest {
  private final BrokenClaimQueue queue = new BrokenClaimQueue();

  @Actor
  public void producer() {
    queue.offer("a");
  }

  @Actor
  public void consumer(II_Result r) {
    r.r1 = queue.poll() == null ? 0 : 1;
  }

  @Arbiter
  public void accounting(II_Result r) {
    r.r2 = queue.drainCount();
  }
}
