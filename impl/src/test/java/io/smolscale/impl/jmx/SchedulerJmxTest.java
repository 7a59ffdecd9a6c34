package io.smolscale.impl.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Scheduler;
import io.smolscale.Stats;
import io.smolscale.Task;
import java.lang.management.ManagementFactory;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a JMX console sees of a scheduler: every {@link Stats} component, by name and value. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SchedulerJmxTest {
  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  private static String attributeName(RecordComponent c) {
    return Character.toUpperCase(c.getName().charAt(0)) + c.getName().substring(1);
  }

  /**
   * Proves the bean shows every component of {@code Stats} (so a counter added to the record
   * without a JMX attribute fails here), with the same type, read-only, and nothing else.
   */
  @Test
  void everyStatsComponentIsAnAttribute() throws Exception {
    try (Scheduler s = Scheduler.builder().parallelism(1).threadNamePrefix("jmx-shape-").build()) {
      assertTrue(SchedulerJmx.register(s, "jmx-shape"));
      try {
        Map<String, MBeanAttributeInfo> attrs = new TreeMap<>();
        for (MBeanAttributeInfo a :
            SERVER.getMBeanInfo(SchedulerJmx.objectName("jmx-shape")).getAttributes()) {
          attrs.put(a.getName(), a);
        }
        List<String> expected = new ArrayList<>();
        for (RecordComponent c : Stats.class.getRecordComponents()) {
          String name = attributeName(c);
          expected.add(name);
          MBeanAttributeInfo a = attrs.get(name);
          assertTrue(a != null, "Stats." + c.getName() + " has no JMX attribute " + name);
          assertEquals(c.getType().getName(), a.getType(), name + "'s type");
          assertTrue(a.isReadable() && !a.isWritable(), name + " must be read-only");
        }
        assertEquals(
            new TreeSet<>(expected), attrs.keySet(), "attributes beyond Stats' components");
      } finally {
        assertTrue(SchedulerJmx.unregister("jmx-shape"));
      }
    }
  }

  /** Waits until no thread whose name starts with {@code prefix} is alive (bounded). */
  private static void awaitNoThreadNamed(String prefix) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith(prefix) && t.isAlive())) {
      assertTrue(System.nanoTime() - deadline < 0, "threads " + prefix + "* still alive after 20 s");
      LockSupport.parkNanos(1_000_000L); // re-check every millisecond, bounded above
    }
  }

  /**
   * Proves the attributes are the scheduler's live counters: after 300 tasks have run, the
   * scheduler has closed and its balancer thread has exited (nothing moves any more: close()
   * returns when the workers are gone, and a balancer tick that began before may still count
   * itself afterwards), each attribute equals the component of the same name in {@code
   * stats()}, and the task counters say 300.
   */
  @Test
  void attributesReadTheSchedulersCounters() throws Exception {
    int n = 300;
    Scheduler s = Scheduler.builder().parallelism(2).threadNamePrefix("jmx-values-").build();
    assertTrue(SchedulerJmx.register(s, "jmx-values"));
    ObjectName name = SchedulerJmx.objectName("jmx-values");
    try {
      try (s) {
        List<Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int k = i;
          tasks.add(s.spawn(() -> k * 2));
        }
        for (int i = 0; i < n; i++) {
          assertEquals(2 * i, tasks.get(i).join());
        }
      }
      awaitNoThreadNamed("jmx-values-");
      Stats st = s.stats();
      assertEquals(n, st.spawned());
      assertEquals(n, st.completed());
      for (RecordComponent c : Stats.class.getRecordComponents()) {
        Object viaJmx = SERVER.getAttribute(name, attributeName(c));
        assertEquals(c.getAccessor().invoke(st), viaJmx, c.getName());
      }
      assertEquals((long) n, SERVER.getAttribute(name, "Spawned"));
      assertEquals(0, SERVER.getAttribute(name, "Workers"));
    } finally {
      assertTrue(SchedulerJmx.unregister("jmx-values"));
    }
    assertFalse(SERVER.isRegistered(name), "unregister left the bean");
    assertFalse(SchedulerJmx.unregister("jmx-values"), "a second unregister found a bean");
  }

  /** A name taken is refused without an exception: the scheduler works without JMX. */
  @Test
  void aTakenNameIsRefusedQuietly() {
    try (Scheduler a = Scheduler.builder().parallelism(1).build();
        Scheduler b = Scheduler.builder().parallelism(1).build()) {
      assertTrue(SchedulerJmx.register(a, "jmx-taken"));
      try {
        assertFalse(SchedulerJmx.register(b, "jmx-taken"));
      } finally {
        assertTrue(SchedulerJmx.unregister("jmx-taken"));
      }
    }
  }

  /** A name JMX would mis-parse is a programming error, reported with the name. */
  @Test
  void aBadNameIsRejectedWithTheName() {
    try (Scheduler s = Scheduler.builder().parallelism(1).build()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SchedulerJmx.register(s, "a,b=c"));
      assertTrue(e.getMessage().contains("\"a,b=c\""), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> SchedulerJmx.objectName(""));
    }
  }

  /**
   * Proves the builder's jmxName registers the bean at build, refuses a second scheduler with the
   * same name (the first keeps it), and that termination removes the bean.
   */
  @Test
  void theBuilderOptionRegistersUntilTermination() throws Exception {
    ObjectName on = SchedulerJmx.objectName("built-by-name");
    Scheduler s = Scheduler.builder().parallelism(1).jmxName("built-by-name").build();
    try {
      assertTrue(SERVER.isRegistered(on));
      s.spawn(() -> 1).join();
      assertEquals(1L, SERVER.getAttribute(on, "Spawned"));
      IllegalStateException taken = assertThrows(IllegalStateException.class,
          () -> Scheduler.builder().jmxName("built-by-name").build());
      assertTrue(taken.getMessage().contains("name=built-by-name"), taken.getMessage());
      assertTrue(SERVER.isRegistered(on), "the refused second scheduler took the first's bean");
    } finally {
      s.close();
    }
    assertTrue(s.isTerminated());
    assertFalse(SERVER.isRegistered(on), "termination left the bean");
    // The name is free again.
    try (Scheduler again = Scheduler.builder().jmxName("built-by-name").build()) {
      assertTrue(SERVER.isRegistered(on));
    }
  }

  /** Proves the builder refuses a name that is not plain or is the global scheduler's. */
  @Test
  void theBuilderRefusesBadNames() {
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> Scheduler.builder().jmxName("a,b=c"));
    assertTrue(bad.getMessage().contains("a,b=c"), bad.getMessage());
    IllegalArgumentException global = assertThrows(IllegalArgumentException.class,
        () -> Scheduler.builder().jmxName("global"));
    assertTrue(global.getMessage().contains("global"), global.getMessage());
    assertThrows(NullPointerException.class, () -> Scheduler.builder().jmxName(null));
  }
}
