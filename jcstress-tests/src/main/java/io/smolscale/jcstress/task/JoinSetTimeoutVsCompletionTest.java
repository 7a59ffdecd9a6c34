package io.smolscale.jcstress.task;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.Task;
import io.smolscale.impl.task.JoinSetImpl;
import io.smolscale.impl.task.TaskImpl;
import io.smolscale.jcstress.DirectScheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Join set: a timed wait giving up racing the completion it waits for. The set holds one
 * asynchronous task waiting on a stage; one actor completes the stage (which completes the task
 * and runs the set's hand-off on that thread), the other takes with a 20 us timeout. r1 = the
 * timed taker got the task (1) or timed out (0); r2 = a later {@code poll()} got it; r3 = the
 * size left. Proves the hand-off protocol of {@code JoinSetImpl}: the entry is handed over under
 * the lock to a waiter still in line, and a waiter gives up only by leaving the line under that
 * lock, so the task is taken exactly once: never lost to a waiter that timed out, never twice.
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "the timed taker got it")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "timed out first; taken afterwards")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "lost: taken by nobody")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "taken twice")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class JoinSetTimeoutVsCompletionTest {
  private static final Duration TIMEOUT = Duration.ofNanos(20_000);

  private final CompletableFuture<Integer> gate = new CompletableFuture<>();
  private final JoinSetImpl<Integer> set =
      JoinSetImpl.forAddedTasks(DirectScheduler.INSTANCE);

  public JoinSetTimeoutVsCompletionTest() {
    TaskImpl<Integer> t = TaskImpl.ofAsync(DirectScheduler.INSTANCE, e -> {}, () -> gate);
    t.run(); // waiting on the gate
    set.add(t);
  }

  @Actor
  public void completer() {
    gate.complete(1);
  }

  @Actor
  public void taker(III_Result r) {
    try {
      r.r1 = set.poll(TIMEOUT) == null ? 0 : 1;
    } catch (InterruptedException e) {
      r.r1 = -1;
    }
  }

  @Arbiter
  public void observe(III_Result r) {
    Task<Integer> later = set.poll();
    r.r2 = later == null ? 0 : 1;
    r.r3 = set.size();
  }
}
