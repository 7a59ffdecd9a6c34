package io.smolscale.jcstress.broken;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Negative control for {@code HandOffStackPopVsRemoveTest}: with the hand-off stored after the
 * lock, a spare whose removal failed can read no hand-off (r2 = -1): the body is lost. r1 =
 * popped (1/0); r2 = 0 removed itself, 1 saw the body, -1 saw nothing after a failed removal.
 */
@JCStressTest
@Outcome(id = {"1, 1", "0, 0"}, expect = ACCEPTABLE,
    desc = "the popper won and the spare sees the body, or the spare left first")
@Outcome(id = "1, -1", expect = FORBIDDEN, desc = "lost hand-off: popped, but nothing to run")
@Outcome(expect = FORBIDDEN, desc = "both or neither took the node")
@State
public class BrokenHandOffStackPopVsRemoveTest {
  private static final Object BODY = new Object();

  private final BrokenHandOffStack stack = new BrokenHandOffStack();
  private final BrokenHandOffStack.Node spare = new BrokenHandOffStack.Node();

  public BrokenHandOffStackPopVsRemoveTest() {
    stack.push(spare);
  }

  @Actor
  public void popper(II_Result r) {
    r.r1 = stack.pop(BODY) == spare ? 1 : 0;
  }

  @Actor
  public void spareTimesOut(II_Result r) {
    if (stack.remove(spare)) {
      r.r2 = 0;
    } else {
      r.r2 = BrokenHandOffStack.handoffOf(spare) == BODY ? 1 : -1;
    }
  }
}
