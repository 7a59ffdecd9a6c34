package io.smolscale.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smolscale.Scheduler;
import io.smolscale.Stats;
import io.smolscale.Task;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The binder against a {@link SimpleMeterRegistry} and real private schedulers. Nothing here
 * waits a fixed time: a value that becomes true later (a task's completion is counted just after
 * its handle completes) is polled for, with a generous bound so that a busy machine only makes the
 * test slower.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SmolscaleMetricsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final int TASKS = 1_000;

  /** What spec/README.md §10 documents: name, tags beyond {@code name}, kind, base unit. */
  private record Expected(String name, Tags tags, boolean counter, String unit) {}

  private static final List<Expected> DOCUMENTED =
      List.of(
          new Expected("smolscale.workers", Tags.empty(), false, "threads"),
          new Expected("smolscale.workers.active", Tags.empty(), false, "threads"),
          new Expected("smolscale.workers.parked", Tags.empty(), false, "threads"),
          new Expected("smolscale.workers.blocked", Tags.empty(), false, "threads"),
          new Expected("smolscale.tasks.queued", Tags.of("queue", "global"), false, "tasks"),
          new Expected("smolscale.tasks.queued", Tags.of("queue", "local"), false, "tasks"),
          new Expected("smolscale.tasks.spawned", Tags.empty(), true, "tasks"),
          new Expected("smolscale.tasks.completed", Tags.empty(), true, "tasks"),
          new Expected("smolscale.tasks.pushed", Tags.of("queue", "local"), true, "tasks"),
          new Expected("smolscale.tasks.pushed", Tags.of("queue", "global"), true, "tasks"),
          new Expected("smolscale.shared.batches", Tags.empty(), true, null),
          new Expected("smolscale.tasks.moved", Tags.empty(), true, "tasks"),
          new Expected("smolscale.balancer.ticks", Tags.empty(), true, null),
          new Expected("smolscale.preemptions", Tags.empty(), true, null),
          new Expected("smolscale.compensations", Tags.empty(), true, null),
          new Expected("smolscale.threads.started", Tags.empty(), true, "threads"),
          new Expected("smolscale.threads.retired", Tags.empty(), true, "threads"),
          new Expected("smolscale.wakeups", Tags.empty(), true, null),
          new Expected("smolscale.spins", Tags.of("outcome", "hit"), true, null),
          new Expected("smolscale.spins", Tags.of("outcome", "miss"), true, null));

  private static Scheduler scheduler(String prefix) {
    return Scheduler.builder().parallelism(2).threadNamePrefix(prefix).build();
  }

  private static double count(MeterRegistry r, String name, String schedulerName, String... tags) {
    return r.get(name).tag("name", schedulerName).tags(tags).functionCounter().count();
  }

  private static double gauge(MeterRegistry r, String name, String schedulerName, String... tags) {
    return r.get(name).tag("name", schedulerName).tags(tags).gauge().value();
  }

  /** Polls until the condition holds; fails naming {@code what} after {@link #PATIENCE}. */
  private static void eventually(String what, BooleanSupplier condition) {
    long end = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() - end < 0, "not within " + PATIENCE + ": " + what);
      Thread.yield();
    }
  }

  private static void spawnAndJoin(Scheduler s, int n) {
    List<Task<Integer>> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int k = i;
      tasks.add(s.spawn(() -> k * 2));
    }
    long sum = 0;
    for (Task<Integer> t : tasks) {
      sum += t.join();
    }
    assertEquals((long) n * (n - 1), sum, "every task ran once");
  }

  @Test
  void countersCountTheWorkAndGaugesReadTheRestingState() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Scheduler s = scheduler("mm-counts-")) {
      new SmolscaleMetrics(s, "counts", Tags.empty(), Duration.ZERO).bindTo(registry);
      assertEquals(0, count(registry, "smolscale.tasks.spawned", "counts"), "nothing spawned yet");

      spawnAndJoin(s, TASKS);

      // A spawn is counted when it is accepted, before its handle can complete.
      assertTrue(count(registry, "smolscale.tasks.spawned", "counts") >= TASKS);
      // A run is counted when its runnable returns, just after the handle completed: wait for it.
      eventually(
          "completed reaches " + TASKS,
          () -> count(registry, "smolscale.tasks.completed", "counts") >= TASKS);
      // At rest: everything spawned has run, so nothing is queued or blocked.
      eventually(
          "completed catches up with spawned",
          () ->
              count(registry, "smolscale.tasks.completed", "counts")
                  == count(registry, "smolscale.tasks.spawned", "counts"));
      assertEquals(0, gauge(registry, "smolscale.tasks.queued", "counts", "queue", "global"));
      assertEquals(0, gauge(registry, "smolscale.tasks.queued", "counts", "queue", "local"));
      // A worker that the monitor replaced (a busy machine can stall one inside a task) is
      // unmarked once its task has returned, so this too is awaited rather than read once.
      eventually(
          "no worker blocked", () -> gauge(registry, "smolscale.workers.blocked", "counts") == 0);
      assertTrue(count(registry, "smolscale.threads.started", "counts") >= 1, "a worker started");
      // Every spawn went to one of the two queues (spec §10: pushes sum to spawned).
      double pushed =
          count(registry, "smolscale.tasks.pushed", "counts", "queue", "local")
              + count(registry, "smolscale.tasks.pushed", "counts", "queue", "global");
      assertEquals(count(registry, "smolscale.tasks.spawned", "counts"), pushed);
    }
  }

  @Test
  void everyStatsComponentIsOneDocumentedMeter() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Scheduler s = scheduler("mm-names-")) {
      new SmolscaleMetrics(s, "names").bindTo(registry);
      List<Meter> meters = registry.getMeters();
      assertEquals(
          Stats.class.getRecordComponents().length,
          meters.size(),
          "one meter per Stats component: "
              + meters.stream().map(m -> m.getId().toString()).collect(Collectors.joining(", ")));
      assertEquals(DOCUMENTED.size(), meters.size());
      String spec = Files.readString(specReadme());
      for (Expected e : DOCUMENTED) {
        Meter m = registry.find(e.name()).tags(e.tags()).tag("name", "names").meter();
        assertNotNull(m, "registered: " + e);
        assertEquals(e.tags().and("name", "names"), Tags.of(m.getId().getTags()), e.name());
        assertTrue(e.counter() ? m instanceof FunctionCounter : m instanceof Gauge, e.name());
        assertEquals(e.unit(), m.getId().getBaseUnit(), e.name());
        String description = m.getId().getDescription();
        assertTrue(description != null && !description.isBlank(), "described: " + e.name());
        assertTrue(spec.contains("`" + e.name() + "`"), "spec/README.md §10 lists " + e.name());
      }
      Set<String> names = new TreeSet<>();
      for (Meter m : meters) {
        names.add(m.getId().getName());
        assertTrue(m.getId().getName().matches("smolscale(\\.[a-z]+)+"), m.getId().getName());
      }
      assertEquals(17, names.size(), "distinct names: " + names);
    }
  }

  @Test
  void twoSchedulersUnderTwoNamesAreTwoSetsOfMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Scheduler a = scheduler("mm-a-");
        Scheduler b = scheduler("mm-b-")) {
      new SmolscaleMetrics(a, "a", List.of(Tag.of("team", "x")), Duration.ZERO).bindTo(registry);
      new SmolscaleMetrics(b, "b", List.of(Tag.of("team", "x")), Duration.ZERO).bindTo(registry);
      assertEquals(2 * DOCUMENTED.size(), registry.getMeters().size());

      spawnAndJoin(a, TASKS);

      assertTrue(count(registry, "smolscale.tasks.spawned", "a") >= TASKS);
      assertEquals(0, count(registry, "smolscale.tasks.spawned", "b"), "b ran nothing");
      assertEquals(
          2, registry.find("smolscale.tasks.spawned").tag("team", "x").functionCounters().size());
    }
  }

  @Test
  void theNameTagWinsOverAnExtraTagCalledName() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Scheduler s = scheduler("mm-tag-")) {
      new SmolscaleMetrics(s, "real", Tags.of("name", "other", "zone", "z1")).bindTo(registry);
      assertNull(registry.find("smolscale.workers").tag("name", "other").gauge());
      Gauge g = registry.find("smolscale.workers").tags("name", "real", "zone", "z1").gauge();
      assertNotNull(g, "tagged name=real, zone=z1");
    }
  }

  @Test
  void metersOfOneBinderShareASnapshotUntilItIsOlderThanTheLimit() {
    SimpleMeterRegistry cached = new SimpleMeterRegistry();
    SimpleMeterRegistry fresh = new SimpleMeterRegistry();
    try (Scheduler s = scheduler("mm-cache-")) {
      new SmolscaleMetrics(s, "c", Tags.empty(), Duration.ofHours(1)).bindTo(cached);
      new SmolscaleMetrics(s, "c", Tags.empty(), Duration.ZERO).bindTo(fresh);
      // The first read takes the snapshot; nothing has been spawned yet.
      assertEquals(0, count(cached, "smolscale.tasks.spawned", "c"));

      spawnAndJoin(s, TASKS);

      // Within the hour every meter of that binder reads the same snapshot, from before the work.
      assertEquals(0, count(cached, "smolscale.tasks.spawned", "c"));
      assertEquals(0, count(cached, "smolscale.tasks.pushed", "c", "queue", "global"));
      // Without a limit every read is fresh.
      assertTrue(count(fresh, "smolscale.tasks.spawned", "c") >= TASKS);
    }
  }

  @Test
  void closeRemovesTheMetersSoANewSchedulerCanTakeTheName() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SmolscaleMetrics first;
    try (Scheduler old = scheduler("mm-old-")) {
      first = new SmolscaleMetrics(old, "svc", Tags.empty(), Duration.ZERO);
      first.bindTo(registry);
      spawnAndJoin(old, TASKS);
      assertTrue(count(registry, "smolscale.tasks.spawned", "svc") >= TASKS);
    }
    first.close();
    assertTrue(registry.getMeters().isEmpty(), "removed: " + registry.getMeters());
    first.close(); // closing twice is harmless

    try (Scheduler replacement = scheduler("mm-new-")) {
      new SmolscaleMetrics(replacement, "svc", Tags.empty(), Duration.ZERO).bindTo(registry);
      assertEquals(0, count(registry, "smolscale.tasks.spawned", "svc"), "reads the new one");
    }
  }

  @Test
  void theMetersDoNotKeepAClosedSchedulerAlive() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WeakReference<Scheduler> ref = bindCloseAndForget(registry);
    eventually(
        "the closed scheduler is collected while its meters are registered",
        () -> {
          System.gc();
          return ref.get() == null;
        });
    assertEquals(DOCUMENTED.size(), registry.getMeters().size(), "the meters stay registered");
    // Micrometer's behaviour once the object of a meter is gone: a gauge reads NaN, a function
    // counter its last value.
    assertTrue(Double.isNaN(gauge(registry, "smolscale.workers", "gone")));
    assertTrue(count(registry, "smolscale.tasks.spawned", "gone") >= TASKS);
  }

  /** A separate frame, so that no local variable of the test keeps the scheduler reachable. */
  private static WeakReference<Scheduler> bindCloseAndForget(MeterRegistry registry) {
    Scheduler s = scheduler("mm-gone-");
    try (s) {
      new SmolscaleMetrics(s, "gone", Tags.empty(), Duration.ZERO).bindTo(registry);
      spawnAndJoin(s, TASKS);
      // Read once while it is alive, so that the counter has a last value.
      assertTrue(count(registry, "smolscale.tasks.spawned", "gone") >= TASKS);
    }
    assertTrue(s.isTerminated(), "closed");
    return new WeakReference<>(s);
  }

  @Test
  void theGlobalSchedulerIsNamedGlobal() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SmolscaleMetrics.global(Tags.of("app", "test")).bindTo(registry);
    assertEquals(DOCUMENTED.size(), registry.getMeters().size());
    assertNotNull(registry.find("smolscale.workers").tags("name", "global", "app", "test").gauge());
    assertTrue(count(registry, "smolscale.tasks.spawned", "global") >= 0);
    assertTrue(SmolscaleMetrics.global().toString().contains("name=global"));
  }

  @Test
  void badInputIsRefusedNamingTheParameter() {
    try (Scheduler s = scheduler("mm-bad-")) {
      assertMessage(
          NullPointerException.class, "scheduler", () -> new SmolscaleMetrics(null, "x"));
      assertMessage(NullPointerException.class, "name", () -> new SmolscaleMetrics(s, null));
      assertMessage(
          NullPointerException.class,
          "tags",
          () -> new SmolscaleMetrics(s, "x", (Iterable<Tag>) null));
      assertMessage(
          NullPointerException.class,
          "maxSnapshotAge",
          () -> new SmolscaleMetrics(s, "x", Tags.empty(), null));
      assertMessage(
          IllegalArgumentException.class,
          "name must not be blank: ' '",
          () -> new SmolscaleMetrics(s, " "));
      assertMessage(
          IllegalArgumentException.class,
          "maxSnapshotAge must not be negative: PT-0.001S",
          () -> new SmolscaleMetrics(s, "x", Tags.empty(), Duration.ofMillis(-1)));
      assertMessage(NullPointerException.class, "tags", () -> SmolscaleMetrics.global(null));
      assertMessage(
          NullPointerException.class, "registry", () -> new SmolscaleMetrics(s, "x").bindTo(null));
      // A limit too long for a long of nanoseconds is accepted, as "never refresh".
      new SmolscaleMetrics(s, "x", Tags.empty(), Duration.ofSeconds(Long.MAX_VALUE));
    }
  }

  private static void assertMessage(
      Class<? extends RuntimeException> type, String message, Runnable call) {
    RuntimeException e = assertThrows(type, call::run);
    assertEquals(message, e.getMessage());
  }

  private static Path specReadme() {
    String p = System.getProperty("test.spec");
    Path path = p != null && !p.isEmpty() ? Path.of(p) : Path.of("..", "spec", "README.md");
    assertTrue(Files.isRegularFile(path), "found " + path.toAbsolutePath());
    return path;
  }
}
