package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Nursery;
import io.smolscale.Scheduler;
import io.smolscale.Smolscale;
import io.smolscale.Task;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** The {@link Smolscale} facade and the global scheduler behind it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class SmolscaleFacadeTest {

  // global() is one scheduler, and executor() is that same scheduler.
  @Test
  void globalIsOneSchedulerAndExecutorIsIt() {
    Scheduler g = Smolscale.global();
    assertSame(g, Smolscale.global());
    assertSame(g, Smolscale.executor());
    CountDownLatch ran = new CountDownLatch(1);
    Smolscale.executor().execute(ran::countDown);
    await(ran, "a runnable given to the global executor");
  }

  // The facade's spawn forms run on global daemon workers.
  @Test
  void facadeSpawnFormsRunOnGlobalDaemonWorkers() {
    AtomicBoolean ranRunnable = new AtomicBoolean();
    Task<Boolean> onWorker = Smolscale.spawn(() -> Smolscale.global().isWorkerThread()
        && Thread.currentThread().isDaemon());
    Task<Void> runnable = Smolscale.spawn(() -> ranRunnable.set(true));
    Task<Integer> async = Smolscale.spawnAsync(() -> CompletableFuture.completedFuture(8));
    assertTrue(onWorker.join());
    assertNull(runnable.join());
    assertTrue(ranRunnable.get());
    assertEquals(8, async.join());
  }

  // yieldNow() and blockOn() work on the global scheduler, from outside and inside a task.
  @Test
  void facadeYieldAndBlockOnWork() {
    await(Smolscale.yieldNow().toCompletableFuture(), "a global yield");
    assertEquals(6, Smolscale.blockOn(Smolscale.spawn(() -> 6)));
    Task<Integer> inside = Smolscale.spawn(() -> Smolscale.blockOn(
        Smolscale.yieldNow().thenCompose(v -> Smolscale.spawn(() -> 7))));
    assertEquals(7, inside.join());
  }

  // The facade's nurseries run children on the global scheduler; the deadline form cancels.
  @Test
  void facadeNurseriesRunChildrenOnTheGlobalScheduler() {
    Task<Boolean> child;
    try (Nursery n = Smolscale.nursery()) {
      child = n.spawn(() -> Smolscale.global().isWorkerThread());
    }
    assertTrue(child.join());
    record Attempt(Nursery timed, Task<Void> slow) {}
    // The premise, that the spawn comes before the deadline, is checked against the clock, not
    // assumed (see Support.beforeDeadline).
    Attempt a = Support.beforeDeadline(Duration.ofSeconds(1), deadline -> {
      Nursery timed = Smolscale.nursery(deadline);
      assertNotNull(timed.remaining());
      Task<Void> slow = timed.spawn(() -> {
        new CountDownLatch(1).await(Support.PATIENCE_SECONDS, TimeUnit.SECONDS);
        return null;
      });
      return new Attempt(timed, slow);
    }, Attempt::timed);
    assertThrows(CancellationException.class, a.timed()::close);
    assertEquals(Task.Status.CANCELLED, a.slow().status());
  }

  // The global scheduler ignores shutdown, shutdownNow and close: it stays usable.
  @Test
  void globalSchedulerIgnoresShutdown() throws Exception {
    Scheduler g = Smolscale.global();
    g.shutdown();
    assertFalse(g.isShutdown());
    assertTrue(g.shutdownNow().isEmpty());
    g.close();
    assertFalse(g.isShutdown());
    assertFalse(g.isTerminated());
    assertFalse(g.awaitTermination(1, TimeUnit.MILLISECONDS));
    assertEquals("still running", Smolscale.spawn(() -> "still running").join());
  }
}
