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
 * The global queue against an unbounded FIFO: offers, polls, batch takes into a worker's local
 * queue (a fresh one per call, owned by the calling thread) and the lock-free size, from any
 * thread.
 */
@Param(name = "id", gen = IntGen.class, conf = "1:9")
@Param(name = "max", gen = IntGen.class, conf = "1:3")
public class GlobalQueueLincheckTest {
  private final GlobalQueue queue = new GlobalQueue();

  @Operation
  public void offer(@Param(name = "id") int id) {
    queue.offer(new Item(id));
  }

  @Operation
  public Integer poll() {
    return Item.id(queue.poll());
  }

  @Operation
  public List<Integer> pollBatch(@Param(name = "max") int max) {
    LocalQueue dst = new LocalQueue(4);
    int n = queue.pollBatch(dst, max);
    List<Integer> ids = Item.drain(dst::poll);
    if (ids.size() != n) {
      throw new AssertionError("pollBatch reported " + n + " but moved " + ids);
    }
    return ids;
  }

  @Operation
  public long size() {
    return queue.size();
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

    public List<Integer> pollBatch(int max) {
      List<Integer> ids = new ArrayList<>();
      while (ids.size() < max && !q.isEmpty()) {
        ids.add(q.poll());
      }
      return ids;
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
