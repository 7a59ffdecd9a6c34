package io.smolscale.lincheck;

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
}
