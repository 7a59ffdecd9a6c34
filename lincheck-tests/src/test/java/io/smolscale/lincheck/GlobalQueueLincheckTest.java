package io.smolscale.lincheck;

import io.smolscale.impl.queue.GlobalQueue;
import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * The global queue against an unbounded FIFO: offers, batch offers, polls and the lock-free size,
 * from any thread. Chunks of 2 slots, so that scenarios cross chunk boundaries: claims that link
 * a chunk race claims and takes in the previous one. Batch takes are checked in {@link
 * GlobalQueueBatchLincheckTest}: how many a take moves is fixed by its one read of the producers'
 * index, so against concurrent producers it is not {@code min(max, size)} at one instant (see
 * {@code GlobalQueue.pollBatch}); jcstress checks them against offers.
 */
@Param(name = "id", gen = IntGen.class, conf = "1:9")
public class GlobalQueueLincheckTest {
  private final GlobalQueue queue = new GlobalQueue(2);

  @Operation
  public void offer(@Param(name = "id") int id) {
    queue.offer(new Item(id));
  }

  @Operation
  public void offerPair(@Param(name = "id") int id) {
    queue.offerBatch(new Runnable[] {new Item(id)}, 1, new Item(id + 10));
  }

  @Operation
  public Integer poll() {
    return Item.id(queue.poll());
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

    public void offerPair(int id) {
      q.add(id);
      q.add(id + 10);
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
