package io.smolscale.impl.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Configuration errors (spec/README.md §9): a misspelt {@code smolscale.*} key is warned about
 * once (System.Logger, WARNING, naming the key and the known ones), and a parallelism/maxThreads
 * combination that does not fit names the property that set each value. System.Logger's default
 * back end is java.util.logging, whose {@code io.smolscale} logger this test listens to.
 */
class PropertyWarningTest {
  private final LogRecorder log = new LogRecorder();

  @BeforeEach
  void listen() {
    log.listen();
  }

  @AfterEach
  void stop() {
    log.stop();
  }

  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  private List<String> warnings(String key) {
    List<String> out = new ArrayList<>();
    for (LogRecord r : log.records()) {
      if (r.getLevel() == Level.WARNING && r.getMessage().contains(key)) {
        out.add(r.getMessage());
      }
    }
    return out;
  }

  @Test
  void aMisspeltKeyIsWarnedAboutOnceNamingTheKnownOnes() {
    Properties p = props("smolscale.paralellism", "4", "other.key", "x");
    Scheduler.builder().fromProperties(p);
    Scheduler.builder().fromProperties(p);
    List<String> w = warnings("smolscale.paralellism");
    assertEquals(1, w.size(), "one warning per key: " + log.records());
    assertTrue(w.get(0).contains("smolscale.parallelism"), "names the known keys: " + w.get(0));
    assertTrue(warnings("other.key").isEmpty(), "keys outside smolscale.* are not ours");
  }

  @Test
  void knownDebugAndHarnessKeysAreNotWarnedAbout() {
    Scheduler.builder()
        .fromProperties(props("smolscale.keepAliveMillis", "100", "smolscale.debug.anything", "1",
            "smolscale.jmh.timeoutSeconds", "10"));
    assertTrue(warnings("smolscale.keepAliveMillis").isEmpty(), "" + log.records());
    assertTrue(warnings("smolscale.debug.anything").isEmpty(), "" + log.records());
    assertTrue(warnings("smolscale.jmh.timeoutSeconds").isEmpty(), "" + log.records());
  }

  @Test
  void maxThreadsBelowParallelismNamesTheProperty() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Scheduler.builder()
                    .parallelism(2)
                    .fromProperties(props("smolscale.maxThreads", "1"))
                    .toConfig());
    assertTrue(e.getMessage().contains("smolscale.maxThreads='1'"), e.getMessage());
    assertTrue(e.getMessage().contains("parallelism=2"), e.getMessage());
  }

  @Test
  void aCombinationOfTwoPropertiesNamesBoth() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Scheduler.builder()
                    .fromProperties(
                        props("smolscale.parallelism", "8", "smolscale.maxThreads", "3"))
                    .toConfig());
    assertTrue(e.getMessage().contains("smolscale.maxThreads='3'"), e.getMessage());
    assertTrue(e.getMessage().contains("smolscale.parallelism='8'"), e.getMessage());
  }

  @Test
  void aSetterAfterThePropertyOverridesItAndItsBlame() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Scheduler.builder()
                    .parallelism(4)
                    .fromProperties(props("smolscale.maxThreads", "8"))
                    .maxThreads(2)
                    .toConfig());
    assertTrue(!e.getMessage().contains("smolscale.maxThreads"), e.getMessage());
  }
}
