package io.smolscale.impl.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Scheduler;
import io.smolscale.SchedulerConfig;
import io.smolscale.Smolscale;
import java.lang.Thread.UncaughtExceptionHandler;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Scheduler.Builder} and {@link SchedulerConfig}: defaults, setters and validation. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class BuilderConfigTest {

  private static void assertRejectedNaming(String name, Executable bad) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad);
    assertTrue(e.getMessage() != null && e.getMessage().contains(name),
        "the message names " + name + ": " + e.getMessage());
  }

  private static void assertNullRejectedNaming(String name, Executable bad) {
    NullPointerException e = assertThrows(NullPointerException.class, bad);
    assertEquals(name, e.getMessage());
  }

  // A fresh builder holds the documented defaults.
  @Test
  void defaultsAreTheDocumentedOnes() {
    SchedulerConfig c = Scheduler.builder().toConfig();
    int cpus = Runtime.getRuntime().availableProcessors();
    assertEquals(cpus, c.parallelism());
    assertEquals(Math.max(Scheduler.Builder.DEFAULT_MAX_THREADS, cpus), c.maxThreads());
    assertEquals(Duration.ofSeconds(3), c.keepAlive());
    assertEquals(Scheduler.Builder.DEFAULT_KEEP_ALIVE, c.keepAlive());
    assertTrue(c.preemption());
    assertEquals(Duration.ofMillis(20), c.preemptionThreshold());
    assertEquals(Duration.ofMillis(1), c.balancerInterval());
    assertEquals("smolscale-worker-", c.threadNamePrefix());
    assertNull(c.threadFactory());
    assertNull(c.uncaughtExceptionHandler());
  }

  // Every setter's value reaches the configuration; the default thread cap follows parallelism.
  @Test
  void settersReachTheConfiguration() {
    ThreadFactory factory = Thread::new;
    UncaughtExceptionHandler handler = (t, e) -> { };
    SchedulerConfig c = Scheduler.builder()
        .parallelism(3)
        .maxThreads(9)
        .keepAlive(Duration.ofMillis(123))
        .preemption(false)
        .preemptionThreshold(Duration.ofMillis(45))
        .balancerInterval(Duration.ofSeconds(1))
        .spinBeforePark(Duration.ofNanos(7_000))
        .threadNamePrefix("p-")
        .threadFactory(factory)
        .uncaughtExceptionHandler(handler)
        .toConfig();
    assertEquals(new SchedulerConfig(3, 9, Duration.ofMillis(123), false, Duration.ofMillis(45),
        Duration.ofSeconds(1), Duration.ofNanos(7_000), "p-", factory, handler), c);
    assertEquals(600, Scheduler.builder().parallelism(600).toConfig().maxThreads());
  }

  // Each bad builder value is refused by its setter with an IllegalArgumentException naming it.
  @Test
  void badBuilderValuesAreRejectedNamingTheParameter() {
    Scheduler.Builder b = Scheduler.builder();
    assertRejectedNaming("parallelism", () -> b.parallelism(0));
    assertRejectedNaming("parallelism", () -> b.parallelism(-1));
    assertRejectedNaming("parallelism", () -> b.parallelism(SchedulerConfig.MAX_THREADS_LIMIT + 1));
    assertRejectedNaming("maxThreads", () -> b.maxThreads(0));
    assertRejectedNaming("maxThreads", () -> b.maxThreads(SchedulerConfig.MAX_THREADS_LIMIT + 1));
    assertRejectedNaming("keepAlive", () -> b.keepAlive(Duration.ZERO));
    assertRejectedNaming("keepAlive", () -> b.keepAlive(Duration.ofMillis(-1)));
    assertRejectedNaming("preemptionThreshold", () -> b.preemptionThreshold(Duration.ZERO));
    assertRejectedNaming("preemptionThreshold", () -> b.preemptionThreshold(Duration.ofNanos(-5)));
    assertRejectedNaming("balancerInterval", () -> b.balancerInterval(Duration.ZERO));
    assertRejectedNaming("balancerInterval", () -> b.balancerInterval(Duration.ofMillis(-1)));
    assertRejectedNaming("balancerInterval",
        () -> b.balancerInterval(Duration.ofSeconds(1).plusNanos(1)));
    assertRejectedNaming("threadNamePrefix", () -> b.threadNamePrefix(""));
    assertRejectedNaming("spinBeforePark", () -> b.spinBeforePark(Duration.ofNanos(-1)));
    assertRejectedNaming("spinBeforePark", () -> b.spinBeforePark(Duration.ofMillis(2)));
    // The refused values left the builder as it was.
    assertEquals(Scheduler.builder().toConfig(), b.toConfig());
  }

  // Null builder values are refused with a NullPointerException naming the parameter.
  @Test
  void nullBuilderValuesAreRejectedNamingTheParameter() {
    Scheduler.Builder b = Scheduler.builder();
    assertNullRejectedNaming("keepAlive", () -> b.keepAlive(null));
    assertNullRejectedNaming("preemptionThreshold", () -> b.preemptionThreshold(null));
    assertNullRejectedNaming("balancerInterval", () -> b.balancerInterval(null));
    assertNullRejectedNaming("threadNamePrefix", () -> b.threadNamePrefix(null));
    assertNullRejectedNaming("spinBeforePark", () -> b.spinBeforePark(null));
    assertNullRejectedNaming("threadFactory", () -> b.threadFactory(null));
    assertNullRejectedNaming("uncaughtExceptionHandler", () -> b.uncaughtExceptionHandler(null));
    assertNullRejectedNaming("properties", () -> b.fromProperties(null));
  }

  // maxThreads below parallelism is refused when the combination is checked (toConfig, build).
  @Test
  void maxThreadsBelowParallelismIsRejectedByBuild() {
    Scheduler.Builder b = Scheduler.builder().parallelism(4).maxThreads(2);
    assertRejectedNaming("maxThreads", b::toConfig);
    assertRejectedNaming("maxThreads", b::build);
    assertEquals(4, Scheduler.builder().parallelism(4).maxThreads(4).toConfig().maxThreads());
  }

  // SchedulerConfig's constructor validates every value itself, naming the first bad one.
  @Test
  void schedulerConfigValidatesItsValues() {
    Duration ok = Duration.ofMillis(1);
    assertRejectedNaming("parallelism",
        () -> new SchedulerConfig(0, 1, ok, true, ok, ok, Duration.ZERO, "p", null, null));
    assertRejectedNaming("maxThreads",
        () -> new SchedulerConfig(2, 1, ok, true, ok, ok, Duration.ZERO, "p", null, null));
    assertRejectedNaming("maxThreads", () -> new SchedulerConfig(
        1, SchedulerConfig.MAX_THREADS_LIMIT + 1, ok, true, ok, ok, Duration.ZERO, "p", null, null));
    assertRejectedNaming("keepAlive",
        () -> new SchedulerConfig(1, 1, Duration.ZERO, true, ok, ok, Duration.ZERO, "p", null, null));
    assertRejectedNaming("preemptionThreshold",
        () -> new SchedulerConfig(1, 1, ok, true, Duration.ofMillis(-1), ok, Duration.ZERO, "p", null, null));
    assertRejectedNaming("balancerInterval",
        () -> new SchedulerConfig(1, 1, ok, true, ok, Duration.ZERO, Duration.ZERO, "p", null, null));
    assertRejectedNaming("balancerInterval",
        () -> new SchedulerConfig(1, 1, ok, true, ok, Duration.ofSeconds(2), Duration.ZERO, "p", null, null));
    assertRejectedNaming("threadNamePrefix",
        () -> new SchedulerConfig(1, 1, ok, true, ok, ok, Duration.ZERO, "", null, null));
    assertNullRejectedNaming("keepAlive",
        () -> new SchedulerConfig(1, 1, null, true, ok, ok, Duration.ZERO, "p", null, null));
    assertNullRejectedNaming("preemptionThreshold",
        () -> new SchedulerConfig(1, 1, ok, true, null, ok, Duration.ZERO, "p", null, null));
    assertNullRejectedNaming("balancerInterval",
        () -> new SchedulerConfig(1, 1, ok, true, ok, null, Duration.ZERO, "p", null, null));
    assertNullRejectedNaming("threadNamePrefix",
        () -> new SchedulerConfig(1, 1, ok, true, ok, ok, Duration.ZERO, null, null, null));
    assertNullRejectedNaming("spinBeforePark",
        () -> new SchedulerConfig(1, 1, ok, true, ok, ok, null, "p", null, null));
    assertRejectedNaming("spinBeforePark",
        () -> new SchedulerConfig(1, 1, ok, true, ok, ok, Duration.ofNanos(-1), "p", null, null));
    assertRejectedNaming("spinBeforePark", () -> new SchedulerConfig(
        1, 1, ok, true, ok, ok, Duration.ofMillis(1).plusNanos(1), "p", null, null));
    SchedulerConfig c = new SchedulerConfig(1, 1, ok, false, ok, ok, Duration.ZERO, "p", null, null);
    assertEquals(1, c.parallelism());
    assertFalse(c.preemption());
  }

  // fromProperties reads every smolscale.* property (integers may have surrounding blanks) and
  // leaves absent ones at their current value.
  @Test
  void fromPropertiesReadsEveryProperty() {
    Properties p = new Properties();
    p.setProperty("smolscale.parallelism", " 3 ");
    p.setProperty("smolscale.maxThreads", "12");
    p.setProperty("smolscale.keepAliveMillis", "250");
    p.setProperty("smolscale.preemption", "false");
    p.setProperty("smolscale.preemptionThresholdMillis", "40");
    p.setProperty("smolscale.balancerIntervalMicros", "1000000");
    p.setProperty("smolscale.threadNamePrefix", "props-");
    p.setProperty("smolscale.spinBeforeParkMicros", "0");
    p.setProperty("smolscale.taskNamesInThreads", " true ");
    SchedulerConfig c = Scheduler.builder().fromProperties(p).toConfig();
    assertTrue(c.taskNamesInThreads());
    assertFalse(Scheduler.builder().toConfig().taskNamesInThreads());
    assertEquals(3, c.parallelism());
    assertEquals(12, c.maxThreads());
    assertEquals(Duration.ofMillis(250), c.keepAlive());
    assertFalse(c.preemption());
    assertEquals(Duration.ofMillis(40), c.preemptionThreshold());
    assertEquals(Duration.ofSeconds(1), c.balancerInterval());
    assertEquals("props-", c.threadNamePrefix());
    assertEquals(Duration.ZERO, c.spinBeforePark());
    assertEquals(Scheduler.Builder.DEFAULT_SPIN_BEFORE_PARK, Scheduler.builder().toConfig().spinBeforePark());
    assertEquals(Scheduler.builder().parallelism(5).toConfig(),
        Scheduler.builder().parallelism(5).fromProperties(new Properties()).toConfig());
  }

  // A smolscale.* value that is not a number (or not a boolean) is refused naming the property.
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '=', value = {
      "smolscale.parallelism=many",
      "smolscale.parallelism=1.5",
      "smolscale.maxThreads=lots",
      "smolscale.keepAliveMillis=soon",
      "smolscale.preemptionThresholdMillis=20ms",
      "smolscale.balancerIntervalMicros=fast",
      "smolscale.balancerIntervalMicros=99999999999",
      "smolscale.spinBeforeParkMicros=short",
      "smolscale.taskNamesInThreads=yes",
  })
  void unparsablePropertyIsRejectedNamingTheProperty(String key, String value) {
    Properties p = new Properties();
    p.setProperty(key, value);
    assertRejectedNaming(key, () -> Scheduler.builder().fromProperties(p));
  }

  // A smolscale.* value that parses but is out of range is refused naming the property.
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '=', quoteCharacter = '"', value = {
      "smolscale.parallelism=0",
      "smolscale.parallelism=-2",
      "smolscale.maxThreads=0",
      "smolscale.keepAliveMillis=0",
      "smolscale.keepAliveMillis=-1",
      "smolscale.preemption=yes",
      "smolscale.preemption=TRUE",
      "smolscale.preemptionThresholdMillis=0",
      "smolscale.balancerIntervalMicros=0",
      "smolscale.balancerIntervalMicros=1000001",
      "smolscale.spinBeforeParkMicros=-1",
      "smolscale.spinBeforeParkMicros=1001",
      "smolscale.threadNamePrefix=\"\"",
  })
  void outOfRangePropertyIsRejectedNamingTheProperty(String key, String value) {
    Properties p = new Properties();
    p.setProperty(key, value);
    assertRejectedNaming(key, () -> Scheduler.builder().fromProperties(p));
  }

  // An out-of-range smolscale.* value is refused with an IllegalArgumentException (whatever it names).
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '=', quoteCharacter = '"', value = {
      "smolscale.parallelism=0",
      "smolscale.maxThreads=0",
      "smolscale.keepAliveMillis=0",
      "smolscale.preemption=yes",
      "smolscale.preemptionThresholdMillis=-1",
      "smolscale.balancerIntervalMicros=1000001",
      "smolscale.threadNamePrefix=\"\"",
  })
  void outOfRangePropertyIsRejected(String key, String value) {
    Properties p = new Properties();
    p.setProperty(key, value);
    assertThrows(IllegalArgumentException.class, () -> Scheduler.builder().fromProperties(p));
  }

  // smolscale.maxThreads below smolscale.parallelism is refused when the builder builds.
  @Test
  void propertiesWithMaxThreadsBelowParallelismAreRejectedByBuild() {
    Properties p = new Properties();
    p.setProperty("smolscale.parallelism", "4");
    p.setProperty("smolscale.maxThreads", "2");
    Scheduler.Builder b = Scheduler.builder().fromProperties(p);
    assertRejectedNaming("maxThreads", b::build);
  }

  // fromSystemProperties reads the JVM's smolscale.* system properties.
  @Test
  void fromSystemPropertiesReadsTheSystemProperties() {
    Smolscale.global(); // started first: the global scheduler reads these properties only once
    String key = "smolscale.preemptionThresholdMillis";
    String old = System.getProperty(key);
    System.setProperty(key, "77");
    try {
      assertEquals(Duration.ofMillis(77),
          Scheduler.builder().fromSystemProperties().toConfig().preemptionThreshold());
    } finally {
      if (old == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, old);
      }
    }
  }

  // Worker threads come from the configured factory, named by the prefix and made daemons; the
  // default factory names them by the prefix too.
  @Test
  void threadFactoryAndPrefixNameTheWorkers() {
    AtomicInteger made = new AtomicInteger();
    ThreadFactory factory = r -> {
      made.incrementAndGet();
      return new Thread(r);
    };
    try (Scheduler s = Support.small(1).threadFactory(factory).threadNamePrefix("custom-").build()) {
      Thread worker = s.spawn(Thread::currentThread).join();
      assertTrue(worker.getName().startsWith("custom-"), worker.getName());
      assertTrue(worker.isDaemon());
      assertTrue(made.get() >= 1);
      assertTrue(s.spawn(s::isWorkerThread).join(), "a factory-made thread is a worker");
    }
    try (Scheduler s = Support.small(1).threadNamePrefix("plain-").build()) {
      Thread worker = s.spawn(Thread::currentThread).join();
      assertTrue(worker.getName().startsWith("plain-"), worker.getName());
      assertTrue(worker.isDaemon());
    }
  }

  // build() makes a new, unstarted scheduler each time.
  @Test
  void buildMakesIndependentSchedulers() {
    Scheduler.Builder b = Support.small(1);
    try (Scheduler a = b.build(); Scheduler c = b.build()) {
      assertFalse(a == c);
      assertEquals(0, a.stats().threadsStarted());
      assertSame(a.config().keepAlive(), Support.KEEP_ALIVE);
      assertEquals(1, a.spawn(() -> 1).join());
      assertEquals(0, c.stats().threadsStarted(), "the other scheduler started nothing");
    }
  }
}
