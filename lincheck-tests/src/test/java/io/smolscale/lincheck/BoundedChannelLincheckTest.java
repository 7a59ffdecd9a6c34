package io.smolscale.lincheck;

import java.lang.reflect.Method;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.junit.jupiter.api.Test;

/** A bounded channel of capacity 2 (so full, back-pressure and waiting senders are reached). */
public class BoundedChannelLincheckTest extends ChannelOps {
  public BoundedChannelLincheckTest() {
    super(2);
  }

  /** The specification at capacity 2. */
  public static class Spec extends ChannelSpec {
    public Spec() {
      super(2);
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
   * The scenario Lincheck's long mode found (see the README): the channel is filled, then a third
   * send (queued) races {@code close} (which admits it); afterwards three receives must get all
   * three messages. Model checking explores every interleaving of this one scenario, so it fails
   * deterministically if either the channel or the harness's view of a queued send regresses (it
   * failed with the harness that read the stage's state after the call).
   */
  @Test
  public void closeRacingAQueuedSender() throws NoSuchMethodException {
    Method send = ChannelOps.class.getMethod("send", int.class);
    Method trySend = ChannelOps.class.getMethod("trySend", int.class);
    Method close = ChannelOps.class.getMethod("close");
    Method tryReceive = ChannelOps.class.getMethod("tryReceive");
    ExecutionScenario found =
        new ExecutionScenario(
            List.of(new Actor(send, List.of(5)), new Actor(trySend, List.of(6))),
            List.of(List.of(new Actor(send, List.of(7))), List.of(new Actor(close, List.of()))),
            List.of(
                new Actor(tryReceive, List.of()),
                new Actor(tryReceive, List.of()),
                new Actor(tryReceive, List.of())),
            null);
    new ModelCheckingOptions()
        .iterations(0) // only the custom scenario
        .addCustomScenario(found)
        .sequentialSpecification(Spec.class)
        .check(getClass());
  }
}
