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
 * Negative control for {@code SerialHandOutAddVsReleaseTest}: a holder that releases without
 * re-reading the queue strands an item added while it was on its way out (the adder's kick saw
 * the hand-out held and left). r1 = times handed out; r2 = items left waiting.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "handed out once")
@Outcome(id = "0, 1", expect = FORBIDDEN, desc = "stranded: waiting, and nobody holds it")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class BrokenSerialHandOutAddVsReleaseTest {
  private final BrokenSerialHandOut handOut = new BrokenSerialHandOut();

  @Actor
  public void adder() {
    handOut.items.offer(1);
    handOut.kick();
  }

  @Actor
  public void holder() {
    handOut.carryOn();
  }

  @Arbiter
  public void outcome(II_Result r) {
    r.r1 = handOut.given.get();
    r.r2 = handOut.items.size();
  }
}
