package io.smolscale.jcstress.park;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.impl.park.IdleSet;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Idle set: a worker that sees itself popped (its lock-free {@code isIdle()} read is false) must
 * already be counted as searching, or its later decrement could take the count below zero and
 * skip Tokio's "last searcher wakes another" step. r1 = isIdle (1/0) as the parked worker sees it,
 * r2 = searching as it then reads it.
 */
@JCStressTest
@Outcome(id = {"1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "still idle (pop not seen yet)")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "popped and counted")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "popped but not yet counted as searching")
@State
public class IdleSetPoppedWorkerIsCountedTest {
  static final class W extends IdleSet.Node {}

  private final IdleSet<W> set = new IdleSet<>();
  private final W worker = new W();

  public IdleSetPoppedWorkerIsCountedTest() {
    set.push(worker);
  }

  @Actor
  public void waker() {
    set.popToSearch();
  }

  @Actor
  public void parkedWorker(II_Result r) {
    boolean idle = worker.isIdle();
    r.r1 = idle ? 1 : 0;
    r.r2 = set.searching();
  }
}
