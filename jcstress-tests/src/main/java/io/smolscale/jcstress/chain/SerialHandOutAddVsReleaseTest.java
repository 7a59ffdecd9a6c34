package io.smolscale.jcstress.chain;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.impl.queue.CountingQueue;
import io.smolscale.impl.queue.SerialHandOut;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The start chain's Dekker pair ({@link SerialHandOut}): an adder offers an item and kicks while
 * the holder, with nothing left to hand out, releases the hand-out. The adder's kick may find it
 * still held and leave, so the holder's re-read after its release must see the item. r1 = times
 * the item was handed out (exactly once); r2 = items left waiting; r3 = held afterwards.
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "handed out once, by the adder or the holder")
@Outcome(id = "0, 1, 0", expect = FORBIDDEN, desc = "stranded: waiting, and nobody holds it")
@Outcome(expect = FORBIDDEN, desc = "handed out twice, or the hand-out left held")
@State
public class SerialHandOutAddVsReleaseTest {
  private final CountingQueue<Integer> items = new CountingQueue<>();
  private final AtomicInteger given = new AtomicInteger();
  private final SerialHandOut<Integer> handOut =
      new SerialHandOut<>(
          items,
          item -> {
            given.incrementAndGet();
            return false;
          },
          () -> false);

  public SerialHandOutAddVsReleaseTest() {
    handOut.tryHold(); // the holder actor is a chain thread that holds the hand-out
  }

  @Actor
  public void adder() {
    items.offer(1);
    handOut.kick();
  }

  @Actor
  public void holder() {
    handOut.carryOn();
  }

  @Arbiter
  public void outcome(III_Result r) {
    r.r1 = given.get();
    r.r2 = items.size();
    r.r3 = handOut.isHeld() ? 1 : 0;
  }
}
