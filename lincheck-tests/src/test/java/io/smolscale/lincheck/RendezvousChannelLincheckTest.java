package io.smolscale.lincheck;

import java.lang.reflect.Method;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.junit.jupiter.api.Test;

/**
 * A rendezvous channel (capacity 0): every send waits for a receiver or is taken by one that
 * waits, a receive takes a waiting sender's message straight from it, and close accepts the
 * waiting senders' messages for the receivers that come later.
 */
public class RendezvousChannelLincheckTest extends ChannelOps {
  public RendezvousChannelLincheckTest() {
    super(0);
  }

  /** The specification at capacity 0. */
  public static class Spec extends ChannelSpec {
    public Spec() {
      super(0);
    }
  }

  @Test
  public void modelChecking() {
    LincheckConfig.modelChecking().sequentialSpecification(Spec.class).check(getClass());
  }

  @Test
  public void stress() {
    LincheckConfig.stress().sequentialSpecification(Spec.class).check(getClass());
  }

  /**
   * Two waiting senders, one racing a receive and the other a close: whichever order, the
   * receive gets the oldest message and the close keeps the other for the receive after it.
   * Model checking explores every interleaving of this scenario, so it fails deterministically if
   * a receive stops taking from waiting senders or close drops them.
   */
  @Test
  public void receiveAndCloseRacingWaitingSenders() throws NoSuchMethodException {
    Method send = ChannelOps.class.getMethod("send", int.class);
    Method receive = ChannelOps.class.getMethod("receive");
    Method close = ChannelOps.class.getMethod("close");
    Method tryReceive = ChannelOps.class.getMethod("tryReceive");
    ExecutionScenario scenario =
        new ExecutionScenario(
            List.of(new Actor(send, List.of(5)), new Actor(send, List.of(6))),
            List.of(List.of(new Actor(receive, List.of())), List.of(new Actor(close, List.of()))),
            List.of(new Actor(tryReceive, List.of()), new Actor(tryReceive, List.of())),
            null);
    new ModelCheckingOptions()
        .iterations(0) // only the custom scenario
        .addCustomScenario(scenario)
        .sequentialSpecification(Spec.class)
        .check(getClass());
  }
}
