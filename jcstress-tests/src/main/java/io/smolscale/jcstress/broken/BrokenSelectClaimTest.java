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
 * Negative control for {@code channel.SelectClaimTest}: two senders on two channels racing to
 * hand a waiting select a message, with the claim as check-then-set. r1, r2 = the senders'
 * results, r3 = the select's result. Exactly one may win, and the result must be the winner's.
 */
@JCStressTest
@Outcome(id = {"true, false, 1", "false, true, 2"}, expect = ACCEPTABLE, desc = "one winner")
@Outcome(id = "true, true, .*", expect = FORBIDDEN, desc = "both messages taken by one select")
@Outcome(expect = FORBIDDEN, desc = "no winner, or a result not the winner's")
@State
public class BrokenSelectClaimTest {
  private final BrokenSelect select = new BrokenSelect();

  @Actor
  public void senderA(ZZI_Result r) {
    r.r1 = select.a.trySend(1);
  }

  @Actor
  public void senderB(ZZI_Result r) {
    r.r2 = select.b.trySend(2);
  }

  @Arbiter
  public void outcome(ZZI_Result r) {
    r.r3 = select.result();
  }
}
