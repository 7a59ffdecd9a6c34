package io.smolscale.lincheck;

import org.junit.jupiter.api.Test;

/** An unbounded channel ({@code Channel.unbounded()} is capacity {@code Integer.MAX_VALUE}). */
public class UnboundedChannelLincheckTest extends ChannelOps {
  public UnboundedChannelLincheckTest() {
    super(Integer.MAX_VALUE);
  }

  /** The specification, unbounded. */
  public static class Spec extends ChannelSpec {
    public Spec() {
      super(Integer.MAX_VALUE);
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
