package io.smolscale.jcstress.park;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.impl.park.Parker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/**
 * Parker: an unpark racing the owner's untimed park, from "before the park started" (the permit
 * must be kept) to "while parked" (the owner must be woken). The owner creates its parker and
 * publishes it; the signal waits for it and unparks. Never waking is a lost wake-up.
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the unpark was seen")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: the owner sleeps forever")
@State
public class ParkerUnparkRacesParkTest {
  private volatile Parker parker;

  @Actor
  public void owner() {
    Parker p = new Parker(Thread.currentThread());
    parker = p;
    p.park(Long.MAX_VALUE);
  }

  @Signal
  public void unparker() {
    Parker p;
    while ((p = parker) == null) {
      Thread.onSpinWait();
    }
    p.unpark();
  }
}
