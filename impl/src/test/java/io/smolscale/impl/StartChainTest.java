package io.smolscale.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.BlockingThreads;
import io.smolscale.Scheduler;
import io.smolscale.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The platform blocking path's start chain ({@link StartChain}): thread starts off the
 * submitter's path, returning threads taking waiting bodies, and the balancer's progress check
 * that bounds the pause. Every wait is on an event and bounded.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartChainTest {
  private static final long BOUND_S = 30;

  private static void await(CountDownLatch l, String what) throws InterruptedException {
    assertTrue(l.await(BOUND_S, TimeUnit.SECONDS), "not within " + BOUND_S + " s: " + what);
  }

  private static Pool pool(Scheduler s) {
    return ((WorkBalancingScheduler) s).pool();
  }

  /**
   * Proves two things. (1) Submitters start no thread while a start is under way: the first body's
   * thread start (made by the submitter, which then holds the chain) is held inside the thread
   * factory until another thread has submitted eleven more bodies; every later thread is made by
   * the chain's threads or the balancer, never by either submitter (the factory records who calls
   * it). (2) Bodies that can finish only once all of them run (each waits for all) all get a
   * thread: every waiting body could be taken by a running one when it returns, so the chain
   * pauses, and only the balancer's progress check (no body taken between two ticks) hands them
   * out; the forced hand-outs are counted.
   */
  @Test
  void bodiesThatWaitForEachOtherAllRunAndSubmittersStartNoThreadWhileAStartIsUnderWay()
      throws Exception {
    final int n = 12;
    ConcurrentLinkedQueue<Thread> callers = new ConcurrentLinkedQueue<>();
    CountDownLatch firstInFactory = new CountDownLatch(1);
    CountDownLatch othersSubmitted = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    try (Scheduler s =
        Scheduler.builder()
            .parallelism(1)
            .maxThreads(n + 4)
            .preemption(false)
            .blockingThreads(BlockingThreads.PLATFORM)
            .threadNamePrefix("test-chain-all-")
            .threadFactory(
                r -> {
                  callers.add(Thread.currentThread());
                  if (calls.incrementAndGet() == 1) {
                    firstInFactory.countDown();
                    try {
                      await(othersSubmitted, "the other bodies to be submitted");
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                  return new Thread(r);
                })
            .build()) {
      CountDownLatch all = new CountDownLatch(n);
      Callable<Void> body =
          () -> {
            all.countDown();
            await(all, "all " + n + " bodies running at once");
            return null;
          };
      List<Task<Void>> tasks = new CopyOnWriteArrayList<>();
      Thread other =
          new Thread(
              () -> {
                try {
                  await(firstInFactory, "the first start to reach the factory");
                  for (int i = 1; i < n; i++) {
                    tasks.add(s.spawnBlocking(body));
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  othersSubmitted.countDown();
                }
              },
              "test-chain-other-submitter");
      other.start();
      tasks.add(s.spawnBlocking(body)); // holds the chain inside the factory until the rest are in
      other.join(TimeUnit.SECONDS.toMillis(BOUND_S));
      assertEquals(n, tasks.size(), "bodies submitted");
      await(all, "all " + n + " bodies running at once: " + s.stats());
      for (Task<Void> t : tasks) {
        t.get(BOUND_S, TimeUnit.SECONDS);
      }
      Thread me = Thread.currentThread();
      assertEquals(1, callers.stream().filter(t -> t == me).count(), "starts by the submitter");
      assertEquals(0, callers.stream().filter(t -> t == other).count(), "starts by the other one");
      assertTrue(callers.size() >= n, "threads made: " + callers.size());
      assertTrue(
          pool(s).counters.chainForced.sum() >= 1,
          "no forced hand-out, so the pause never held a body back: " + s.stats());
    }
  }

  /**
   * Proves: a body submitted while a blocking body runs waits for that thread rather than a new
   * one (the pause), and the thread takes it when its own body returns: both run on the same
   * thread and only one thread is ever made. The balancer interval is a second, so its progress
   * check cannot hand the waiting body out first unless the returning thread took longer than
   * that to get from one body to the next.
   */
  @Test
  void aThreadWhoseBodyReturnsTakesTheNextWaitingBody() throws Exception {
    ConcurrentLinkedQueue<Thread> made = new ConcurrentLinkedQueue<>();
    try (Scheduler s =
        Scheduler.builder()
            .parallelism(1)
            .maxThreads(8)
            .preemption(false)
            .balancerInterval(Duration.ofSeconds(1))
            .blockingThreads(BlockingThreads.PLATFORM)
            .threadNamePrefix("test-chain-next-")
            .threadFactory(
                r -> {
                  Thread t = new Thread(r);
                  made.add(t);
                  return t;
                })
            .build()) {
      CountDownLatch firstRunning = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Task<Thread> first =
          s.spawnBlocking(
              () -> {
                firstRunning.countDown();
                await(release, "the second body to be submitted");
                return Thread.currentThread();
              });
      await(firstRunning, "the first body started");
      Task<Thread> second = s.spawnBlocking(Thread::currentThread);
      release.countDown();
      Thread t1 = first.get(BOUND_S, TimeUnit.SECONDS);
      Thread t2 = second.get(BOUND_S, TimeUnit.SECONDS);
      assertSame(t1, t2, "the second body ran on another thread: " + s.stats());
      assertEquals(1, made.size(), "threads made: " + made);
    }
  }
}
