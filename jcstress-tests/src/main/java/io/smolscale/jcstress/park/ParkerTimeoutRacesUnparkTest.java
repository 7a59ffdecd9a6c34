package io.smolscale.jcstress.park;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.impl.park.Parker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * Parker: a timed park (1 us) racing an unpark. The permit is neither lost nor doubled: either
 * the park consumed it (r1 = true) or it is still there afterwards (r2 = the arbiter's zero-wait
 * park found it). This is the race between the timeout's CAS PARKED to EMPTY and unpark's swap
 * to NOTIFIED.
 *
 * <p>The parker's owner is a thread that never starts, so the unpark's LockSupport.unpark goes
 * nowhere and the park always ends by its timeout or its permit check: what is tested is the
 * permit accounting, not the wake-up (ParkerUnparkRacesParkTest tests that).
 */
@JCStressTest
@Outcome(id = {"true, false", "false, true"}, expect = ACCEPTABLE, desc = "one permit, consumed once")
@Outcome(id = "false, false", expect = FORBIDDEN, desc = "the permit was lost")
@Outcome(id = "true, true", expect = FORBIDDEN, desc = "the permit was consumed twice")
@State
public class ParkerTimeoutRacesUnparkTest {
  private static final Thread NEVER_STARTED = new Thread(() -> {}, "never-started");
  private final Parker parker = new Parker(NEVER_STARTED);

  @Actor
  public void owner(ZZ_Result r) {
    r.r1 = parker.park(1_000);
  }

  @Actor
  public void unparker() {
    parker.unpark();
  }

  @Arbiter
  public void leftover(ZZ_Result r) {
    r.r2 = parker.park(1);
  }
}
