package io.smolscale.jcstress.broken;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZI_Result;

/**
 * Negative control for {@code TaskCompletionVsCancelTest}: completion racing cancellation on a
 * check-then-act cell. r1 = complete won, r2 = cancel won, r3 = final state (1 succeeded,
 * 2 cancelled). Exactly one may win, and the final state must be the winner's.
 */
@JCStressTest
@Outcome(id = {"true, false, 1", "false, true, 2"}, expect = ACCEPTABLE, desc = "one winner")
@Outcome(id = {"true, true, 1", "true, true, 2"}, expect = FORBIDDEN, desc = "both won")
@Outcome(expect = FORBIDDEN, desc = "no winner, or the state is not the winner's")
@State
public class BrokenCompletionVsCancelTest {
  private final BrokenCompletion cell = new BrokenCompletion();

  @Actor
  public void completer(ZZI_Result r) {
    r.r1 = cell.complete();
  }

  @Actor
  public void canceller(ZZI_Result r) {
    r.r2 = cell.cancel();
  }

  @Arbiter
  public void state(ZZI_Result r) {
    r.r3 = cell.state();
  }
}
