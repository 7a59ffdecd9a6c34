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
 * The worker's local queue against a bounded FIFO: the owner's offer, poll and size (one
 * thread, the {@code owner} group) with batch takes from the balancer (drain half, drain all)
 * from any thread. Capacity 4, so "full" is reached.
 *
 * <p>A batch take that finds the consumer lock busy gives up (returns 0) by design; the sequential
 * specification has no "busy", so the operation retries until it moves something or sees the
 * queue empty. What is checked is that each take is atomic: the ids it moves are a prefix of the
 * queue, and are gone from it.
 */
@Param(name = "id", gen = IntGen.class, conf = "1:9")
public class LocalQueueLincheckTest {
  public static final int CAPACITY = 4;
  private final LocalQueue queue = new LocalQueue(CAPACITY);

  @Operation(nonParallelGroup = "owner")
  public boolean offer(@Param(name = "id") int id) {
    return queue.offer(new Item(id));
  }

  @Operation(nonParallelGroup = "owner")
  public Integer poll() {
    return Item.id(queue.poll());
  }

  @Operation
  public List<Integer> drainHalf() {
    return take(false);
  }

  @Operation
  public List<Integer> drainAll() {
    return take(true);
  }

  /** Owner only: from other threads size() is a documented estimate, not linearizable. */
  @Operation(nonParallelGroup = "owner")
  public int size() {
    return queue.size();
  }

  private List<Integer> take(boolean all) {
    while (true) {
      GlobalQueue target = new GlobalQueue();
      int n = all ? queue.drainAllTo(target) : queue.drainHalfTo(target);
      if (n > 0) {
        List<Integer> ids = Item.drain(target::poll);
        if (ids.size() != n) {
          throw new AssertionError("drain reported " + n + " but moved " + ids);
        }
        return ids;
      }
      if (queue.isEmpty()) {
        return List.of();
      }
    }
  }

  /** The sequential specification: a bounded FIFO queue. */
  public static class Spec {
    private final ArrayDeque<Integer> q = new ArrayDeque<>();

    public boolean offer(int id) {
      if (q.size() == CAPACITY) {
        return false;
      }
      q.add(id);
      return true;
    }

    public Integer poll() {
      return q.poll();
    }

    public List<Integer> drainHalf() {
      return take((q.size() + 1) / 2);
    }

    public List<Integer> drainAll() {
      return take(q.size());
    }

    public int size() {
      return q.size();
    }

    private List<Integer> take(int n) {
      List<Integer> ids = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        ids.add(q.poll());
      }
      return ids;
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
