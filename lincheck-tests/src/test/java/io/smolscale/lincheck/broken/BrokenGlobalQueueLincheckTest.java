package io.smolscale.lincheck.broken;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smolscale.lincheck.LincheckConfig;
import java.util.ArrayDeque;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * A multi-producer queue whose offer claims its slot with a read and a separate write of the
 * tail index (not one atomic step), so two producers can claim the same slot.
 */
@Param(name = "id", gen = IntGen.class, conf = "1:9")
public class BrokenGlobalQueueLincheckTest {
  private final Integer[] items = new Integer[32];
  private volatile int head;
  private volatile int tail;

  @Operation
  public void offer(@Param(name = "id") int id) {
    int t = tail; // BUG: read ...
    items[t] = id;
    tail = t + 1; // ... then write
  }

  @Operation
  public synchronized Integer poll() {
    int h = head;
    if (h == tail) {
      return null;
    }
    head = h + 1;
    return items[h];
  }

  /** The sequential specification: an unbounded FIFO queue. */
  public static class Spec {
    private final ArrayDeque<Integer> q = new ArrayDeque<>();

    public void offer(int id) {
      q.add(id);
    }

    public Integer poll() {
      return q.poll();
    }
  }

  @Test
  public void modelCheckingDetectsTheBug() {
    assertThrows(LincheckAssertionError.class, () -> LincheckConfig.negativeControl()
        .sequentialSpecification(Spec.class)
        .check(getClass()));
  }
}
