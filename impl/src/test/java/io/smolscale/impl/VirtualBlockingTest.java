package io.smolscale.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smolscale.BlockingThreads;
import io.smolscale.Scheduler;
import io.smolscale.Task;
import io.smolscale.testsites.Sites;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The blocking path on virtual threads ({@link BlockingThreads}): which threads {@code AUTO}
 * picks, and that a virtual body keeps the platform path's contracts: a place under {@code
 * maxThreads} while it runs (the queued fallback beyond it), termination waits for it, {@code
 * shutdownNow} interrupts it, a failure is reported and frees its place. The tests that need
 * virtual threads are skipped below JDK 21 (CI runs them on JDK 25). Every wait is on an event,
 * bounded so that a broken scheduler fails instead of hanging.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VirtualBlockingTest {
  private static final long BOUND_S = 30;
  private static final int JDK = Runtime.version().feature();

  private static Scheduler.Builder builder(String name) {
    return Scheduler.builder().parallelism(1).threadNamePrefix("test-vb-" + name + "-");
  }

  private static Scheduler.Builder virtual(String name) {
    assumeTrue(JDK >= 21, "virtual threads need JDK 21+");
    return builder(name).blockingThreads(BlockingThreads.VIRTUAL);
  }

  private static boolean isVirtual(Thread t) {
    try {
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(t);
    } catch (NoSuchMethodException e) {
      return false; // JDK 17: no virtual threads
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static void await(CountDownLatch l, String what) throws InterruptedException {
    assertTrue(l.await(BOUND_S, TimeUnit.SECONDS), "not within " + BOUND_S + " s: " + what);
  }

  /**
   * Shuts down and waits, bounded: a scheduler whose termination is broken fails the test here
   * instead of hanging it in {@code close()}.
   */
  private static void closeBounded(Scheduler s) throws InterruptedException {
    s.shutdown();
    assertTrue(s.awaitTermination(BOUND_S, TimeUnit.SECONDS), "not terminated: " + s.stats());
  }

  /** Whether a blocking body of {@code s} runs on a virtual thread. */
  private static boolean bodyRunsVirtual(Scheduler s) throws Exception {
    return s.spawnBlocking(() -> isVirtual(Thread.currentThread())).get(BOUND_S, TimeUnit.SECONDS);
  }

  /**
   * Proves: AUTO is virtual on JDK 24+ without a thread factory, platform with one and below JDK
   * 24; PLATFORM is platform everywhere.
   */
  @Test
  void autoPicksVirtualThreadsOnlyFromJdk24AndNeverWithAThreadFactory() throws Exception {
    Scheduler auto = builder("auto").build();
    try {
      assertEquals(JDK >= 24, bodyRunsVirtual(auto), "AUTO on JDK " + JDK);
    } finally {
      closeBounded(auto);
    }
    Scheduler factory = builder("auto-factory").threadFactory(Thread::new).build();
    try {
      assertFalse(bodyRunsVirtual(factory), "AUTO with a thread factory keeps its threads");
    } finally {
      closeBounded(factory);
    }
    Scheduler s = builder("platform").blockingThreads(BlockingThreads.PLATFORM).build();
    try {
      assertFalse(bodyRunsVirtual(s));
    } finally {
      closeBounded(s);
    }
  }

  /** Proves: bad choices are refused, naming the setting or the property. */
  @Test
  void aBadChoiceIsRefusedNamingIt() {
    if (JDK < 21) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Scheduler.builder().blockingThreads(BlockingThreads.VIRTUAL));
      assertTrue(e.getMessage().contains("blockingThreads VIRTUAL needs"), e.getMessage());
    }
    assertThrows(NullPointerException.class, () -> Scheduler.builder().blockingThreads(null));
    Properties p = new Properties();
    p.setProperty("smolscale.blockingThreads", "virtuel");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Scheduler.builder().fromProperties(p));
    assertTrue(
        e.getMessage().contains("smolscale.blockingThreads='virtuel'")
            && e.getMessage().contains("auto, platform or virtual"),
        e.getMessage());
    p.setProperty("smolscale.blockingThreads", " Platform ");
    assertEquals(
        BlockingThreads.PLATFORM,
        Scheduler.builder().fromProperties(p).toConfig().blockingThreads());
  }

  /**
   * Proves: a virtual body runs on a named virtual thread, and blocking bodies submitted from
   * outside start no platform thread at all (no worker is needed to run them).
   */
  @Test
  void virtualBodiesRunOnNamedVirtualThreadsAndStartNoPlatformThread() throws Exception {
    Scheduler s = virtual("named").build();
    try {
      List<Task<String>> tasks = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        tasks.add(
            s.spawnBlocking(
                () -> {
                  Thread me = Thread.currentThread();
                  Thread.sleep(1);
                  return isVirtual(me) + " " + me.getName();
                }));
      }
      for (Task<String> t : tasks) {
        String r = t.get(BOUND_S, TimeUnit.SECONDS);
        assertTrue(r.startsWith("true test-vb-named-blocking-"), r);
      }
      // A handle completes inside its body's run, before the body's thread has ended.
      Await.until(
          Duration.ofSeconds(BOUND_S),
          () -> s.stats().completed() == 20,
          () -> "bodies counted complete: " + s.stats());
      assertEquals(0, s.stats().threadsStarted(), "platform threads started: " + s.stats());
    } finally {
      closeBounded(s);
    }
  }

  /**
   * Proves: virtual bodies hold places under maxThreads; beyond the cap a body waits for a place
   * (counted in queuedGlobal; it never runs beyond the cap), and runs once a place is free.
   */
  @Test
  void virtualBodiesCountAgainstMaxThreads() throws Exception {
    Scheduler s = virtual("cap").maxThreads(2).preemption(false).build();
    try {
      AtomicInteger inFlight = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      CountDownLatch release = new CountDownLatch(1);
      List<Task<Void>> tasks = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        tasks.add(
            s.spawnBlocking(
                () -> {
                  most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                  try {
                    release.await(BOUND_S, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } finally {
                    inFlight.decrementAndGet();
                  }
                }));
      }
      // Two bodies hold both places; the other two are queued, so they cannot be running.
      Await.until(
          Duration.ofSeconds(BOUND_S),
          () -> inFlight.get() == 2 && s.stats().queuedGlobal() == 2,
          () -> "in flight " + inFlight.get() + ", " + s.stats());
      assertEquals(2, most.get());
      release.countDown();
      for (Task<Void> t : tasks) {
        t.get(BOUND_S, TimeUnit.SECONDS);
      }
      assertTrue(most.get() <= 2, "bodies at once: " + most.get());
    } finally {
      closeBounded(s);
    }
  }

  /** Proves: shutdown's termination waits for a running virtual body; then it terminates. */
  @Test
  void terminationWaitsForAVirtualBody() throws Exception {
    Scheduler s = virtual("term").build();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Task<String> t =
        s.spawnBlocking(
            () -> {
              started.countDown();
              release.await(BOUND_S, TimeUnit.SECONDS);
              return "done";
            });
    await(started, "the body to start");
    s.shutdown();
    assertFalse(s.isTerminated(), "terminated while a blocking body still runs");
    release.countDown();
    assertTrue(s.awaitTermination(BOUND_S, TimeUnit.SECONDS));
    assertEquals("done", t.get(BOUND_S, TimeUnit.SECONDS));
  }

  /** Proves: shutdownNow interrupts a virtual body, and the scheduler then terminates. */
  @Test
  void shutdownNowInterruptsAVirtualBody() throws Exception {
    Scheduler s = virtual("stop").build();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    s.spawnBlocking(
        () -> {
          started.countDown();
          try {
            new CountDownLatch(1).await(BOUND_S, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
        });
    await(started, "the body to start");
    s.shutdownNow();
    await(interrupted, "the body's interrupt");
    assertTrue(s.awaitTermination(BOUND_S, TimeUnit.SECONDS));
  }

  /**
   * Proves: a raw runnable that throws on a virtual thread is reported, and its place under
   * maxThreads is freed (with maxThreads 1, the next body could not start otherwise: it would wait
   * in the queue for a worker that cannot start).
   */
  @Test
  void aFailingVirtualBodyIsReportedAndFreesItsPlace() throws Exception {
    ConcurrentLinkedQueue<Throwable> reported = new ConcurrentLinkedQueue<>();
    CountDownLatch reportedOne = new CountDownLatch(1);
    Scheduler s =
        virtual("fail")
            .maxThreads(1)
            .uncaughtExceptionHandler(
                (th, e) -> {
                  reported.add(e);
                  reportedOne.countDown();
                })
            .build();
    try {
      s.blockingExecutor()
          .execute(
              () -> {
                throw new IllegalStateException("planted");
              });
      await(reportedOne, "the failure report");
      assertEquals("planted", reported.peek().getMessage());
      // The report comes before the place is given back: wait for the body's end. completed is
      // counted first, then the place freed, so both together mean the place is free.
      Await.until(
          Duration.ofSeconds(BOUND_S),
          () -> s.stats().completed() == 1 && s.stats().workers() == 0,
          () -> "the failed body's place was not freed: " + s.stats());
      assertTrue(bodyRunsVirtual(s), "the next body ran on a virtual thread");
    } finally {
      closeBounded(s);
    }
  }

  /**
   * Proves: the predictor's routing uses the virtual path too: once the monitor has seen a site
   * block on a worker, the site's next task runs on a virtual thread.
   */
  @Test
  void aLearntSiteRunsOnVirtualThreads() throws Exception {
    Scheduler s = virtual("learns").build();
    try {
      Runnable sleepy =
          () -> {
            try {
              Thread.sleep(10); // long enough for the monitor to see
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          };
      BlockingSites sites = ((WorkBalancingScheduler) s).pool().sites;
      Sites.A probe = new Sites.A(sleepy);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_S);
      while (sites.warmSite(probe) == null || !sites.warmSite(probe).predicted()) {
        assertTrue(System.nanoTime() < deadline, "never learnt");
        s.spawn(new Sites.A(sleepy)).get(BOUND_S, TimeUnit.SECONDS);
      }
      boolean[] onVirtual = new boolean[1];
      s.spawn(new Sites.A(() -> onVirtual[0] = isVirtual(Thread.currentThread())))
          .get(BOUND_S, TimeUnit.SECONDS);
      assertTrue(onVirtual[0], "the learnt site's next task ran on a worker");
    } finally {
      closeBounded(s);
    }
  }

  /**
   * Proves: a worker start that fails while only virtual bodies are alive is retried: here the
   * body waits for a task it spawned, whose worker's first start fails (the factory throws once).
   * Virtual bodies are never awake, so the balancer's retry must not count them as worker
   * threads, or the body and its task would wait for each other.
   */
  @Test
  void aFailedStartIsRetriedWhileOnlyVirtualBodiesAreAlive() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> reported = new ConcurrentLinkedQueue<>();
    Scheduler s =
        virtual("retry")
            .threadFactory(
                r -> {
                  if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("no worker for you");
                  }
                  return new Thread(r);
                })
            .uncaughtExceptionHandler((th, e) -> reported.add(e))
            .build();
    try {
      Task<String> body =
          s.spawnBlocking(() -> s.spawn(() -> "inner").get(BOUND_S, TimeUnit.SECONDS));
      assertEquals("inner", body.get(BOUND_S, TimeUnit.SECONDS), "stranded: " + s.stats());
      assertTrue(calls.get() >= 2, "the start was retried: " + calls.get());
      assertEquals(1, reported.size(), reported.toString());
    } finally {
      closeBounded(s);
    }
  }
  /** Bodies that hold a place until the gate opens, counting how many run at once and where. */
  private static final class Gated {
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger interrupted = new AtomicInteger();
    final ConcurrentLinkedQueue<String> notVirtual = new ConcurrentLinkedQueue<>();

    /** Waits until {@code held} bodies hold a place and {@code waitingN} wait for one. */
    void awaitHeldAndWaiting(Scheduler s, int held, long waitingN) {
      Await.until(
          Duration.ofSeconds(BOUND_S),
          () -> inFlight.get() == held && s.stats().queuedGlobal() == waitingN,
          () -> "in flight " + inFlight.get() + ", " + s.stats());
    }

    Task<Integer> spawn(Scheduler s, int id) {
      return s.spawnBlocking(
          () -> {
            started.incrementAndGet();
            if (!isVirtual(Thread.currentThread())) {
              notVirtual.add(Thread.currentThread().getName());
            }
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
              gate.await(BOUND_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              interrupted.incrementAndGet();
            } finally {
              inFlight.decrementAndGet();
            }
            return id;
          });
    }
  }

  /**
   * Proves: at the cap, a blocking body waits for a place off the workers (Blocking's waiting
   * queue): the worker goes on with other work while every place is held, the waiting bodies run
   * on virtual threads once places come free, never more at once than the places. Before the
   * waiting queue the body went to the global queue as a Declared task, the idle worker took it
   * and ran it itself, blocked on the gate, and the CPU task behind it could not run (at the cap
   * no replacement can start): the get below timed out.
   */
  @Test
  void atTheCapBodiesWaitOffTheWorkersWhichGoOnWithOtherWork() throws Exception {
    // parallelism 1, maxThreads 3: the worker holds one place, two bodies the other two.
    Scheduler s =
        virtual("wait").maxThreads(3).preemption(false).keepAlive(Duration.ofSeconds(60)).build();
    try {
      assertEquals(1, s.spawn(() -> 1).get(BOUND_S, TimeUnit.SECONDS)); // the worker is alive
      Gated g = new Gated();
      List<Task<Integer>> bodies = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        bodies.add(g.spawn(s, i));
      }
      g.awaitHeldAndWaiting(s, 2, 4);
      // Every place is held and four bodies wait: the worker still runs CPU work.
      assertEquals(42, s.spawn(() -> 42).get(BOUND_S, TimeUnit.SECONDS));
      assertEquals(2, g.started.get(), "only the bodies with a place started");
      g.gate.countDown();
      for (int i = 0; i < bodies.size(); i++) {
        assertEquals(i, bodies.get(i).get(BOUND_S, TimeUnit.SECONDS));
      }
      assertEquals(2, g.most.get(), "bodies at once");
      assertTrue(g.notVirtual.isEmpty(), "bodies that ran on a platform thread: " + g.notVirtual);
    } finally {
      closeBounded(s);
    }
  }

  /**
   * Proves: shutdownNow returns the bodies waiting for a place, cancelled and never run, and
   * interrupts the ones running; the scheduler then terminates.
   */
  @Test
  void shutdownNowReturnsTheBodiesWaitingForAPlace() throws Exception {
    Scheduler s = virtual("wait-stop").maxThreads(2).preemption(false).build();
    Gated g = new Gated();
    List<Task<Integer>> bodies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      bodies.add(g.spawn(s, i));
    }
    g.awaitHeldAndWaiting(s, 2, 3);
    List<Runnable> never = s.shutdownNow();
    assertEquals(3, never.size(), "the waiting bodies: " + never);
    assertTrue(s.awaitTermination(BOUND_S, TimeUnit.SECONDS), "terminated: " + s.stats());
    assertEquals(2, g.started.get(), "no waiting body ran");
    assertEquals(2, g.interrupted.get(), "the running bodies were interrupted");
    for (int i = 2; i < 5; i++) {
      assertEquals(Task.Status.CANCELLED, bodies.get(i).status(), "body " + i);
    }
  }

  /**
   * Proves: a graceful shutdown runs the bodies waiting for a place, and terminates only after
   * the last of them.
   */
  @Test
  void shutdownRunsTheBodiesWaitingForAPlaceFirst() throws Exception {
    Scheduler s = virtual("wait-drain").maxThreads(2).preemption(false).build();
    Gated g = new Gated();
    List<Task<Integer>> bodies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      bodies.add(g.spawn(s, i));
    }
    g.awaitHeldAndWaiting(s, 2, 3);
    s.shutdown();
    assertFalse(s.isTerminated(), "terminated with bodies running and waiting");
    g.gate.countDown();
    for (int i = 0; i < bodies.size(); i++) {
      assertEquals(i, bodies.get(i).get(BOUND_S, TimeUnit.SECONDS));
    }
    assertTrue(s.awaitTermination(BOUND_S, TimeUnit.SECONDS), "terminated: " + s.stats());
    assertEquals(5, g.started.get());
  }
}
