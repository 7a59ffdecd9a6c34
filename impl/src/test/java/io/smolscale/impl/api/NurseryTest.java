package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.await;
import static io.smolscale.impl.api.Support.awaitCondition;
import static io.smolscale.impl.api.Support.awaitInBody;
import static io.smolscale.impl.api.Support.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.ChildFailedException;
import io.smolscale.ErrorPolicy;
import io.smolscale.Nursery;
import io.smolscale.Scheduler;
import io.smolscale.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** Structured concurrency: children, error policies, cancellation, deadlines and nesting. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class NurseryTest {

  /** A child body that blocks until interrupted (or the test's patience runs out). */
  private static Void blockUntilInterrupted(CountDownLatch started, AtomicInteger interrupts)
      throws InterruptedException {
    started.countDown();
    try {
      new CountDownLatch(1).await(Support.PATIENCE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupts.incrementAndGet();
      throw e;
    }
    throw new IllegalStateException("never interrupted");
  }

  // close() waits for every child and returns normally when all succeed; each spawn form works.
  @Test
  void closeWaitsForAllChildrenAndEverySpawnFormWorks() {
    AtomicInteger ran = new AtomicInteger();
    try (Scheduler s = small(2).build()) {
      Task<Integer> a;
      Task<Integer> b;
      Task<Void> c;
      Task<Integer> d;
      Task<Integer> e;
      CountDownLatch release = new CountDownLatch(1);
      try (Nursery n = s.nursery()) {
        assertNull(n.remaining(), "no deadline");
        a = n.spawn(() -> {
          awaitInBody(release);
          return 1;
        });
        b = n.spawn(() -> 2, ErrorPolicy.IGNORE);
        c = n.spawn((Runnable) ran::incrementAndGet);
        d = n.spawnAsync(() -> CompletableFuture.supplyAsync(() -> 4));
        e = n.spawnAsync(() -> s.spawn(() -> 5), ErrorPolicy.PROPAGATE);
        assertTrue(n.liveChildren() >= 1, "a is still running");
        release.countDown();
      }
      assertEquals(Task.Status.SUCCEEDED, a.status(), "close() returned only after a finished");
      assertEquals(1, a.join());
      assertEquals(2, b.join());
      assertNull(c.join());
      assertEquals(1, ran.get());
      assertEquals(4, d.join());
      assertEquals(5, e.join());
    }
  }

  // liveChildren() counts children spawned and not finished.
  @Test
  void liveChildrenCountsUnfinishedChildren() {
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = small(2).build(); Nursery n = s.nursery()) {
      assertEquals(0, n.liveChildren());
      List<Task<Void>> kids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        kids.add(n.spawn(() -> {
          awaitInBody(release);
          return null;
        }));
      }
      assertEquals(3, n.liveChildren());
      release.countDown();
      kids.forEach(Task::join);
      awaitCondition(() -> n.liveChildren() == 0, "the finished children to leave the nursery");
    }
  }

  // A child's failure cancels its running siblings (interrupting them: CANCELLED) and is thrown
  // from close() as the cause of ChildFailedException.
  @Test
  void childFailureCancelsSiblingsAndIsThrownFromClose() {
    IllegalStateException boom = new IllegalStateException("child failed");
    CountDownLatch siblingsStarted = new CountDownLatch(3);
    AtomicInteger interrupts = new AtomicInteger();
    List<Task<Void>> siblings = new ArrayList<>();
    Task<Void> failing;
    try (Scheduler s = small(4).build()) {
      Nursery n = s.nursery();
      for (int i = 0; i < 3; i++) {
        siblings.add(n.spawn(() -> blockUntilInterrupted(siblingsStarted, interrupts)));
      }
      await(siblingsStarted, "the siblings to block");
      failing = n.spawn(() -> {
        throw boom;
      });
      ChildFailedException e = assertThrows(ChildFailedException.class, n::close);
      assertSame(boom, e.getCause());
      assertEquals(0, e.getSuppressed().length, "cancelled siblings are not failures");
      for (Task<Void> sib : siblings) {
        assertEquals(Task.Status.CANCELLED, sib.status());
      }
      assertEquals(Task.Status.FAILED, failing.status());
      awaitCondition(() -> interrupts.get() == 3, "every running sibling to be interrupted");
    }
  }

  // close() returns only after cancelled children have actually stopped running, not merely after
  // their handles were completed as CANCELLED (structured concurrency: no child outlives close).
  @Test
  void cancelledChildrenHaveStoppedWhenCloseReturns() {
    CountDownLatch started = new CountDownLatch(2);
    AtomicInteger stillRunning = new AtomicInteger();
    try (Scheduler s = small(3).build()) {
      Nursery n = s.nursery();
      for (int i = 0; i < 2; i++) {
        n.spawn(() -> {
          stillRunning.incrementAndGet();
          started.countDown();
          try {
            new CountDownLatch(1).await(Support.PATIENCE_SECONDS, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            // A slow clean-up after the interrupt (not synchronisation: it only widens the window
            // in which a close() that does not wait for the bodies would return too early).
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            while (System.nanoTime() - until < 0) {
              Thread.onSpinWait();
            }
          } finally {
            stillRunning.decrementAndGet();
          }
          return null;
        });
      }
      await(started, "the children to start");
      n.cancel();
      assertThrows(CancellationException.class, n::close);
      assertEquals(0, stillRunning.get(), "a child body was still running after close()");
    }
  }

  // Failures propagated after the first are suppressed on the ChildFailedException, in order.
  @Test
  void laterPropagatedFailuresAreSuppressed() {
    RuntimeException first = new RuntimeException("first");
    RuntimeException second = new RuntimeException("second");
    CountDownLatch bothFailed = new CountDownLatch(2);
    try (Scheduler s = small(2).build()) {
      Nursery n = s.nursery();
      // Both policies run after both children completed, so neither can be cancelled by the
      // other; the second waits until the first was recorded (it left the nursery).
      ErrorPolicy firstPolicy = error -> {
        bothFailed.countDown();
        Support.awaitUninterruptibly(bothFailed);
        return error;
      };
      ErrorPolicy secondPolicy = error -> {
        bothFailed.countDown();
        Support.awaitUninterruptibly(bothFailed);
        awaitCondition(() -> n.liveChildren() == 1, "the first failure to be recorded");
        return error;
      };
      n.spawn(() -> {
        throw first;
      }, firstPolicy);
      n.spawn(() -> {
        throw second;
      }, secondPolicy);
      ChildFailedException e = assertThrows(ChildFailedException.class, n::close);
      assertSame(first, e.getCause());
      assertArrayEquals(new Throwable[] {second}, e.getSuppressed());
    }
  }

  // ErrorPolicy.IGNORE: the failure stays in the child's handle; siblings and close() are unaffected.
  @Test
  void ignoredFailureStaysInTheChildAndCloseSucceeds() {
    IllegalStateException boom = new IllegalStateException("ignored");
    try (Scheduler s = small(2).build()) {
      Task<Integer> failed;
      Task<Integer> sibling;
      CountDownLatch failedFirst = new CountDownLatch(1);
      try (Nursery n = s.nursery()) {
        failed = n.spawn(() -> {
          failedFirst.countDown();
          throw boom;
        }, ErrorPolicy.IGNORE);
        sibling = n.spawn(() -> {
          awaitInBody(failedFirst);
          return 9;
        });
      }
      assertEquals(Task.Status.FAILED, failed.status());
      assertSame(boom, failed.failure());
      assertEquals(9, sibling.join());
    }
  }

  // ErrorPolicy.propagateOnly(type) propagates failures of that type and ignores the others.
  @Test
  void propagateOnlyPropagatesOnlyTheGivenType() {
    ErrorPolicy onlyIse = ErrorPolicy.propagateOnly(IllegalStateException.class);
    IOException io = new IOException("ignored");
    IllegalStateException ise = new IllegalStateException("propagated");
    assertNull(onlyIse.onError(io));
    assertSame(ise, onlyIse.onError(ise));
    try (Scheduler s = small(2).build()) {
      Task<Void> ignored;
      try (Nursery n = s.nursery()) {
        ignored = n.spawn(() -> {
          throw io;
        }, onlyIse);
      }
      assertSame(io, ignored.failure(), "an ignored failure does not fail close()");

      Nursery n2 = s.nursery();
      n2.spawn(() -> {
        throw ise;
      }, onlyIse);
      assertSame(ise, assertThrows(ChildFailedException.class, n2::close).getCause());
    }
    assertThrows(NullPointerException.class, () -> ErrorPolicy.propagateOnly(null));
  }

  // A custom policy may map the failure: close() throws what the policy returned; a policy that
  // throws propagates what it threw.
  @Test
  void customPolicyMapsOrReplacesTheFailure() {
    IllegalArgumentException original = new IllegalArgumentException("original");
    try (Scheduler s = small(2).build()) {
      Nursery mapped = s.nursery();
      mapped.spawn(() -> {
        throw original;
      }, error -> new IllegalStateException("mapped", error));
      ChildFailedException e = assertThrows(ChildFailedException.class, mapped::close);
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertEquals("mapped", e.getCause().getMessage());
      assertSame(original, e.getCause().getCause());

      UnsupportedOperationException policyFailure = new UnsupportedOperationException("policy");
      Nursery throwing = s.nursery();
      throwing.spawn(() -> {
        throw original;
      }, error -> {
        throw policyFailure;
      });
      assertSame(policyFailure, assertThrows(ChildFailedException.class, throwing::close).getCause());
    }
  }

  // A deadline cancels the children still running when it passes (a child that finished before
  // it keeps its result); close() throws CancellationException.
  @Test
  void deadlineCancelsRemainingChildren() {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger interrupts = new AtomicInteger();
    record Attempt(Nursery n, Task<Integer> quick, Task<Void> slow) {}
    try (Scheduler s = small(2).build()) {
      // The premise, that quick finished and slow was spawned before the deadline, is checked
      // against the clock, not assumed (see Support.beforeDeadline).
      Attempt a = Support.beforeDeadline(Duration.ofSeconds(1), deadline -> {
        Nursery n = s.nursery(deadline);
        Duration left = n.remaining();
        assertNotNull(left);
        assertTrue(left.compareTo(deadline) <= 0 && !left.isNegative(), "left " + left);
        Task<Integer> quick = n.spawn(() -> 1);
        awaitCondition(quick::isDone, "the quick child to finish");
        Task<Void> slow = n.spawn(() -> blockUntilInterrupted(started, interrupts));
        return new Attempt(n, quick, slow);
      }, Attempt::n);
      // close() waits for the deadline's outcome (bounded by the class timeout).
      assertThrows(CancellationException.class, a.n()::close);
      assertEquals(1, a.quick().join());
      assertEquals(Task.Status.CANCELLED, a.slow().status());
      assertEquals(Duration.ZERO, a.n().remaining(), "the deadline has passed");
      assertThrows(IllegalStateException.class, () -> a.n().spawn(() -> 2));
    }
  }

  // A nursery whose children all finish before the deadline closes normally.
  @Test
  void childrenFinishingBeforeTheDeadlineCloseNormally() {
    try (Scheduler s = small(2).build()) {
      Task<Integer> t;
      try (Nursery n = s.nursery(Duration.ofSeconds(Support.PATIENCE_SECONDS))) {
        t = n.spawn(() -> 3);
      }
      assertEquals(3, t.join());
    }
  }

  // A failure propagated before the deadline wins over it: close() throws ChildFailedException.
  @Test
  void failureBeforeDeadlineIsThrownInsteadOfCancellation() {
    IllegalStateException boom = new IllegalStateException("before deadline");
    try (Scheduler s = small(2).build()) {
      Nursery n = s.nursery(Duration.ofSeconds(Support.PATIENCE_SECONDS));
      n.spawn(() -> {
        throw boom;
      });
      assertSame(boom, assertThrows(ChildFailedException.class, n::close).getCause());
    }
  }

  // cancel() cancels every unfinished child and close() then throws CancellationException;
  // cancel() is idempotent.
  @Test
  void cancelCancelsChildrenAndCloseThrowsCancellation() {
    CountDownLatch started = new CountDownLatch(2);
    AtomicInteger interrupts = new AtomicInteger();
    try (Scheduler s = small(3).build()) {
      Nursery n = s.nursery();
      Task<Void> a = n.spawn(() -> blockUntilInterrupted(started, interrupts));
      Task<Void> b = n.spawn(() -> blockUntilInterrupted(started, interrupts));
      await(started, "the children to start");
      n.cancel();
      n.cancel();
      assertThrows(CancellationException.class, n::close);
      assertEquals(Task.Status.CANCELLED, a.status());
      assertEquals(Task.Status.CANCELLED, b.status());
      assertThrows(IllegalStateException.class, () -> n.spawn(() -> 1));
    }
  }

  // Cancelling an outer nursery cancels the child that runs an inner nursery, whose close() is
  // interrupted and cancels the inner children.
  @Test
  void cancellingOuterNurseryCancelsInnerChildren() {
    CountDownLatch innerStarted = new CountDownLatch(2);
    AtomicInteger interrupts = new AtomicInteger();
    CompletableFuture<Throwable> innerCloseOutcome = new CompletableFuture<>();
    List<Task<Void>> innerChildren = new ArrayList<>();
    try (Scheduler s = small(4).build()) {
      Nursery outer = s.nursery();
      Task<Void> runner = outer.spawn(() -> {
        Nursery inner = s.nursery();
        synchronized (innerChildren) {
          innerChildren.add(inner.spawn(() -> blockUntilInterrupted(innerStarted, interrupts)));
          innerChildren.add(inner.spawn(() -> blockUntilInterrupted(innerStarted, interrupts)));
        }
        try {
          inner.close();
          innerCloseOutcome.complete(null);
        } catch (RuntimeException e) {
          innerCloseOutcome.complete(e);
          throw e;
        }
        return null;
      });
      await(innerStarted, "the inner children to start");
      outer.cancel();
      assertThrows(CancellationException.class, outer::close);
      assertEquals(Task.Status.CANCELLED, runner.status());
      assertInstanceOf(CancellationException.class,
          await(innerCloseOutcome, "the inner close() to end"));
      synchronized (innerChildren) {
        for (Task<Void> child : innerChildren) {
          assertEquals(Task.Status.CANCELLED, child.status());
        }
      }
      awaitCondition(() -> interrupts.get() == 2, "both inner children to be interrupted");
    }
  }

  // closeAsync() lets an async task wait for its nursery without blocking: on a scheduler with a
  // single worker thread, the children can only run after the supplier has returned.
  @Test
  void closeAsyncFromAnAsyncTaskDoesNotBlock() {
    try (Scheduler s = Support.singleWorker().build()) {
      AtomicInteger sum = new AtomicInteger();
      Task<Integer> t = s.spawnAsync(() -> {
        Nursery n = s.nursery();
        for (int i = 1; i <= 10; i++) {
          int k = i;
          n.spawn(() -> sum.addAndGet(k));
        }
        CompletionStage<Void> done = n.closeAsync();
        return done.thenApply(v -> sum.get());
      });
      assertEquals(55, t.join());
      assertEquals(0, s.stats().compensations(), "nothing blocked a worker");
    }
  }

  // closeAsync() completes exceptionally with what close() would throw.
  @Test
  void closeAsyncCompletesWithTheChildFailure() {
    IllegalStateException boom = new IllegalStateException("async child");
    try (Scheduler s = small(2).build()) {
      Nursery n = s.nursery();
      n.spawn(() -> {
        throw boom;
      });
      CompletableFuture<Void> done = n.closeAsync().toCompletableFuture();
      CompletionException e = assertThrows(CompletionException.class, done::join);
      assertInstanceOf(ChildFailedException.class, e.getCause());
      assertSame(boom, e.getCause().getCause());
    }
  }

  // Spawning into a closed nursery throws IllegalStateException.
  @Test
  void spawnAfterCloseIsRejected() {
    try (Scheduler s = small(2).build()) {
      Nursery n = s.nursery();
      n.spawn(() -> 1);
      n.close();
      assertThrows(IllegalStateException.class, () -> n.spawn(() -> 2));
      assertThrows(IllegalStateException.class, () -> n.spawn(() -> { }));
      assertThrows(IllegalStateException.class, () -> n.spawn(() -> 3, ErrorPolicy.IGNORE));
      assertThrows(IllegalStateException.class,
          () -> n.spawnAsync(() -> CompletableFuture.completedFuture(4)));
      assertThrows(IllegalStateException.class,
          () -> n.spawnAsync(() -> CompletableFuture.completedFuture(5), ErrorPolicy.IGNORE));
      Nursery empty = s.nursery();
      empty.closeAsync();
      assertThrows(IllegalStateException.class, () -> empty.spawn(() -> 6));
    }
  }

  // Children may spawn siblings while close() waits; close() waits for those too.
  @Test
  void childrenSpawnedWhileClosingAreAwaited() {
    AtomicBoolean grandchildRan = new AtomicBoolean();
    CountDownLatch release = new CountDownLatch(1);
    try (Scheduler s = small(2).build()) {
      Nursery n = s.nursery();
      Task<Task<Boolean>> parent = n.spawn(() -> {
        awaitInBody(release);
        return n.spawn(() -> {
          grandchildRan.set(true);
          return true;
        });
      });
      CompletableFuture<Void> closed = n.closeAsync().toCompletableFuture();
      assertFalse(closed.isDone(), "the parent child is still running");
      release.countDown();
      await(closed, "the nursery to close");
      assertTrue(grandchildRan.get(), "close waited for the child spawned while closing");
      assertEquals(Task.Status.SUCCEEDED, parent.join().status());
    }
  }

  // After a child's failure was propagated, spawning throws IllegalStateException.
  @Test
  void spawnAfterFailureIsRejected() {
    IllegalStateException boom = new IllegalStateException("first");
    try (Scheduler s = small(2).build()) {
      Nursery n = s.nursery();
      Task<Void> failing = n.spawn(() -> {
        throw boom;
      });
      assertThrows(CompletionException.class, failing::join);
      awaitCondition(() -> n.liveChildren() == 0, "the failure to be recorded");
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> n.spawn(() -> 1));
      assertSame(boom, e.getCause());
      assertSame(boom, assertThrows(ChildFailedException.class, n::close).getCause());
    }
  }

  // close() on an interrupted thread cancels the children, waits for them, throws
  // CancellationException and leaves the interrupt flag set.
  @Test
  void closeOnInterruptedThreadCancelsChildrenAndRestoresInterrupt() {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger interrupts = new AtomicInteger();
    try (Scheduler s = small(2).build()) {
      Nursery n = s.nursery();
      Task<Void> child = n.spawn(() -> blockUntilInterrupted(started, interrupts));
      await(started, "the child to start");
      Thread.currentThread().interrupt();
      boolean flagAfter;
      try {
        assertThrows(CancellationException.class, n::close);
      } finally {
        flagAfter = Thread.interrupted(); // clear it before closing the scheduler
      }
      assertTrue(flagAfter, "the interrupt status was restored");
      assertEquals(Task.Status.CANCELLED, child.status());
      assertEquals(1, interrupts.get(), "the child was interrupted before close() returned");
    }
  }
}
