package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.PATIENCE_SECONDS;
import static io.smolscale.impl.api.Support.await;
import static io.smolscale.impl.api.Support.awaitCondition;
import static io.smolscale.impl.api.Support.singleWorker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Scheduler;
import io.smolscale.Task;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * {@link Scheduler#close()} has JDK 19+ {@code ExecutorService.close()}'s contract on every JDK:
 * an interrupt before or during the wait stops the executing tasks as {@code shutdownNow()} does,
 * queued tasks never run, the wait goes on until the executing tasks have ended, and the
 * interrupt status is re-asserted. The running task sleeps for 60 s: the class timeout (30 s)
 * fails a close that waits it out instead of stopping it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class CloseInterruptTest {

  /** A scheduler with its one worker asleep in a long task, and a second task queued behind. */
  private static final class Busy {
    final Scheduler scheduler = singleWorker().build();
    final CountDownLatch started = new CountDownLatch(1);
    final AtomicBoolean queuedRan = new AtomicBoolean();
    final Task<Void> sleeper =
        scheduler.spawn(
            () -> {
              started.countDown();
              Thread.sleep(60_000); // a long blocking call, to be stopped by the interrupt
              return null;
            });
    final Task<Void> queued;

    Busy() {
      await(started, "the long task to start");
      queued = scheduler.spawn(() -> queuedRan.set(true));
    }

    void assertStopped() {
      assertTrue(scheduler.isTerminated(), "close returned before termination");
      assertEquals(Task.Status.FAILED, sleeper.status(), "the executing task was interrupted");
      assertInstanceOf(InterruptedException.class, sleeper.failure());
      assertEquals(Task.Status.CANCELLED, queued.status(), "the queued task was cancelled");
      assertFalse(queuedRan.get(), "a task awaiting execution was executed");
    }
  }

  @Test
  void anInterruptBeforeCloseStopsTheExecutingTasksAndIsReasserted() {
    Busy b = new Busy();
    Thread.currentThread().interrupt();
    b.scheduler.close();
    assertTrue(Thread.interrupted(), "close re-asserted the interrupt status"); // and clears it
    b.assertStopped();
  }

  @Test
  void anInterruptDuringCloseStopsTheExecutingTasksAndIsReasserted() throws InterruptedException {
    Busy b = new Busy();
    AtomicBoolean reasserted = new AtomicBoolean();
    Thread closer =
        new Thread(
            () -> {
              b.scheduler.close();
              reasserted.set(Thread.currentThread().isInterrupted());
            },
            "closer");
    closer.start();
    // close() waits on the termination latch (a timed wait): interrupt it there.
    awaitCondition(
        () -> closer.getState() == Thread.State.TIMED_WAITING, "close() to start waiting");
    closer.interrupt();
    closer.join(TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS));
    assertFalse(closer.isAlive(), "close() returned after the interrupt");
    assertTrue(reasserted.get(), "close re-asserted the interrupt status");
    b.assertStopped();
  }

  @Test
  void closeWithoutInterruptWaitsForTheTasksAndLeavesTheStatusClear() {
    Scheduler s = singleWorker().build();
    CountDownLatch release = new CountDownLatch(1);
    Task<Integer> t =
        s.spawn(
            () -> {
              Support.awaitInBody(release);
              return 7;
            });
    Thread opener = new Thread(release::countDown);
    opener.start();
    s.close();
    assertFalse(Thread.currentThread().isInterrupted());
    assertEquals(7, t.join());
    assertTrue(s.isTerminated());
  }
}
