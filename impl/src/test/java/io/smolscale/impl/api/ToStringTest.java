package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.await;
import static io.smolscale.impl.api.Support.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Channel;
import io.smolscale.ChildFailedException;
import io.smolscale.Nursery;
import io.smolscale.OneShot;
import io.smolscale.Scheduler;
import io.smolscale.Task;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code toString()} forms of the user-facing objects (issue 16, "names and debugging"):
 * each names its state and its counts, never a task's result or a channel's messages.
 */
class ToStringTest {

  private static void assertMatches(String regex, Object o) {
    String s = o.toString();
    assertTrue(Pattern.matches(regex, s), "\"" + s + "\" does not match " + regex);
  }

  // A task shows its status, its failure, its body's class and whether it is detached.
  @Test
  void aTaskNamesItsStatusAndBody() {
    try (Scheduler s = small(2).build()) {
      CompletableFuture<String> gate = new CompletableFuture<>();
      Task<String> running = s.spawnAsync(() -> gate);
      Support.awaitCondition(() -> gate.getNumberOfDependents() > 0, "the body to have run");
      assertMatches("Task@[0-9a-f]+\\[RUNNING, .*ToStringTest.*\\]", running);
      gate.complete("the result");
      assertMatches("Task@[0-9a-f]+\\[SUCCEEDED, .*\\]", running);
      assertTrue(!running.toString().contains("the result"), "never the result");
      Task<Integer> failed = s.spawn(() -> {
        throw new IllegalStateException("boom");
      });
      await(failed.handle((v, e) -> e), "the failure");
      assertMatches(
          "Task@[0-9a-f]+\\[FAILED: java.lang.IllegalStateException: boom, .*\\]", failed);
      CompletableFuture<Integer> never = new CompletableFuture<>();
      Task<Integer> cancelled = s.spawnAsync(() -> never).detach();
      cancelled.cancel(true);
      assertMatches("Task@[0-9a-f]+\\[CANCELLED, .*, detached\\]", cancelled);
    }
  }

  // A nursery shows its state and live children; a scheduler its kind, state and counts.
  @Test
  void aNurseryAndASchedulerNameTheirStateAndCounts() {
    Scheduler s = small(2).build();
    assertMatches("Scheduler\\[private, running, parallelism=2, threads=\\d+, queued=\\d+\\]", s);
    CompletableFuture<Void> gate = new CompletableFuture<>();
    Nursery n = s.nursery(Duration.ofHours(1));
    n.spawnAsync(() -> gate);
    assertEquals("Nursery[open, live=1, deadline=PT1H]", n.toString());
    gate.complete(null);
    n.close();
    assertEquals("Nursery[closed, live=0, deadline=PT1H]", n.toString());
    Nursery failing = s.nursery();
    failing.spawn(() -> {
      throw new IllegalStateException("boom");
    });
    assertThrows(ChildFailedException.class, failing::close);
    assertEquals("Nursery[failed, live=0]", failing.toString());
    s.close();
    assertMatches("Scheduler\\[private, terminated, parallelism=2, threads=0, queued=0\\]", s);
  }

  // Channels show their kind, how many messages they buffer and whether they are closed.
  @Test
  void channelsNameTheirKindCountAndState() {
    Channel<String> bounded = Channel.bounded(4);
    assertEquals("Channel[bounded 4, buffered=0, open]", bounded.toString());
    assertTrue(bounded.trySend("secret"));
    bounded.close();
    assertEquals("Channel[bounded 4, buffered=1, closed]", bounded.toString());
    assertEquals("Channel[unbounded, buffered=0, open]", Channel.unbounded().toString());
    OneShot<String> one = OneShot.create();
    assertEquals("OneShot[empty]", one.toString());
    one.send("secret");
    assertEquals("OneShot[sent]", one.toString());
    OneShot<String> closed = OneShot.create();
    closed.close();
    assertEquals("OneShot[closed]", closed.toString());
  }
}
