package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.await;
import static io.smolscale.impl.api.Support.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.ChildFailedException;
import io.smolscale.ErrorPolicy;
import io.smolscale.JoinSet;
import io.smolscale.Nursery;
import io.smolscale.Scheduler;
import io.smolscale.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JoinSet}: completion order, the waits (timed, untimed, async, interrupted), the
 * whole-set operations and the nursery's sets. Most tasks here are asynchronous tasks whose stage
 * the test completes itself, so the order of completions is the test's, not the machine's.
 */
class JoinSetTest {
  private Scheduler s;

  @BeforeEach
  void open() {
    s = small(2).build();
  }

  @AfterEach
  void close() {
    s.close();
  }

  /** The tasks {@link #gated} spawned, in order. */
  private final List<Task<Integer>> tasks = new ArrayList<>();

  /**
   * n tasks of the set, each completing when the test completes its stage. Returns once every
   * task waits on its stage (the stage has a dependent), so completing a stage completes its task
   * on the test's thread, at once: the test decides the order of completions.
   */
  private List<CompletableFuture<Integer>> gated(JoinSet<Integer> set, int n) {
    List<CompletableFuture<Integer>> gates = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CompletableFuture<Integer> gate = new CompletableFuture<>();
      gates.add(gate);
      tasks.add(set.spawnAsync(() -> gate));
    }
    for (CompletableFuture<Integer> gate : gates) {
      Support.awaitCondition(() -> gate.getNumberOfDependents() > 0, "a task to wait on its stage");
    }
    return gates;
  }

  // Tasks are taken in the order they complete, not the order they were spawned; each once.
  @Test
  void tasksAreTakenInCompletionOrder() throws InterruptedException {
    JoinSet<Integer> set = s.joinSet();
    List<CompletableFuture<Integer>> gates = gated(set, 3);
    assertEquals(3, set.size());
    assertNull(set.poll(), "nothing completed yet");
    gates.get(2).complete(2);
    gates.get(0).complete(0);
    gates.get(1).complete(1);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      order.add(set.next().join());
    }
    assertEquals(List.of(2, 0, 1), order);
    assertTrue(set.isEmpty());
    assertNull(set.poll());
  }

  // A blocked next() is woken by the completion; the handle it returns is done.
  @Test
  void nextWaitsForTheNextCompletion() throws Exception {
    JoinSet<Integer> set = s.joinSet();
    CountDownLatch release = new CountDownLatch(1);
    Task<Integer> t = set.spawn(() -> {
      release.await();
      return 7;
    });
    CompletableFuture<Task<Integer>> taken = new CompletableFuture<>();
    Thread taker = new Thread(() -> {
      try {
        taken.complete(set.next());
      } catch (Throwable e) {
        taken.completeExceptionally(e);
      }
    });
    taker.start();
    // Released only once the taker waits inside next(): the test is of the wake-up.
    Support.awaitCondition(
        () -> taker.getState() == Thread.State.WAITING, "the taker to wait in next()");
    assertFalse(taken.isDone(), "next() returned before any task completed");
    release.countDown();
    Task<Integer> got = await(taken, "next() to return");
    assertSame(t, got);
    assertTrue(got.isDone());
    assertEquals(7, got.join());
    taker.join();
  }

  // An empty set does not wait: next() and nextAsync() fail, poll(timeout) answers null at once.
  @Test
  void anEmptySetDoesNotWait() throws InterruptedException {
    JoinSet<Integer> set = s.joinSet();
    assertThrows(NoSuchElementException.class, set::next);
    CompletableFuture<Task<Integer>> stage = set.nextAsync().toCompletableFuture();
    CompletionException e = assertThrows(CompletionException.class, stage::join);
    assertInstanceOf(NoSuchElementException.class, e.getCause());
    assertNull(set.poll(Duration.ofDays(1)), "waited on an empty set");
    assertEquals(List.of(), set.collect());
    assertThrows(NoSuchElementException.class, set::firstSuccess);
  }

  // A timed wait that expires takes nothing: the task is still held, and is taken once done.
  @Test
  void aTimedOutPollTakesNothing() throws InterruptedException {
    JoinSet<Integer> set = s.joinSet();
    List<CompletableFuture<Integer>> gates = gated(set, 1);
    assertNull(set.poll(Duration.ZERO));
    assertNull(set.poll(Duration.ofMillis(5)));
    assertEquals(1, set.size());
    gates.get(0).complete(5);
    assertSame(tasks.get(0), set.poll(Duration.ofSeconds(Support.PATIENCE_SECONDS)));
    assertEquals(5, tasks.get(0).join());
    assertTrue(set.isEmpty());
  }

  // An interrupted wait takes nothing and clears the interrupt status.
  @Test
  void anInterruptedWaitTakesNothing() {
    JoinSet<Integer> set = s.joinSet();
    List<CompletableFuture<Integer>> gates = gated(set, 1);
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, set::next);
    assertFalse(Thread.interrupted(), "the interrupt status is cleared");
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> set.poll(Duration.ofSeconds(1)));
    assertFalse(Thread.interrupted());
    assertEquals(1, set.size());
    gates.get(0).complete(1);
    assertSame(tasks.get(0), set.poll());
  }

  // A waiter interrupted while it waits, racing the completion it waits for: whether it was
  // handed the task or not, the task is taken exactly once (by it, or afterwards by poll()).
  @Test
  void aWaiterInterruptedWhileWaitingLosesNoTask() throws Exception {
    for (int round = 0; round < 50; round++) {
      JoinSet<Integer> set = s.joinSet();
      List<CompletableFuture<Integer>> gates = gated(set, 1);
      CompletableFuture<Task<Integer>> got = new CompletableFuture<>();
      CountDownLatch started = new CountDownLatch(1);
      Thread taker = new Thread(() -> {
        started.countDown();
        try {
          got.complete(set.next());
        } catch (InterruptedException e) {
          got.complete(null);
        }
      });
      taker.start();
      Support.await(started, "the taker to start");
      taker.interrupt();
      gates.get(0).complete(round);
      Task<Integer> byTaker = await(got, "the taker to return");
      // Does not wait if the taker took it (the set is empty then).
      Task<Integer> byPoll = set.poll(Duration.ofSeconds(Support.PATIENCE_SECONDS));
      assertTrue((byTaker == null) != (byPoll == null), "taken once: " + byTaker + ", " + byPoll);
      assertTrue(set.isEmpty());
      taker.join();
    }
  }

  // nextAsync() stages are served first come first served; a stage its holder cancelled takes
  // nothing, and the task goes to the next taker.
  @Test
  void stagesAreServedInOrderAndACancelledOneTakesNothing() {
    JoinSet<Integer> set = s.joinSet();
    List<CompletableFuture<Integer>> gates = gated(set, 3);
    CompletableFuture<Task<Integer>> first = set.nextAsync().toCompletableFuture();
    CompletableFuture<Task<Integer>> cancelled = set.nextAsync().toCompletableFuture();
    CompletableFuture<Task<Integer>> third = set.nextAsync().toCompletableFuture();
    assertTrue(cancelled.cancel(false));
    gates.get(1).complete(1);
    gates.get(0).complete(0);
    assertEquals(1, await(first, "the first stage").join());
    assertEquals(0, await(third, "the third stage").join());
    assertEquals(1, set.size());
    gates.get(2).complete(2);
    assertSame(tasks.get(2), set.poll());
  }

  // A stage that times out (orTimeout completes it exceptionally) takes nothing: the withdrawal
  // and the hand-off are decided under one lock. A stage already handed its task cannot be
  // cancelled or completed by its holder any more.
  @Test
  void aTimedOutStageTakesNothingAndAHandedOneCannotBeWithdrawn() {
    JoinSet<Integer> set = s.joinSet();
    List<CompletableFuture<Integer>> gates = gated(set, 2);
    CompletableFuture<Task<Integer>> timed =
        set.nextAsync().toCompletableFuture().orTimeout(1, java.util.concurrent.TimeUnit.MILLISECONDS);
    Throwable timedOut = await(timed.handle((t, ex) -> ex), "the stage to time out");
    assertInstanceOf(java.util.concurrent.TimeoutException.class, timedOut);
    gates.get(0).complete(0);
    assertSame(tasks.get(0), set.poll(), "the timed-out stage took nothing");
    CompletableFuture<Task<Integer>> handed = set.nextAsync().toCompletableFuture();
    gates.get(1).complete(1);
    assertFalse(handed.cancel(false));
    assertFalse(handed.complete(null));
    assertSame(tasks.get(1), handed.join());
    assertThrows(UnsupportedOperationException.class, () -> handed.obtrudeValue(null));
  }

  // A loop of nextAsync() calls made from the stages' own dependents sees the set empty right
  // after the last task was handed over, so it ends (it would wait forever if the task being
  // delivered were still counted).
  @Test
  void aNextAsyncLoopEndsWhenTheSetIsEmpty() {
    JoinSet<Integer> set = s.joinSet();
    List<CompletableFuture<Integer>> gates = gated(set, 3);
    List<Integer> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Void> end = new CompletableFuture<>();
    loop(set, seen, end);
    gates.get(1).complete(1);
    gates.get(2).complete(2);
    gates.get(0).complete(0);
    await(end, "the loop to end");
    assertEquals(List.of(1, 2, 0), seen);
  }

  private static void loop(JoinSet<Integer> set, List<Integer> seen, CompletableFuture<Void> end) {
    set.nextAsync().thenAccept(t -> {
      seen.add(t.join());
      if (set.isEmpty()) {
        end.complete(null);
      } else {
        loop(set, seen, end);
      }
    });
  }

  // add(): a task spawned elsewhere is taken like the others, at once if already done; each add
  // is an entry of its own.
  @Test
  void addTakesTasksFromElsewhere() throws InterruptedException {
    JoinSet<Integer> set = s.joinSet();
    Task<Integer> done = s.spawn(() -> 3);
    done.join();
    set.add(done).add(done);
    assertEquals(2, set.size());
    assertSame(done, set.poll());
    assertSame(done, set.poll());
    assertNull(set.poll());
    assertThrows(NullPointerException.class, () -> set.add(null));
    assertThrows(NullPointerException.class, () -> set.spawn(null));
    assertThrows(NullPointerException.class, () -> set.poll(null));
  }

  // collect(): every result, in the order the tasks entered the set.
  @Test
  void collectReturnsResultsInSpawnOrder() throws InterruptedException {
    JoinSet<Integer> set = s.joinSet();
    List<CompletableFuture<Integer>> gates = gated(set, 3);
    gates.get(2).complete(20);
    gates.get(1).complete(10);
    gates.get(0).complete(0);
    assertEquals(List.of(0, 10, 20), set.collect());
    assertTrue(set.isEmpty());
  }

  // collect(): the first failure cancels the rest and is thrown as join() throws it.
  @Test
  void collectFailsFastAndCancelsTheRest() {
    JoinSet<Integer> set = s.joinSet();
    List<CompletableFuture<Integer>> gates = gated(set, 1);
    Task<Integer> still = s.spawnAsync(CompletableFuture::new);
    set.add(still);
    IllegalStateException boom = new IllegalStateException("boom");
    gates.get(0).completeExceptionally(boom);
    CompletionException e = assertThrows(CompletionException.class, set::collect);
    assertSame(boom, e.getCause());
    assertTrue(still.isCancelled(), "the rest is cancelled");
    assertTrue(set.isEmpty(), set.toString());
  }

  // firstSuccess(): failures before the first success are skipped; the rest is cancelled.
  @Test
  void firstSuccessSkipsFailuresAndCancelsTheRest() throws InterruptedException {
    JoinSet<Integer> set = s.joinSet();
    List<CompletableFuture<Integer>> gates = gated(set, 3);
    gates.get(0).completeExceptionally(new IllegalStateException("first fails"));
    gates.get(1).complete(11);
    assertEquals(11, set.firstSuccess());
    assertTrue(set.isEmpty());
    assertTrue(tasks.get(2).isCancelled(), "the task still running is cancelled");
  }

  // firstSuccess(): when every task fails, the first failure is the cause, the others suppressed.
  @Test
  void firstSuccessWhenAllFailThrowsTheFirstWithTheOthersSuppressed() {
    JoinSet<Integer> set = s.joinSet();
    List<CompletableFuture<Integer>> gates = gated(set, 3);
    IllegalStateException a = new IllegalStateException("a");
    IllegalStateException b = new IllegalStateException("b");
    gates.get(1).completeExceptionally(a);
    gates.get(0).completeExceptionally(b);
    gates.get(2).cancel(false);
    CompletionException e = assertThrows(CompletionException.class, set::firstSuccess);
    assertSame(a, e.getCause());
    assertEquals(2, e.getSuppressed().length);
    assertSame(b, e.getSuppressed()[0]);
    assertInstanceOf(CancellationException.class, e.getSuppressed()[1]);
  }

  // cancelAll(): cancels what is held, which is then taken as cancelled.
  @Test
  void cancelAllCancelsWhatIsHeld() throws InterruptedException {
    JoinSet<Integer> set = s.joinSet();
    gated(set, 2);
    assertEquals(2, set.cancelAll());
    assertTrue(set.next().isCancelled());
    assertTrue(set.next().isCancelled());
    assertTrue(set.isEmpty());
  }

  // next() on a worker compensates: a task waiting for tasks queued behind it on a one-worker
  // scheduler (preemption off) still gets them.
  @Test
  void nextOnAWorkerCompensates() {
    try (Scheduler one =
        Scheduler.builder().parallelism(1).maxThreads(2).preemption(false)
            .keepAlive(Support.KEEP_ALIVE).build()) {
      Task<Integer> outer = one.spawn(() -> {
        JoinSet<Integer> set = one.joinSet();
        set.spawn(() -> 1);
        set.spawn(() -> 2);
        return set.next().join() + set.next().join();
      });
      assertEquals(3, await(outer.toCompletableFuture(), "the outer task"));
      assertTrue(one.stats().compensations() >= 1, one.stats().toString());
    }
  }

  // A nursery's set: its tasks are children (close waits for them); with IGNORE a failure is only
  // the set's to see, with PROPAGATE it also fails the nursery.
  @Test
  void aNurserysSetSpawnsChildren() throws InterruptedException {
    IllegalStateException boom = new IllegalStateException("boom");
    try (Nursery n = s.nursery()) {
      JoinSet<Integer> set = n.joinSet(ErrorPolicy.IGNORE);
      set.spawn(() -> {
        throw boom;
      });
      set.spawn(() -> 4);
      assertEquals(4, set.firstSuccess());
    }
    Nursery n = s.nursery();
    JoinSet<Integer> set = n.joinSet();
    set.spawn(() -> {
      throw boom;
    });
    assertEquals(Task.Status.FAILED, set.next().status());
    ChildFailedException e = assertThrows(ChildFailedException.class, n::close);
    assertSame(boom, e.getCause());
  }

  // toString names the counts.
  @Test
  void toStringNamesTheCounts() {
    JoinSet<Integer> set = s.joinSet();
    List<CompletableFuture<Integer>> gates = gated(set, 2);
    gates.get(0).complete(0);
    assertEquals("JoinSet[incomplete=1, done=1, waiting=0]", set.toString());
    assertSame(tasks.get(0), await(set.nextAsync().toCompletableFuture(), "a done task"));
    CompletionStage<Task<Integer>> waiting = set.nextAsync();
    assertEquals("JoinSet[incomplete=1, done=0, waiting=1]", set.toString());
    gates.get(1).complete(1);
    assertEquals(1, await(waiting.toCompletableFuture(), "the waiting stage").join());
  }
}
