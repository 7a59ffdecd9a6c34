package io.smolscale.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smolscale.BlockingThreads;
import io.smolscale.Scheduler;
import io.smolscale.Stats;
import io.smolscale.Task;
import io.smolscale.testsites.Sites;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Capacity that follows blocking demand (issue 15): the blocking path ({@code spawnBlocking},
 * {@code blockingExecutor}), spares, the predictor's routing, and the system-call verdict, each
 * test named as the property it proves. Every wait is on an event, bounded so that a broken
 * scheduler fails the test instead of hanging it. Preemption is turned off (or its computing
 * threshold made an hour) wherever the property must hold without the monitor's rescue: then the
 * only way the test can finish is the mechanism under test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BlockingPathTest {
  private static final long BOUND_S = 30;

  /** Platform threads: these tests prove the spares' and worker threads' side of the path. */
  private static Scheduler.Builder builder(String name) {
    return Scheduler.builder()
        .parallelism(1)
        .threadNamePrefix("test-bp-" + name + "-")
        .blockingThreads(BlockingThreads.PLATFORM);
  }

  private static void await(CountDownLatch l, String what) throws InterruptedException {
    assertTrue(l.await(BOUND_S, TimeUnit.SECONDS), "not within " + BOUND_S + " s: " + what);
  }

  private static Pool pool(Scheduler s) {
    return ((WorkBalancingScheduler) s).pool();
  }

  /** Proves: a blocking body starts at once, not behind a worker that is busy (no preemption). */
  @Test
  void aBlockingBodyStartsAtOnceWhileTheOnlyWorkerIsBusy() throws Exception {
    try (Scheduler s = builder("at-once").preemption(false).build()) {
      CountDownLatch occupied = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Task<Void> busy =
          s.spawn(
              () -> {
                occupied.countDown();
                try {
                  release.await(BOUND_S, TimeUnit.SECONDS); // holds the only worker
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      await(occupied, "the worker took the occupying task");
      Thread[] ranOn = new Thread[1];
      Task<String> body =
          s.spawnBlocking(
              () -> {
                ranOn[0] = Thread.currentThread();
                release.countDown();
                return "ran";
              });
      assertEquals("ran", body.get(BOUND_S, TimeUnit.SECONDS));
      busy.get(BOUND_S, TimeUnit.SECONDS);
      assertTrue(ranOn[0].getName().startsWith("test-bp-at-once-"), ranOn[0].getName());
    }
  }

  /**
   * Proves: blocking threads never exceed maxThreads; the bodies that find no thread wait in the
   * global queue and every one runs exactly once when threads come free.
   */
  @Test
  void blockingBodiesBeyondMaxThreadsWaitAndAllRunOnce() throws Exception {
    final int cap = 3;
    final int bodies = 7;
    try (Scheduler s = builder("cap").maxThreads(cap).preemption(false).build()) {
      CountDownLatch gate = new CountDownLatch(1);
      CountDownLatch firstWave = new CountDownLatch(cap);
      AtomicInteger running = new AtomicInteger();
      AtomicInteger maxRunning = new AtomicInteger();
      AtomicInteger[] runs = new AtomicInteger[bodies];
      List<Task<Void>> tasks = new ArrayList<>();
      for (int i = 0; i < bodies; i++) {
        AtomicInteger mine = runs[i] = new AtomicInteger();
        tasks.add(
            s.spawnBlocking(
                () -> {
                  mine.incrementAndGet();
                  maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                  firstWave.countDown();
                  try {
                    gate.await(BOUND_S, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  running.decrementAndGet();
                }));
      }
      await(firstWave, "the first " + cap + " bodies started");
      assertTrue(s.stats().workers() <= cap, "threads: " + s.stats());
      gate.countDown();
      for (Task<Void> t : tasks) {
        t.get(BOUND_S, TimeUnit.SECONDS);
      }
      for (int i = 0; i < bodies; i++) {
        assertEquals(1, runs[i].get(), "body " + i);
      }
      assertTrue(maxRunning.get() <= cap, "ran at once: " + maxRunning.get());
      assertTrue(s.stats().threadsStarted() <= cap, s.stats().toString());
    }
  }

  /** Runs a burst of n blocking bodies that must all be running at once before any ends. */
  private static void concurrentBurst(Scheduler s, int n) throws Exception {
    CountDownLatch all = new CountDownLatch(n);
    List<Task<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tasks.add(
          s.spawnBlocking(
              () -> {
                all.countDown();
                try {
                  all.await(BOUND_S, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }));
    }
    await(all, "all " + n + " bodies running at once");
    for (Task<Void> t : tasks) {
      t.get(BOUND_S, TimeUnit.SECONDS);
    }
  }

  /**
   * Proves: a blocked thread whose body returns with parallelism full stays as a spare, and the
   * next burst takes the spares instead of starting threads (no churn).
   */
  @Test
  void sparesServeTheNextBurstWithoutThreadStarts() throws Exception {
    final int n = 8;
    try (Scheduler s = builder("spares").keepAlive(Duration.ofHours(1)).build()) {
      concurrentBurst(s, n);
      Await.until(
          Duration.ofSeconds(BOUND_S),
          () -> s.stats().parked() == s.stats().workers(),
          () -> "every thread parked: " + s.stats());
      int spares = pool(s).spares.size();
      assertTrue(spares >= n - 1, "spares " + spares + ", " + s.stats());
      long before = s.stats().threadsStarted();
      concurrentBurst(s, n);
      assertEquals(
          Math.max(0, n - spares), s.stats().threadsStarted() - before, s.stats().toString());
      assertTrue(s.stats().spawned() >= 2L * n, s.stats().toString());
    }
  }

  /** Proves: spares retire after the keep-alive (an idle scheduler keeps no thread). */
  @Test
  void sparesRetireAfterTheKeepAlive() throws Exception {
    try (Scheduler s = builder("retire").keepAlive(Duration.ofMillis(100)).build()) {
      concurrentBurst(s, 6);
      Await.until(
          Duration.ofSeconds(BOUND_S),
          () -> s.stats().workers() == 0,
          () -> "threads left: " + s.stats());
    }
  }

  /** Proves: shutdown ends parked spares at once; it does not wait for their keep-alive. */
  @Test
  void closeEndsSparesWithoutWaitingForTheKeepAlive() throws Exception {
    Scheduler s = builder("close").keepAlive(Duration.ofHours(1)).build();
    concurrentBurst(s, 6);
    Await.until(
        Duration.ofSeconds(BOUND_S),
        () -> pool(s).spares.size() > 0,
        () -> "spares: " + s.stats());
    assertTimeoutPreemptively(Duration.ofSeconds(BOUND_S), s::close);
    assertTrue(s.isTerminated());
    assertEquals(0, s.stats().workers());
  }

  /**
   * Proves: a site the predictor has learnt starts on a thread of its own even from the normal
   * execute path, submitted from outside (routed at dispatch) or from a worker (routed by the
   * worker that takes it): three tasks that can only finish together finish with one worker,
   * preemption off.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aPredictedSiteStartsOnAThreadOfItsOwn(boolean fromAWorker) throws Exception {
    try (Scheduler s = builder("predicted").preemption(false).build()) {
      CountDownLatch together = new CountDownLatch(3);
      CountDownLatch done = new CountDownLatch(3);
      Runnable body =
          () -> {
            together.countDown();
            try {
              if (together.await(BOUND_S, TimeUnit.SECONDS)) {
                done.countDown();
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          };
      BlockingSites sites = pool(s).sites;
      sites.blocked(new Sites.Gated(body)); // two verdicts, as the monitor would give
      sites.blocked(new Sites.Gated(body));
      Runnable submitAll =
          () -> {
            for (int i = 0; i < 3; i++) {
              s.execute(new Sites.Gated(body));
            }
          };
      if (fromAWorker) {
        s.spawn(submitAll).get(BOUND_S, TimeUnit.SECONDS); // into that worker's local queue
      } else {
        submitAll.run();
      }
      await(done, "three predicted tasks ran at once with parallelism 1 and no preemption");
    }
  }

  /**
   * Proves: a worker blocked in a socket read (its thread RUNNABLE) is seen blocked by its CPU
   * time and replaced, with the computing rule out of reach (threshold one hour).
   */
  @Test
  void aWorkerBlockedInASocketReadIsReplaced() throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    assumeTrue(mx.isThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled(), "no thread CPU time");
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Scheduler s = builder("syscall").preemptionThreshold(Duration.ofHours(1)).build()) {
      CountDownLatch connected = new CountDownLatch(1);
      Task<Integer> reader =
          s.spawn(
              () -> {
                try (Socket c = new Socket(server.getInetAddress(), server.getLocalPort());
                    InputStream in = c.getInputStream()) {
                  connected.countDown();
                  return in.read(); // blocks in the kernel until the server writes
                }
              });
      try (Socket accepted = server.accept()) {
        await(connected, "the reader connected");
        Task<String> tiny = s.spawn(() -> "ran");
        assertEquals("ran", tiny.get(BOUND_S, TimeUnit.SECONDS), "behind the socket read");
        assertTrue(s.stats().preemptions() >= 1, s.stats().toString());
        accepted.getOutputStream().write(42);
        assertEquals(42, reader.get(BOUND_S, TimeUnit.SECONDS));
      }
    }
  }

  /**
   * Proves: CPU-bound tasks never bring more than 2 x parallelism threads, the system-call rule
   * included (a runnable thread waiting for a core is not in a system call): 4 x parallelism
   * tasks of 100 ms of CPU each.
   */
  @Test
  void cpuBoundTasksNeverBringMoreThanTwiceParallelismThreads() throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    assumeTrue(mx.isCurrentThreadCpuTimeSupported(), "no thread CPU time");
    final int parallelism = 2;
    try (Scheduler s =
        Scheduler.builder().parallelism(parallelism).threadNamePrefix("test-bp-cpu-").build()) {
      List<Task<Long>> tasks = new ArrayList<>();
      for (int i = 0; i < 4 * parallelism; i++) {
        tasks.add(
            s.spawn(
                () -> {
                  long end = mx.getCurrentThreadCpuTime() + 100_000_000L;
                  long spins = 0;
                  while (mx.getCurrentThreadCpuTime() < end) {
                    spins++;
                  }
                  return spins;
                }));
      }
      for (Task<Long> t : tasks) {
        assertTrue(t.get(BOUND_S * 2, TimeUnit.SECONDS) > 0);
      }
      Stats st = s.stats();
      assertTrue(st.threadsStarted() <= 2L * parallelism, st.toString());
    }
  }

  /** Proves: a raw runnable that throws on the blocking executor is reported; the next runs. */
  @Test
  void theBlockingExecutorReportsAFailureAndKeepsGoing() throws Exception {
    ConcurrentLinkedQueue<Throwable> reported = new ConcurrentLinkedQueue<>();
    CountDownLatch reportedOne = new CountDownLatch(1);
    try (Scheduler s =
        builder("report")
            .uncaughtExceptionHandler(
                (t, e) -> {
                  reported.add(e);
                  reportedOne.countDown();
                })
            .build()) {
      assertSame(s.blockingExecutor(), s.blockingExecutor());
      IllegalStateException boom = new IllegalStateException("boom");
      s.blockingExecutor().execute(() -> {
        throw boom;
      });
      CountDownLatch next = new CountDownLatch(1);
      s.blockingExecutor().execute(next::countDown);
      await(next, "the next runnable ran");
      await(reportedOne, "the failure was reported");
      assertSame(boom, reported.peek());
    }
  }

  /** Proves: the blocking path refuses work after shutdown, as execute does. */
  @Test
  void theBlockingPathRejectsAfterShutdown() {
    Scheduler s = builder("rejects").build();
    s.shutdown();
    assertThrows(RejectedExecutionException.class, () -> s.spawnBlocking(() -> 1));
    assertThrows(RejectedExecutionException.class, () -> s.spawnBlocking(() -> {}));
    assertThrows(RejectedExecutionException.class, () -> s.blockingExecutor().execute(() -> {}));
    assertThrows(NullPointerException.class, () -> s.blockingExecutor().execute(null));
    Scheduler other = builder("other").build();
    try {
      assertNotSame(s.blockingExecutor(), other.blockingExecutor());
    } finally {
      other.close();
    }
  }

  /**
   * Proves: when every allowed thread is blocked while work waits, one WARNING is logged on
   * {@code io.smolscale} naming the counts (System.Logger's default back end is
   * java.util.logging, listened to here), and the work runs once a thread returns.
   */
  @Test
  void starvationAtTheThreadCapIsReported() throws Exception {
    List<LogRecord> records = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch warned = new CountDownLatch(1);
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel() == Level.WARNING
                && String.valueOf(r.getMessage()).contains("maxThreads")) {
              records.add(r);
              warned.countDown();
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger("io.smolscale");
    logger.addHandler(handler);
    try (Scheduler s = builder("starved").maxThreads(1).build()) {
      CountDownLatch release = new CountDownLatch(1);
      Task<Void> blocker =
          s.spawn(
              () -> {
                release.await(BOUND_S, TimeUnit.SECONDS);
                return null;
              });
      Await.until(
          Duration.ofSeconds(BOUND_S),
          () -> s.stats().blocked() == 1,
          () -> "the blocker was never marked: " + s.stats());
      Task<String> queued = s.spawn(() -> "ran");
      await(warned, "the starvation warning");
      assertTrue(
          java.util.Arrays.asList(records.get(0).getParameters()).contains(1), "the counts");
      release.countDown();
      assertEquals("ran", queued.get(BOUND_S, TimeUnit.SECONDS));
      blocker.get(BOUND_S, TimeUnit.SECONDS);
    } finally {
      logger.removeHandler(handler);
    }
  }

  /**
   * Proves: the monitor's verdicts teach the predictor end to end, for a spawned task (the site is
   * the body's class, read while the body runs): a site whose tasks keep sleeping becomes
   * predicted, and its next task runs on a thread of its own.
   */
  @Test
  void theMonitorTeachesThePredictorWhichSiteBlocks() throws Exception {
    try (Scheduler s = builder("learns").build()) {
      Runnable sleepy =
          () -> {
            try {
              Thread.sleep(10); // a blocking call long enough for the monitor to see
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          };
      BlockingSites sites = pool(s).sites;
      Sites.A probe = new Sites.A(sleepy);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_S);
      int spawned = 0;
      while (sites.warmSite(probe) == null || !sites.warmSite(probe).predicted()) {
        assertTrue(System.nanoTime() < deadline, "never learnt after " + spawned + " tasks");
        s.spawn(new Sites.A(sleepy)).get(BOUND_S, TimeUnit.SECONDS);
        spawned++;
      }
      boolean[] ranAsBlockingBody = new boolean[1];
      s.spawn(new Sites.A(() -> ranAsBlockingBody[0] = Worker.current().isBlocked()))
          .get(BOUND_S, TimeUnit.SECONDS);
      assertTrue(ranAsBlockingBody[0], "the next task of the site ran on a worker's slot");
    }
  }

  /**
   * Proves: a blocking body whose thread cannot be started is not lost: the failure is reported
   * and the body runs once a thread can be had (here the factory fails only its first call).
   */
  @Test
  void aBlockingBodyWhoseThreadFailsToStartStillRuns() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> reported = new ConcurrentLinkedQueue<>();
    try (Scheduler s =
        builder("factory")
            .threadFactory(
                r -> {
                  if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("no thread for you");
                  }
                  return new Thread(r);
                })
            .uncaughtExceptionHandler((t, e) -> reported.add(e))
            .build()) {
      assertEquals("ran", s.spawnBlocking(() -> "ran").get(BOUND_S, TimeUnit.SECONDS));
      assertEquals(1, reported.size(), reported.toString());
      assertEquals("no thread for you", reported.peek().getCause().getMessage());
    }
  }

  /**
   * Proves: a worker start that fails while a spare parks wakes the spare in its place (the strand
   * TLC found, Spares_startfail_strand). The order is forced: a blocking body's thread T1 waits
   * until a task's submission is inside the thread factory for a worker (the slot reserved), then
   * returns; T1 finds no free slot and parks as a spare; then the factory throws. Before the fix
   * the task waited in the global queue for T1's keep-alive (here a minute, beyond the bound); now
   * the failed starter pops T1, which runs it.
   */
  @Test
  void aFailedStartWakesASpareThatParkedMeanwhile() throws Exception {
    CountDownLatch inFactory = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    Pool[] pool = new Pool[1];
    ConcurrentLinkedQueue<Throwable> reported = new ConcurrentLinkedQueue<>();
    try (Scheduler s =
        builder("startfail-spare")
            .maxThreads(2)
            .preemption(false)
            .keepAlive(Duration.ofMinutes(1))
            .threadFactory(
                r -> {
                  if (calls.incrementAndGet() != 2) {
                    return new Thread(r);
                  }
                  // The worker start for the task: its slot is reserved. Let the body return,
                  // and fail only once its thread has parked as a spare.
                  inFactory.countDown();
                  Await.until(
                      Duration.ofSeconds(BOUND_S),
                      () -> pool[0].spares.size() == 1,
                      () -> "the body's thread never parked as a spare: " + pool[0].spares.size());
                  throw new IllegalStateException("no worker for you");
                })
            .uncaughtExceptionHandler((t, e) -> reported.add(e))
            .build()) {
      pool[0] = pool(s);
      Task<String> body =
          s.spawnBlocking(
              () -> {
                await(inFactory, "the worker start to reach the factory");
                return "body";
              });
      Task<String> task = s.spawn(() -> "task"); // start fails; T1 becomes a spare meanwhile
      assertEquals("body", body.get(BOUND_S, TimeUnit.SECONDS));
      assertEquals("task", task.get(BOUND_S, TimeUnit.SECONDS), "stranded: " + s.stats());
      assertEquals(1, reported.size(), reported.toString());
    }
  }
}
