package io.smolscale.jcstress.broken;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/**
 * Negative control for {@code ParkerUnparkRacesParkTest}: an unpark racing a park must always
 * wake the parker, and the broken parker loses it.
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the unpark woke the parker")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: the parker sleeps forever")
@State
public class BrokenParkerUnparkRacesParkTest {
  private final BrokenParker parker = new BrokenParker();

  @Actor
  public void parker() throws InterruptedException {
    parker.park();
  }

  @Signal
  public void unparker() {
    parker.unpark();
  }
}
