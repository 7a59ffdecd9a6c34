package io.smolscale.lincheck;

import io.smolscale.impl.queue.GlobalQueue;
import io.smolscale.impl.queue.LocalQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * The global queue's consumers against an unbounded FIFO: batch takes (the oldest returned, the
 * rest moved into a fresh local queue owned by the calling thread), polls and the lock-free size,
 * from any thread, on a queue of chunks of 2 slots that holds 1..7 from the start, so that takes
 * cross chunk boundaries. No producer runs here, so a batch take's count is {@code min(max,
 * size)}: see {@link GlobalQueueLincheckTest} for why producers are checked apart.
 */
@Param(name = "max", gen = IntGen.class, conf = "1:3")
public class GlobalQueueBatchLincheckTest {
  static final int PREFILLED = 7;

  private final GlobalQueue queue = new GlobalQueue(2);

  public GlobalQueueBatchLincheckTest() {
    for (int id = 1; id <= PREFILLED; id++) {
      queue.offer(new Item(id));
    }
  }

  @Operation
  public List<Integer> pollBatch(@Param(name = "max") int max) {
    LocalQueue dst = new LocalQueue(4);
    Runnable first = queue.pollBatch(dst, max);
    List<Integer> ids = new ArrayList<>();
    if (first != null) {
      ids.add(Item.id(first));
    }
    List<Integer> rest = Item.drain(dst::poll);
    if (first == null && !rest.isEmpty()) {
      throw new AssertionError("pollBatch returned nothing but moved " + rest);
    }
    ids.addAll(rest);
    return ids;
  }

  @Operation
  public Integer poll() {
    return Item.id(queue.poll());
  }

  @Operation
  public long size() {
    return queue.size();
  }

  /** The sequential specification: a FIFO queue holding 1..7. */
  public static class Spec {
    private final ArrayDeque<Integer> q = new ArrayDeque<>();

    public Spec() {
      for (int id = 1; id <= PREFILLED; id++) {
        q.add(id);
      }
    }

    public List<Integer> pollBatch(int max) {
      List<Integer> ids = new ArrayList<>();
      while (ids.size() < max && !q.isEmpty()) {
        ids.add(q.poll());
      }
      return ids;
    }

    public Integer poll() {
      return q.poll();
    }

    public long size() {
      return q.size();
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
