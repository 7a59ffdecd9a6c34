package io.smolscale.lincheck.broken;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smolscale.lincheck.LincheckConfig;
import io.smolscale.lincheck.LocalQueueLincheckTest;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * A local queue whose batch take is not atomic with the owner's pop: the owner's poll holds the
 * consumer lock, the batch take does not take it. Same operations and specification as {@link
 * LocalQueueLincheckTest}.
 */
@Param(name = "id", gen = IntGen.class, conf = "1:9")
public class BrokenLocalQueueLincheckTest {
  private final Integer[] buffer = new Integer[4];
  private final int mask = 3;
  private volatile long head;
  private volatile long tail;

  @Operation(nonParallelGroup = "owner")
  public boolean offer(@Param(name = "id") int id) {
    long t = tail;
    if (t - head > mask) {
      return false;
    }
    buffer[(int) t & mask] = id;
    tail = t + 1;
    return true;
  }

  @Operation(nonParallelGroup = "owner")
  public synchronized Integer poll() {
    long h = head;
    if (h == tail) {
      return null;
    }
    Integer x = buffer[(int) h & mask];
    buffer[(int) h & mask] = null;
    head = h + 1;
    return x;
  }

  @Operation
  public List<Integer> drainHalf() {
    return take(false);
  }

  @Operation
  public List<Integer> drainAll() {
    return take(true);
  }

  @Operation
  public int size() {
    return (int) (tail - head);
  }

  /** BUG: no consumer lock around the read of head, the copy and the advance. */
  private List<Integer> take(boolean all) {
    long h = head;
    long n = all ? tail - h : (tail - h + 1) / 2;
    List<Integer> ids = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int i = (int) (h + k) & mask;
      ids.add(buffer[i]);
      buffer[i] = null;
    }
    head = h + n;
    return ids;
  }

  @Test
  public void modelCheckingDetectsTheBug() {
    assertThrows(LincheckAssertionError.class, () -> LincheckConfig.negativeControl()
        .sequentialSpecification(LocalQueueLincheckTest.Spec.class)
        .check(getClass()));
  }
}
