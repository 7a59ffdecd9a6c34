package io.smolscale.lincheck.broken;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.LincheckAssertionError;
import io.smolscale.lincheck.LincheckConfig;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * An idle set whose pop looks at the top under the lock, releases it, and unlinks under a second
 * acquisition (check-then-act): two wakers can pop the same sleeper, and the other sleeper is
 * never woken.
 */
@Param(name = "w", gen = IntGen.class, conf = "0:2")
public class BrokenIdleSetLincheckTest {
  private final ArrayDeque<Integer> stack = new ArrayDeque<>();
  private final AtomicInteger searching = new AtomicInteger();

  @Operation
  public void push(@Param(name = "w") int w) {
    synchronized (stack) {
      if (stack.contains(w)) {
        throw new IllegalStateException("worker is already idle");
      }
      stack.push(w);
    }
  }

  @Operation
  public int popToSearch() {
    Integer top;
    synchronized (stack) {
      top = stack.peek();
    }
    if (top == null) {
      return -1;
    }
    synchronized (stack) { // BUG: the top may have changed, or been popped by another waker
      stack.remove(top);
    }
    searching.incrementAndGet();
    return top;
  }

  @Operation
  public int size() {
    synchronized (stack) {
      return stack.size();
    }
  }

  /** The sequential specification: a stack of distinct workers plus a counter. */
  public static class Spec {
    private final ArrayDeque<Integer> stack = new ArrayDeque<>();

    public void push(int w) {
      if (stack.contains(w)) {
        throw new IllegalStateException("worker is already idle");
      }
      stack.push(w);
    }

    public int popToSearch() {
      Integer w = stack.poll();
      return w == null ? -1 : w;
    }

    public int size() {
      return stack.size();
    }
  }

  @Test
  public void modelCheckingDetectsTheBug() {
    assertThrows(LincheckAssertionError.class, () -> LincheckConfig.negativeControl()
        .sequentialSpecification(Spec.class)
        .check(getClass()));
  }
}
