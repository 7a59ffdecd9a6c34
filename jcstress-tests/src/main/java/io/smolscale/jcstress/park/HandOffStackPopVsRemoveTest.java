package io.smolscale.jcstress.park;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.impl.park.HandOffStack;
import io.smolscale.impl.park.IdleSet;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Spare hand-off ({@link HandOffStack}, used by the spare threads): a popper handing a body to a
 * parked spare races the spare removing itself because its keep-alive passed. Exactly one takes
 * the node out; if the popper won, the spare's failed removal is followed by a read that sees the
 * body (it must act on it: a lost hand-off is a lost task). r1 = popped (1/0); r2 = the spare's
 * view: 0 removed itself (exits), 1 saw the body, -1 saw no hand-off after a failed removal; r3 =
 * size afterwards.
 */
@JCStressTest
@Outcome(id = {"1, 1, 0", "0, 0, 0"}, expect = ACCEPTABLE,
    desc = "the popper won and the spare sees the body, or the spare left first")
@Outcome(expect = FORBIDDEN, desc = "both or neither took the node, or the hand-off is not seen")
@State
public class HandOffStackPopVsRemoveTest {
  static final class Spare extends IdleSet.Node {}

  private static final Object BODY = new Object();
  private static final Runnable NOTHING = () -> {};

  private final HandOffStack<Spare> stack = new HandOffStack<>();
  private final Spare spare = new Spare();

  public HandOffStackPopVsRemoveTest() {
    stack.push(spare);
  }

  @Actor
  public void popper(III_Result r) {
    r.r1 = stack.pop(BODY, NOTHING) == spare ? 1 : 0;
  }

  @Actor
  public void spareTimesOut(III_Result r) {
    if (stack.remove(spare)) {
      r.r2 = 0;
    } else {
      r.r2 = spare.handoff() == BODY ? 1 : -1;
    }
  }

  @Arbiter
  public void size(III_Result r) {
    r.r3 = stack.size();
  }
}
