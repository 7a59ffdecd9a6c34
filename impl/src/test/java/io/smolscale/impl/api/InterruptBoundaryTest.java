package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.awaitCondition;
import static io.smolscale.impl.api.Support.singleLongLivedWorker;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.smolscale.Scheduler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Interrupts and the task boundary (spec/README.md §8): an idle worker never spins because of an
 * interrupt, and a task never sees an interrupt meant for an earlier task or for the idle worker.
 * Each test uses one long-lived worker (keep-alive 60 s), so that "until the keep-alive ends"
 * cannot rescue a broken worker within the test's patience.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class InterruptBoundaryTest {

  private static boolean parked(Thread t) {
    Thread.State st = t.getState();
    return st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING;
  }

  private static Scheduler oneWorker() {
    return singleLongLivedWorker().spinBeforePark(Duration.ZERO).build();
  }

  /** The worker thread, once it has run a task and parked with nothing to do. */
  private static Thread parkedWorker(Scheduler s) {
    Thread worker = s.spawn(Thread::currentThread).join();
    awaitCondition(() -> s.stats().parked() == 1 && parked(worker), "the worker to park");
    return worker;
  }

  // Interrupting a parked worker: it drops the interrupt and parks again. Before the fix the
  // parker's loop returned at once with the status still set, forever (a full core spun until
  // the keep-alive ended): the status never cleared.
  @Test
  void anInterruptedIdleWorkerDropsTheInterruptAndParksAgain() {
    try (Scheduler s = oneWorker()) {
      Thread worker = parkedWorker(s);
      worker.interrupt();
      awaitCondition(
          () -> !worker.isInterrupted() && parked(worker) && s.stats().parked() == 1,
          "the interrupted idle worker to clear its status and park again");
    }
  }

  // An interrupt that reached the idle worker is not delivered to the next task it runs.
  @Test
  void aTaskDoesNotSeeAnInterruptMeantForTheIdleWorker() {
    try (Scheduler s = oneWorker()) {
      Thread worker = parkedWorker(s);
      worker.interrupt();
      boolean seen = s.spawn(() -> Thread.currentThread().isInterrupted()).join();
      assertFalse(seen, "the next task started with the idle worker's interrupt");
    }
  }

  // A task that interrupts its own thread and returns leaves nothing for the next task.
  @Test
  void aTaskDoesNotSeeAnInterruptLeftByTheTaskBefore() {
    try (Scheduler s = oneWorker()) {
      s.spawn(() -> Thread.currentThread().interrupt()).join();
      boolean seen = s.spawn(() -> Thread.currentThread().isInterrupted()).join();
      assertFalse(seen, "the next task started with the earlier task's interrupt");
    }
  }
}
