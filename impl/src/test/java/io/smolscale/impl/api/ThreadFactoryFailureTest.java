package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.PATIENCE_SECONDS;
import static io.smolscale.impl.api.Support.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Scheduler;
import io.smolscale.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * A thread factory that fails (spec/README.md §11): the start is retried without depending on a
 * thread that may not exist, the failure is reported once per episode, and a scheduler never
 * reports itself terminated while an accepted task is still pending: a task that can never run
 * fails with a {@link RejectedExecutionException} caused by the factory's failure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class ThreadFactoryFailureTest {

  private final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());

  private Scheduler withFactory(ThreadFactory f) {
    return small(1).threadFactory(f).uncaughtExceptionHandler((t, e) -> reported.add(e)).build();
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  // The first start fails while no thread of the scheduler exists (not even the balancer); the
  // task still runs, through the balancer that the failure itself starts. Before the fix the
  // balancer was never started, so the task waited forever.
  @Test
  void aFactoryThatFailsOnceDoesNotStrandTheFirstTask() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ThreadFactory failsOnce =
        r -> {
          if (calls.getAndIncrement() == 0) {
            throw new IllegalStateException("first call fails");
          }
          return new Thread(r);
        };
    try (Scheduler s = withFactory(failsOnce)) {
      assertEquals(1, s.spawn(() -> 1).get(PATIENCE_SECONDS, TimeUnit.SECONDS));
    }
    assertEquals(1, reported.size(), "the failed start was reported once: " + reported);
    assertEquals("first call fails", rootCause(reported.get(0)).getMessage());
  }

  // A failed start is an operational event: besides the handler, it is logged (System.Logger,
  // WARNING on io.smolscale, whose default back end is java.util.logging), once per episode of
  // failures however often the retry fails, naming what failed and carrying the cause.
  @Test
  void aFailedStartIsLoggedOncePerEpisode() throws Exception {
    LogRecorder log = new LogRecorder();
    log.listen();
    try {
      AtomicInteger calls = new AtomicInteger();
      ThreadFactory failsThrice =
          r -> {
            if (calls.getAndIncrement() < 3) {
              throw new IllegalStateException("fails thrice");
            }
            return new Thread(r);
          };
      try (Scheduler s = withFactory(failsThrice)) {
        assertEquals(1, s.spawn(() -> 1).get(PATIENCE_SECONDS, TimeUnit.SECONDS));
      }
      assertTrue(calls.get() >= 4, "the start was retried until it succeeded: " + calls);
    } finally {
      log.stop();
    }
    List<LogRecord> warnings = new ArrayList<>();
    for (LogRecord r : log.records()) {
      if (r.getLevel() == Level.WARNING && r.getThrown() != null) {
        warnings.add(r);
      }
    }
    assertEquals(1, warnings.size(), "one warning per episode: " + warnings);
    assertTrue(
        warnings.get(0).getMessage().contains("could not start a worker thread"),
        warnings.get(0).getMessage());
    assertEquals("fails thrice", rootCause(warnings.get(0).getThrown()).getMessage());
    assertEquals(1, reported.size(), "and once to the handler: " + reported);
  }

  // A factory that returns null: after shutdown the scheduler terminates, and the task it could
  // never run is FAILED with the factory's error, not PENDING behind a "terminated" scheduler.
  // Retries in between are not reported again (one report per episode).
  @Test
  void aTaskThatCanNeverRunFailsBeforeTheSchedulerTerminates() throws Exception {
    Scheduler s = withFactory(r -> null);
    Task<Integer> t = s.spawn(() -> 1);
    s.shutdown();
    assertTrue(s.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS), "terminated");
    assertTrue(t.isDone(), "terminated with an accepted task pending: " + t.status());
    assertEquals(Task.Status.FAILED, t.status());
    assertInstanceOf(RejectedExecutionException.class, t.failure());
    assertTrue(rootCause(t.failure()).getMessage().contains("returned null"), "" + t.failure());
    assertEquals(1, reported.size(), "one report per failure episode: " + reported);
  }

  // A factory that starts the thread itself (which then runs our worker early, unasked): the
  // start is refused, the early run does nothing, the counts stay true and the task fails at
  // shutdown, naming the problem. Before the fix the submitter was never told.
  @Test
  void aFactoryThatReturnsAStartedThreadIsRefused() throws Exception {
    List<Thread> made = Collections.synchronizedList(new ArrayList<>());
    ThreadFactory starts =
        r -> {
          Thread th = new Thread(r);
          made.add(th);
          th.start();
          return th;
        };
    Scheduler s = withFactory(starts);
    Task<Integer> t = s.spawn(() -> 1);
    s.shutdown();
    assertTrue(s.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS), "terminated");
    assertEquals(Task.Status.FAILED, t.status());
    assertInstanceOf(RejectedExecutionException.class, t.failure());
    assertInstanceOf(IllegalThreadStateException.class, rootCause(t.failure()));
    assertEquals(0, s.stats().workers(), "no worker counted");
    for (Thread th : new ArrayList<>(made)) {
      th.join(TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS));
      assertTrue(!th.isAlive(), "a factory-started thread ran the worker and stayed");
    }
  }

  // A start that fails in Thread.start(), after the new worker was counted as searching: a
  // submission in that window trusted the doomed searcher and woke nobody, so the failed starter
  // must wake the parked worker in its place (the lost wake-up the TLA+ model found,
  // Scheduler_startfail_late). Without that wake the task waited for the parked worker's
  // keep-alive (60 s here), far past the test's patience.
  @Test
  void aStartThatFailsLateStillWakesASleeperForWaitingWork() throws Exception {
    CountDownLatch inStart = new CountDownLatch(1);
    CountDownLatch failStart = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    ThreadFactory secondStartFails =
        r -> {
          if (calls.getAndIncrement() == 0) {
            return new Thread(r);
          }
          return new Thread(r) {
            @Override
            public synchronized void start() {
              inStart.countDown();
              Support.awaitUninterruptibly(failStart);
              throw new IllegalThreadStateException("start fails late");
            }
          };
        };
    try (Scheduler s =
        small(2)
            .keepAlive(Duration.ofSeconds(60))
            .spinBeforePark(Duration.ZERO)
            .preemption(false)
            .threadFactory(secondStartFails)
            .uncaughtExceptionHandler((t, e) -> reported.add(e))
            .build()) {
      CountDownLatch releaseFirst = new CountDownLatch(1);
      Task<Integer> first =
          s.spawn(
              () -> {
                Support.awaitInBody(releaseFirst);
                return 1;
              });
      // With the only worker busy, the next submission starts a second worker, whose start
      // blocks inside Thread.start() with the worker already counted as searching.
      Thread submitter = new Thread(() -> s.execute(() -> {}), "submitter");
      submitter.start();
      Support.await(inStart, "the second start to reach Thread.start()");
      releaseFirst.countDown();
      assertEquals(1, first.join());
      Support.awaitCondition(() -> s.stats().parked() == 1, "the first worker to park");
      Task<Integer> late = s.spawn(() -> 2); // its wakeOne sees the doomed searcher
      failStart.countDown();
      submitter.join(TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS));
      assertEquals(2, late.get(PATIENCE_SECONDS, TimeUnit.SECONDS), "the parked worker was woken");
    }
    assertEquals(1, reported.size(), "the failed start was reported: " + reported);
  }
}
