package io.smolscale.jcstress.broken;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Negative control for {@code LocalQueueOwnerPollVsDrainHalfTest}: the owner's poll races a
 * batch take that skips the consumer lock. One element is queued; r1 = what the owner got
 * (0 = nothing), r2 = how many copies of it the thief got. Exactly one of them may have it.
 */
@JCStressTest
@Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "element taken exactly once")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "duplicated: owner and thief both took it")
@Outcome(expect = FORBIDDEN, desc = "lost or corrupted")
@State
public class BrokenRingOwnerPollVsStealTest {
  private final BrokenRing ring = new BrokenRing(4);

  public BrokenRingOwnerPollVsStealTest() {
    ring.offer(1);
  }

  @Actor
  public void owner(II_Result r) {
    Object x = ring.poll();
    r.r1 = x == null ? 0 : (Integer) x;
  }

  @Actor
  public void thief(II_Result r) {
    int got = 0;
    for (Object x : ring.stealHalf()) {
      if (x != null) {
        got++;
      }
    }
    r.r2 = got;
  }
}
