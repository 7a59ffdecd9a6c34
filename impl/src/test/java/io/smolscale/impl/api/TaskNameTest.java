package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.ChildFailedException;
import io.smolscale.ErrorPolicy;
import io.smolscale.JoinSet;
import io.smolscale.Nursery;
import io.smolscale.Scheduler;
import io.smolscale.Smolscale;
import io.smolscale.Task;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Task names ({@code spawn(name, body)}): kept by the handle for its whole life, shown by
 * {@code toString()}, in the thread's name only when asked for (and restored after), in a
 * nursery's failure, and checked on the way in.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskNameTest {

  /** Proves every named spawn keeps its name, before and after the run; unnamed ones have none. */
  @Test
  void namedSpawnsKeepTheirNames() throws Exception {
    try (Scheduler s = Support.small(2).build()) {
      Task<Integer> c = s.spawn("callable", () -> 1);
      Task<Void> r = s.spawn("runnable", (Runnable) () -> {});
      Task<Void> k = s.spawn("checked", () -> {
        Thread.sleep(0);
      });
      Task<Integer> bc = s.spawnBlocking("blocking callable", () -> 2);
      Task<Void> br = s.spawnBlocking("blocking runnable", (Runnable) () -> {});
      Task<Void> bk = s.spawnBlocking("blocking checked", () -> {
        Thread.sleep(0);
      });
      for (Task<?> t : new Task<?>[] {c, r, k, bc, br, bk}) {
        await(t.toCompletableFuture(), t.toString());
      }
      assertEquals("callable", c.name());
      assertEquals("runnable", r.name());
      assertEquals("checked", k.name());
      assertEquals("blocking callable", bc.name());
      assertEquals("blocking runnable", br.name());
      assertEquals("blocking checked", bk.name());
      assertTrue(c.toString().contains("name=callable, SUCCEEDED"), c.toString());
      Task<Integer> unnamed = s.spawn(() -> 3);
      await(unnamed.toCompletableFuture(), "unnamed");
      assertNull(unnamed.name());
      assertFalse(unnamed.toString().contains("name="), unnamed.toString());
    }
    Task<Integer> g = Smolscale.spawn("global", () -> 4);
    assertEquals(4, await(g.toCompletableFuture(), "global"));
    assertEquals("global", g.name());
  }

  /** Proves a bad name is refused with a message that names the problem, and nothing runs. */
  @Test
  void badNamesAreRefused() {
    try (Scheduler s = Support.small(1).build(); Nursery n = s.nursery()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> s.spawn("", () -> 1));
      assertTrue(e.getMessage().contains("name"), e.getMessage());
      assertThrows(NullPointerException.class, () -> s.spawn((String) null, () -> 1));
      assertThrows(IllegalArgumentException.class, () -> s.spawnBlocking("", () -> 1));
      assertThrows(IllegalArgumentException.class, () -> n.spawn("", () -> 1));
      assertThrows(NullPointerException.class, () -> s.spawn("x", (Runnable) null));
      assertEquals(0, n.liveChildren());
    }
  }

  /**
   * Proves that with taskNamesInThreads the body sees "thread [name]" and the next task the plain
   * name again; without it, the thread name is never touched.
   */
  @Test
  void threadNamesShowTheTaskOnlyWhenAsked() throws Exception {
    try (Scheduler s = Support.singleWorker().threadNamePrefix("tn-").taskNamesInThreads(true)
        .build()) {
      String inside = await(s.spawn("fetch user 42", () -> Thread.currentThread().getName())
          .toCompletableFuture(), "named");
      assertTrue(inside.matches("tn-\\d+ \\[fetch user 42\\]"), inside);
      String after = await(s.spawn(() -> Thread.currentThread().getName()).toCompletableFuture(),
          "unnamed after");
      assertTrue(after.matches("tn-\\d+"), after);
      String failing = "tn-";
      Task<Object> f = s.spawn("fails", () -> {
        throw new IOException("no");
      });
      assertThrows(Exception.class, () -> f.toCompletableFuture().get(20, TimeUnit.SECONDS));
      String afterFailure = await(
          s.spawn(() -> Thread.currentThread().getName()).toCompletableFuture(), "after failure");
      assertTrue(afterFailure.matches(failing + "\\d+"), afterFailure);
    }
    try (Scheduler s = Support.singleWorker().threadNamePrefix("tn-off-").build()) {
      String inside = await(s.spawn("quiet", () -> Thread.currentThread().getName())
          .toCompletableFuture(), "named, renaming off");
      assertTrue(inside.matches("tn-off-\\d+"), inside);
    }
  }

  /** Proves a named child's failure names the child in the nursery's exception. */
  @Test
  void aNurseryFailureNamesTheChild() {
    try (Scheduler s = Support.small(2).build()) {
      Nursery n = s.nursery();
      Task<Object> child = n.spawn("load config", () -> {
        throw new IOException("missing");
      }, ErrorPolicy.PROPAGATE);
      ChildFailedException e = assertThrows(ChildFailedException.class, n::close);
      assertEquals("load config", child.name());
      assertTrue(e.getMessage().startsWith("nursery child \"load config\" failed"),
          e.getMessage());
      assertInstanceOf(IOException.class, e.getCause());
    }
  }

  /**
   * Proves a join set's named spawns (plain and async, on a scheduler's set and a nursery's) keep
   * the name in the handle and its toString, and put it in the worker thread's name while the
   * body runs (the supplier, for an async one); the unnamed ones do not.
   */
  @Test
  void joinSetSpawnsAreNamedLikeTheSchedulers() throws Exception {
    try (Scheduler s = Support.singleWorker().threadNamePrefix("js-").taskNamesInThreads(true)
        .build()) {
      JoinSet<String> set = s.joinSet();
      Task<String> c = set.spawn("set callable", () -> Thread.currentThread().getName());
      Task<String> a = set.spawnAsync("set async",
          () -> CompletableFuture.completedFuture(Thread.currentThread().getName()));
      Task<String> u = set.spawn(() -> Thread.currentThread().getName());
      assertTrue(await(c.toCompletableFuture(), "callable").matches("js-\\d+ \\[set callable\\]"),
          c.join());
      assertTrue(await(a.toCompletableFuture(), "async").matches("js-\\d+ \\[set async\\]"),
          a.join());
      assertTrue(await(u.toCompletableFuture(), "unnamed").matches("js-\\d+"), u.join());
      assertEquals("set callable", c.name());
      assertEquals("set async", a.name());
      assertNull(u.name());
      assertTrue(c.toString().contains("name=set callable, SUCCEEDED"), c.toString());
      assertTrue(a.toString().contains("name=set async, SUCCEEDED"), a.toString());
      assertFalse(u.toString().contains("name="), u.toString());
      assertEquals(3, set.size());

      try (Nursery n = s.nursery()) {
        JoinSet<String> children = n.joinSet();
        Task<String> nc = children.spawn("child", () -> Thread.currentThread().getName());
        Task<String> na = children.spawnAsync("async child",
            () -> CompletableFuture.completedFuture(Thread.currentThread().getName()));
        assertTrue(await(nc.toCompletableFuture(), "child").matches("js-\\d+ \\[child\\]"),
            nc.join());
        assertTrue(await(na.toCompletableFuture(), "async child")
            .matches("js-\\d+ \\[async child\\]"), na.join());
        assertEquals("child", nc.name());
        assertEquals("async child", na.name());
        assertTrue(nc.toString().contains("name=child, SUCCEEDED"), nc.toString());
      }
    }
  }

  /** Proves a join set refuses a bad name as the scheduler does, and holds nothing for it. */
  @Test
  void joinSetBadNamesAreRefused() {
    try (Scheduler s = Support.small(1).build(); Nursery n = s.nursery()) {
      JoinSet<Integer> set = s.joinSet();
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> set.spawn("", () -> 1));
      assertTrue(e.getMessage().contains("name"), e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> set.spawnAsync("", () -> CompletableFuture.completedFuture(1)));
      assertThrows(NullPointerException.class, () -> set.spawn((String) null, () -> 1));
      assertThrows(NullPointerException.class,
          () -> set.spawnAsync((String) null, () -> CompletableFuture.completedFuture(1)));
      assertThrows(NullPointerException.class, () -> set.spawn("x", null));
      assertEquals(0, set.size());
      JoinSet<Integer> children = n.joinSet();
      assertThrows(IllegalArgumentException.class, () -> children.spawn("", () -> 1));
      assertEquals(0, children.size());
      assertEquals(0, n.liveChildren());
    }
  }
}
