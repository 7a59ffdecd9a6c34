package io.smolscale.lincheck;

import io.smolscale.impl.park.IdleSet;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * The set of parked workers against a LIFO stack: push (a worker publishes its idleness;
 * pushing one already in the set is refused), popToSearch (a waker takes the most recently
 * parked worker), remove (a worker withdraws) and size. Three workers. The lock-free observers
 * {@code Node.isIdle()} and {@code searching()} are left out here: a pop changes them and size
 * one after another by design (see the IdleSet class comment and the jcstress test
 * {@code IdleSetPoppedWorkerIsCountedTest} for the order the protocol needs).
 */
@Param(name = "w", gen = IntGen.class, conf = "0:2")
public class IdleSetLincheckTest {
  static final class W extends IdleSet.Node {
    final int index;

    W(int index) {
      this.index = index;
    }
  }

  private final IdleSet<W> set = new IdleSet<>();
  private final W[] workers = new W[] {new W(0), new W(1), new W(2)};

  @Operation
  public void push(@Param(name = "w") int w) {
    set.push(workers[w]);
  }

  @Operation
  public int popToSearch() {
    W w = set.popToSearch();
    return w == null ? -1 : w.index;
  }

  @Operation
  public boolean remove(@Param(name = "w") int w) {
    return set.remove(workers[w]);
  }

  @Operation
  public int size() {
    return set.size();
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
      if (w == null) {
        return -1;
      }
      return w;
    }

    public boolean remove(int w) {
      for (Iterator<Integer> it = stack.iterator(); it.hasNext(); ) {
        if (it.next() == w) {
          it.remove();
          return true;
        }
      }
      return false;
    }

    public int size() {
      return stack.size();
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
