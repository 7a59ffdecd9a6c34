package io.smolscale.jcstress.park;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.impl.park.IdleSet;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Idle set: a parked worker withdrawing itself (its re-check found work) racing a waker popping
 * it. Exactly one succeeds; if the waker won, the worker is counted as searching. r1 = removed
 * (1/0), r2 = popped (1/0), r3 = searching, r4 = size afterwards.
 */
@JCStressTest
@Outcome(id = {"1, 0, 0, 0", "0, 1, 1, 0"}, expect = ACCEPTABLE, desc = "one winner")
@Outcome(expect = FORBIDDEN, desc = "both or neither got the worker, or the counts are off")
@State
public class IdleSetRemoveVsPopTest {
  static final class W extends IdleSet.Node {}

  private final IdleSet<W> set = new IdleSet<>();
  private final W worker = new W();

  public IdleSetRemoveVsPopTest() {
    set.push(worker);
  }

  @Actor
  public void worker(IIII_Result r) {
    r.r1 = set.remove(worker) ? 1 : 0;
  }

  @Actor
  public void waker(IIII_Result r) {
    r.r2 = set.popToSearch() == worker ? 1 : 0;
  }

  @Arbiter
  public void counts(IIII_Result r) {
    r.r3 = set.searching();
    r.r4 = set.size();
  }
}
