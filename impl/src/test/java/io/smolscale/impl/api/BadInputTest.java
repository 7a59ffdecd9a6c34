package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.CheckedRunnable;
import io.smolscale.ErrorPolicy;
import io.smolscale.Nursery;
import io.smolscale.Scheduler;
import io.smolscale.Smolscale;
import io.smolscale.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.function.Executable;

/** Clear errors for bad input: null bodies, bad deadlines, use after shutdown. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class BadInputTest {

  private static final Callable<Integer> NO_CALLABLE = null;
  private static final Runnable NO_RUNNABLE = null;
  private static final CheckedRunnable NO_CHECKED = null;
  private static final Supplier<CompletionStage<Integer>> NO_SUPPLIER = null;

  private static void assertNpeNaming(String name, Executable bad) {
    NullPointerException e = assertThrows(NullPointerException.class, bad);
    assertEquals(name, e.getMessage(), "the NullPointerException names the parameter");
  }

  // Every spawn method of a scheduler refuses a null body with an NPE naming it, and accepts nothing.
  @Test
  void schedulerSpawnMethodsRejectNullBodies() {
    try (Scheduler s = small(1).build()) {
      assertNpeNaming("body", () -> s.spawn(NO_CALLABLE));
      assertNpeNaming("body", () -> s.spawn(NO_RUNNABLE));
      assertNpeNaming("body", () -> s.spawn(NO_CHECKED));
      assertNpeNaming("body", () -> s.spawnBlocking(NO_CHECKED));
      assertNpeNaming("body", () -> s.spawnAsync(NO_SUPPLIER));
      assertNpeNaming("body", () -> s.submit(NO_CALLABLE));
      assertNpeNaming("body", () -> s.submit(NO_RUNNABLE));
      assertNpeNaming("body", () -> s.submit(NO_RUNNABLE, "result"));
      assertNpeNaming("task", () -> s.execute(null));
      assertNpeNaming("stage", () -> s.blockOn(null));
      assertNpeNaming("deadline", () -> s.nursery(null));
      assertThrows(NullPointerException.class, () -> s.invokeAll(null));
      assertThrows(NullPointerException.class, () -> s.invokeAll(java.util.Arrays.asList(NO_CALLABLE)));
      assertEquals(0, s.stats().spawned(), "no refused body was accepted");
      assertEquals(0, s.stats().threadsStarted());
    }
  }

  // Every spawn method of a nursery refuses a null body or policy with an NPE naming it.
  @Test
  void nurserySpawnMethodsRejectNullBodiesAndPolicies() {
    Supplier<CompletionStage<Integer>> supplier = () -> CompletableFuture.completedFuture(1);
    try (Scheduler s = small(1).build(); Nursery n = s.nursery()) {
      assertNpeNaming("body", () -> n.spawn(NO_CALLABLE));
      assertNpeNaming("body", () -> n.spawn(NO_CALLABLE, ErrorPolicy.IGNORE));
      assertNpeNaming("body", () -> n.spawn(NO_RUNNABLE));
      assertNpeNaming("body", () -> n.spawn(NO_RUNNABLE, ErrorPolicy.IGNORE));
      assertNpeNaming("body", () -> n.spawn(NO_CHECKED));
      assertNpeNaming("body", () -> n.spawn(NO_CHECKED, ErrorPolicy.IGNORE));
      assertNpeNaming("policy", () -> n.spawn(() -> { }, null));
      assertNpeNaming("policy", () -> n.spawn((Runnable) () -> { }, null));
      assertNpeNaming("body", () -> n.spawnAsync(NO_SUPPLIER));
      assertNpeNaming("body", () -> n.spawnAsync(NO_SUPPLIER, ErrorPolicy.IGNORE));
      assertNpeNaming("policy", () -> n.spawn(() -> 1, null));
      assertNpeNaming("policy", () -> n.spawnAsync(supplier, null));
      assertEquals(0, n.liveChildren(), "no refused child was adopted");
    }
  }

  // The facade refuses null bodies too.
  @Test
  void facadeSpawnMethodsRejectNullBodies() {
    assertNpeNaming("body", () -> Smolscale.spawn(NO_CALLABLE));
    assertNpeNaming("body", () -> Smolscale.spawn(NO_RUNNABLE));
    assertNpeNaming("body", () -> Smolscale.spawn(NO_CHECKED));
    assertNpeNaming("body", () -> Smolscale.spawnBlocking(NO_CHECKED));
    assertNpeNaming("body", () -> Smolscale.spawnAsync(NO_SUPPLIER));
    assertNpeNaming("stage", () -> Smolscale.blockOn(null));
    assertNpeNaming("deadline", () -> Smolscale.nursery(null));
  }

  // A nursery deadline must be positive: zero and negative deadlines are refused naming it.
  @Test
  void nonPositiveNurseryDeadlineIsRejected() {
    try (Scheduler s = small(1).build()) {
      for (Duration bad : List.of(Duration.ZERO, Duration.ofMillis(-1))) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> s.nursery(bad));
        assertTrue(e.getMessage().contains("deadline"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Smolscale.nursery(bad));
      }
    }
  }

  // After shutdown every way of submitting work is refused with RejectedExecutionException.
  @Test
  void spawnAfterShutdownIsRejected() {
    Scheduler s = small(1).build();
    s.shutdown();
    Supplier<CompletionStage<Integer>> supplier = () -> CompletableFuture.completedFuture(1);
    assertThrows(RejectedExecutionException.class, () -> s.spawn(() -> 1));
    assertThrows(RejectedExecutionException.class, () -> s.spawn(() -> { }));
    assertThrows(RejectedExecutionException.class, () -> s.spawnAsync(supplier));
    assertThrows(RejectedExecutionException.class, () -> s.submit(() -> 1));
    assertThrows(RejectedExecutionException.class, () -> s.submit(() -> { }));
    assertThrows(RejectedExecutionException.class, () -> s.submit(() -> { }, 1));
    assertThrows(RejectedExecutionException.class, () -> s.execute(() -> { }));
    assertThrows(RejectedExecutionException.class, () -> s.invokeAll(List.of(() -> 1)));
    assertThrows(RejectedExecutionException.class, s::yieldNow);
    s.close();
    assertThrows(RejectedExecutionException.class, () -> s.spawn(() -> 1));
    assertEquals(0, s.stats().spawned());
  }

  // A nursery on a shut-down scheduler refuses children with RejectedExecutionException and
  // holds no trace of them: it still closes normally.
  @Test
  void nurserySpawnAfterSchedulerShutdownIsRejected() {
    try (Scheduler s = small(1).build()) {
      Nursery n = s.nursery();
      s.shutdown();
      assertThrows(RejectedExecutionException.class, () -> n.spawn(() -> 1));
      assertThrows(RejectedExecutionException.class,
          () -> n.spawnAsync(() -> CompletableFuture.completedFuture(2)));
      assertEquals(0, n.liveChildren());
      n.close();
    }
  }

  // A task whose body is refused leaves no handle behind: the refused spawn does not count.
  @Test
  void refusedSpawnLeavesTheSchedulerUsable() {
    try (Scheduler s = small(1).build()) {
      assertThrows(NullPointerException.class, () -> s.spawn(NO_CALLABLE));
      Task<Integer> t = s.spawn(() -> 1);
      assertEquals(1, t.join());
      assertEquals(1, s.stats().spawned());
    }
  }
}
