package io.smolscale.lincheck;

import io.smolscale.Task;
import io.smolscale.impl.task.JoinSetImpl;
import io.smolscale.impl.task.TaskImpl;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * The join set's completion callback racing its takers, against a sequential specification: a
 * set of incomplete tasks and a FIFO of completed ones. Three asynchronous tasks (ids 1-3) are
 * held from the start, each waiting on a stage; {@code complete(id)} completes a stage, which
 * completes the task and runs the set's callback on the completing thread, as in production. What
 * is checked: a completion is taken exactly once and in completion order, and {@code size()}
 * never loses or double-counts a task in hand-off. {@code cancelAll} is not an operation: it
 * cancels one task after another, not atomically (documented), so it has no linearization point.
 * {@code pollViaStage} asks for a {@code nextAsync} stage and at once cancels it: it takes a task
 * only if one was done or was handed to the stage before the cancel withdrew it, so it must
 * behave as {@code poll()} (the withdrawal protocol of {@code JoinSetImpl.Delivery}). The blocking
 * takes ({@code next}, {@code poll(Duration)}) are not operations here (Lincheck's sequential
 * specification has no waiting); jcstress {@code JoinSetTimeoutVsCompletionTest} checks the
 * give-up race of a timed wait.
 */
@Param(name = "id", gen = IntGen.class, conf = "1:3")
public class JoinSetLincheckTest {
  private final JoinSetImpl<Integer> set =
      JoinSetImpl.forAddedTasks(DirectScheduler.INSTANCE);
  private final CompletableFuture<Integer>[] gates = newGates();

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Integer>[] newGates() {
    return new CompletableFuture[] {
      new CompletableFuture<>(), new CompletableFuture<>(), new CompletableFuture<>()
    };
  }

  public JoinSetLincheckTest() {
    for (int i = 0; i < 3; i++) {
      CompletableFuture<Integer> gate = gates[i];
      TaskImpl<Integer> t = TaskImpl.ofAsync(DirectScheduler.INSTANCE, e -> {}, () -> gate);
      t.run(); // now waiting on its gate
      set.add(t);
    }
  }

  /**
   * Completes a task's stage. One thread completes (a non-parallel group): the stage's own state
   * changes before the set hears of it (the callback runs after the stage's CAS), so a second
   * completer of the same stage returns, its call a no-op, while the first is still delivering,
   * and the history is not linearizable for reasons that are {@code CompletableFuture}'s, not the
   * set's. Returns nothing, for the same reason.
   */
  @Operation(nonParallelGroup = "completer")
  public void complete(@Param(name = "id") int id) {
    gates[id - 1].complete(id);
  }

  @Operation
  public Integer poll() {
    Task<Integer> t = set.poll();
    if (t == null) {
      return null;
    }
    return t.join();
  }

  @Operation
  public Integer pollViaStage() {
    java.util.concurrent.CompletableFuture<Task<Integer>> stage =
        set.nextAsync().toCompletableFuture();
    if (stage.cancel(false) || stage.isCompletedExceptionally()) {
      return null; // withdrawn with nothing, or the set was empty
    }
    Task<Integer> t = stage.join();
    return t.join();
  }

  @Operation
  public int size() {
    return set.size();
  }

  /** The specification: incomplete ids, then a FIFO of completed ones. */
  public static class Spec {
    private final Set<Integer> incomplete = new HashSet<>(Set.of(1, 2, 3));
    private final ArrayDeque<Integer> done = new ArrayDeque<>();

    public void complete(int id) {
      if (incomplete.remove(id)) {
        done.add(id);
      }
    }

    public Integer poll() {
      return done.poll();
    }

    public Integer pollViaStage() {
      return done.poll();
    }

    public int size() {
      return incomplete.size() + done.size();
    }
  }

  /**
   * In CI mode with 300 invocations per scenario instead of 1,000: each invocation walks
   * CompletableFuture's completion machinery twice (stage, then task), and at 1,000 this one test
   * took 50 s of the module's budget (JDK 17, the 2-core VM); the long mode keeps Lincheck's
   * defaults.
   */
  @Test
  public void modelChecking() {
    org.jetbrains.lincheck.datastructures.ModelCheckingOptions o = LincheckConfig.modelChecking();
    if (!LincheckConfig.stressMode()) {
      o = o.invocationsPerIteration(300);
    }
    o.sequentialSpecification(Spec.class).check(getClass());
  }

  @Test
  public void stress() {
    LincheckConfig.stress().sequentialSpecification(Spec.class).check(getClass());
  }
}
