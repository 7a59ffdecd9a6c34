package io.smolscale.impl.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Scheduler;
import io.smolscale.Task;
import io.smolscale.impl.BlockCause;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Flight Recorder events, read back from a real recording. */
class JfrEventsTest {
  private static final String PREFIX = "jfr-test-";

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() - deadline < 0, "not within 20 s: " + what);
      LockSupport.parkNanos(1_000_000L); // re-check every millisecond, bounded above
    }
  }

  /**
   * Proves both events are emitted with the right fields: a task that queued three tasks and
   * then waits on a latch has its queue moved off and is marked blocked by the monitor ({@code
   * waiting}, naming the task's body class, its name and the latch wait among the top frames); a
   * task that joins an unfinished task marks itself blocked ({@code compensation}, no name).
   * The tasks moved off the waiting worker, summed over its events, are exactly the three it
   * queued (nobody else could take them from its ring).
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void preemptionCompensationAndMovesAreRecorded() throws Exception {
    assertTrue(JfrEvents.AVAILABLE, "jdk.jfr is part of this JDK and read by the module");
    Path file = Files.createTempFile("smolscale-jfr-test", ".jfr");
    try {
      String waitingWorker;
      try (Recording recording = new Recording()) {
        recording.enable("io.smolscale.WorkerBlocked");
        recording.enable("io.smolscale.TasksMoved");
        recording.start();
        try (Scheduler s =
            Scheduler.builder()
                .parallelism(1)
                .threadNamePrefix(PREFIX)
                .balancerInterval(Duration.ofMillis(1))
                .build()) {
          CountDownLatch release = new CountDownLatch(1);
          Task<String> waiter =
              s.spawn(
                  "latch waiter",
                  () -> {
                    for (int i = 0; i < 3; i++) {
                      s.execute(() -> {});
                    }
                    release.await(); // WAITING: what the monitor must notice
                    return Thread.currentThread().getName();
                  });
          await(() -> s.stats().preemptions() >= 1, "the waiting worker was never marked");
          CountDownLatch release2 = new CountDownLatch(1);
          Task<Void> slow =
              s.spawn(
                  () -> {
                    release2.await();
                    return null;
                  });
          Task<Void> joiner = s.spawn(() -> slow.join());
          await(() -> s.stats().compensations() >= 1, "the joining worker never compensated");
          release.countDown();
          release2.countDown();
          waitingWorker = waiter.join();
          joiner.join();
        }
        recording.stop();
        recording.dump(file);
      }
      List<RecordedEvent> events = RecordingFile.readAllEvents(file);
      List<RecordedEvent> blocked = ofType(events, "io.smolscale.WorkerBlocked");
      List<RecordedEvent> moved = ofType(events, "io.smolscale.TasksMoved");
      assertTrue(
          blocked.stream()
              .anyMatch(
                  e ->
                      e.getString("cause").equals(BlockCause.WAITING.label)
                          && e.getString("workerThread").equals(waitingWorker)
                          && e.getLong("stalled") > 0
                          // what blocked: the body's class, and the wait in the top frames
                          && e.getString("task").startsWith(JfrEventsTest.class.getName())
                          && e.getString("taskName").equals("latch waiter")
                          && e.getString("stack").contains("CountDownLatch.await")),
          () -> "no 'waiting' event naming the task for " + waitingWorker + ": " + blocked);
      assertTrue(
          blocked.stream().anyMatch(e -> e.getString("cause").equals(BlockCause.COMPENSATION.label)
              && e.getString("taskName").isEmpty()), // the joiner has no name
          () -> "no 'compensation' event: " + blocked);
      for (RecordedEvent e : blocked) {
        assertEquals(PREFIX, e.getString("scheduler"));
        assertTrue(e.getString("workerThread").startsWith(PREFIX), e::toString);
      }
      int movedOffWaiter =
          sumMoved(blocked, waitingWorker) + sumMoved(moved, waitingWorker);
      assertEquals(3, movedOffWaiter, () -> "moves: " + moved + " marks: " + blocked);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static List<RecordedEvent> ofType(List<RecordedEvent> events, String name) {
    return events.stream()
        .filter(e -> e.getEventType().getName().equals(name))
        .filter(e -> PREFIX.equals(e.getString("scheduler")))
        .collect(Collectors.toList());
  }

  private static int sumMoved(List<RecordedEvent> events, String worker) {
    return events.stream()
        .filter(e -> e.getString("workerThread").equals(worker))
        .mapToInt(e -> e.getInt("tasksMoved"))
        .sum();
  }
}
