package io.smolscale.lincheck;

import io.smolscale.ChannelClosedException;
import io.smolscale.impl.channel.OneShotChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * The one-shot channel: sends racing close and each other (the first wins, the others are
 * refused), and the receiver's view.
 */
@Param(name = "v", gen = IntGen.class, conf = "1:9")
public class OneShotLincheckTest {
  private final OneShotChannel<Integer> channel = new OneShotChannel<>();

  @Operation
  public boolean send(@Param(name = "v") int v) {
    return channel.send(v);
  }

  @Operation
  public boolean close() {
    return channel.close();
  }

  @Operation
  public String received() {
    CompletableFuture<Integer> f = channel.receive().toCompletableFuture();
    if (!f.isDone()) {
      return "pending";
    }
    try {
      return "got " + f.join();
    } catch (CompletionException e) {
      return e.getCause() instanceof ChannelClosedException ? "closed" : "failed";
    }
  }

  /** The sequential specification: empty, then a value or closed, for good. */
  public static class Spec {
    private String outcome = "pending";

    public boolean send(int v) {
      if (!outcome.equals("pending")) {
        return false;
      }
      outcome = "got " + v;
      return true;
    }

    public boolean close() {
      if (!outcome.equals("pending")) {
        return false;
      }
      outcome = "closed";
      return true;
    }

    public String received() {
      return outcome;
    }
  }

  @Test
  public void modelChecking() {
    LincheckConfig.oneShot(LincheckConfig.modelChecking())
        .sequentialSpecification(Spec.class)
        .check(getClass());
  }

  @Test
  public void stress() {
    LincheckConfig.oneShot(LincheckConfig.stress())
        .sequentialSpecification(Spec.class)
        .check(getClass());
  }
}
