package io.smolscale.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.impl.BlockingSites.Site;
import io.smolscale.testsites.Sites;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The blocking predictor's learning rule ({@link BlockingSites}), driven by hand: verdicts, clean
 * runs and probes are fed in the order a scheduler would produce them, no thread runs. Each test
 * uses its own body class from {@link Sites} (a site is a class, and scores are kept per class),
 * so no test sees another's score.
 */
class BlockingSitesTest {
  /**
   * Feeds one run of a site submitted from outside: dispatch starts it on the blocking path or
   * passes it to a worker ({@code Pool.startPredicted}), which then takes it as {@link #run}
   * shows; returns whether it went to the blocking path.
   */
  private static boolean runFromOutside(BlockingSites sites, Runnable task, boolean blocks) {
    Site site = sites.warmSite(task);
    if (site != null && site.predicted() && site.startDirect()) {
      return true; // started on a thread of its own at dispatch
    }
    return run(sites, task, blocks);
  }

  /** Feeds one run of a site to the predictor as a worker would; returns whether it went away. */
  private static boolean run(BlockingSites sites, Runnable task, boolean blocks) {
    Site site = sites.warmSite(task);
    boolean probe = false;
    if (site != null && site.predicted()) {
      probe = site.probeOnWorker();
      if (!probe) {
        return true; // handed to the blocking path
      }
    }
    if (blocks) {
      sites.blocked(task); // the monitor's verdict while it runs
      if (site == null) {
        site = sites.warmSite(task);
      }
      if (site != null) {
        BlockingSites.ranBlocked(site, probe);
      }
    } else if (site != null) {
      BlockingSites.ranClean(site, probe);
    }
    return false;
  }

  // Proves: nothing is paid or learnt until a verdict; two verdicts from cold predict the site.
  @Test
  void twoVerdictsFromColdPredictASite() {
    BlockingSites sites = new BlockingSites(true);
    Runnable task = new Sites.A();
    assertFalse(sites.active(), "no verdict yet: the task path reads one flag");
    assertNull(sites.warmSite(task));
    sites.blocked(task);
    assertTrue(sites.active());
    Site s = sites.warmSite(task);
    assertNotNull(s);
    assertFalse(s.predicted(), "one verdict is not enough");
    sites.blocked(task);
    assertTrue(s.predicted());
  }

  // Proves: the score is a frequency. A site that blocks once in a hundred runs (ZIO's misfire,
  // zio/zio#7074) is never predicted; one that blocks one run in four is, and stays so.
  @Test
  void aSiteThatRarelyBlocksIsNeverPredictedButOneThatOftenBlocksIs() {
    BlockingSites sites = new BlockingSites(true);
    Runnable rare = new Sites.B();
    int handedOff = 0;
    for (int i = 1; i <= 10_000; i++) {
      if (run(sites, rare, i % 100 == 0)) {
        handedOff++;
      }
    }
    assertEquals(0, handedOff, "a 1 % blocker must stay on the workers");

    Runnable often = new Sites.C();
    handedOff = 0;
    for (int i = 1; i <= 10_000; i++) {
      if (run(sites, often, i % 4 == 0)) {
        handedOff++;
      }
    }
    assertTrue(handedOff > 9_000, "a 25 % blocker goes to the blocking path: " + handedOff);
  }

  // Proves: probes of a site that keeps blocking become rarer (each costs a worker two ticks),
  // down to one in PROBE_EVERY_MAX runs.
  @Test
  void probesOfASiteThatKeepsBlockingBackOff() {
    BlockingSites sites = new BlockingSites(true);
    Runnable task = new Sites.D();
    sites.blocked(task);
    sites.blocked(task);
    int probes = 0;
    for (int i = 0; i < 10_000; i++) {
      if (!run(sites, task, true)) {
        probes++;
      }
    }
    // Gaps 32, 64, ..., 1024, then 1024 each: about 5 + (10,000 - 2,016) / 1,024 = 12.
    assertTrue(probes >= 6 && probes <= 14, "probes: " + probes);
  }

  // Proves: a predicted site whose calls the monitor never catches (a 5 ms socket read ends
  // before the system-call verdict) keeps its prediction when the worker's own measurement
  // (RunMeter) reports each probe slept through, and its probes back off as a visible blocker's
  // do; the control, the same probes scored as clean runs (the rule before RunMeter), loses the
  // prediction, so one call in a few goes back to blocking a worker.
  @Test
  void probesThatSleepThroughUnseenKeepTheSitePredicted() {
    BlockingSites sites = new BlockingSites(true);
    Runnable task = new Sites.H();
    int onWorkers = runUnseenBlocker(sites, task, true);
    assertTrue(sites.warmSite(task) != null && sites.warmSite(task).predicted());
    assertTrue(onWorkers >= 6 && onWorkers <= 14, "probes on workers: " + onWorkers);

    BlockingSites control = new BlockingSites(true);
    Runnable other = new Sites.I();
    int controlOnWorkers = runUnseenBlocker(control, other, false);
    assertTrue(controlOnWorkers > 1_000, "scored clean, the probes undo the prediction: " + controlOnWorkers);
  }

  /**
   * Learns a site from two verdicts, then runs it 10,000 times with no verdict while it runs,
   * each run on a worker scored as measured slept through or as clean; returns the runs on
   * workers.
   */
  private static int runUnseenBlocker(BlockingSites sites, Runnable task, boolean measured) {
    sites.blocked(task);
    sites.blocked(task);
    int onWorkers = 0;
    for (int i = 0; i < 10_000; i++) {
      Site site = sites.warmSite(task);
      boolean probe = false;
      if (site != null && site.predicted()) {
        probe = site.probeOnWorker();
        if (!probe) {
          continue; // handed to the blocking path
        }
      }
      onWorkers++;
      if (site == null) {
        sites.blocked(task); // cold again: only the monitor can warm it, and it does, later
      } else if (measured) {
        sites.sleptUnseen(site, probe);
      } else {
        BlockingSites.ranClean(site, probe);
      }
    }
    return onWorkers;
  }

  // Proves: a site that stops blocking returns to the workers (re-probing and decay), within
  // one long probe gap and a few short ones.
  @Test
  void aSiteThatStopsBlockingReturnsToTheWorkers() {
    BlockingSites sites = new BlockingSites(true);
    Runnable task = new Sites.E();
    for (int i = 0; i < 5_000; i++) {
      run(sites, task, true); // learnt, score at the cap, probe gap at its longest
    }
    assertTrue(sites.warmSite(task) != null && sites.warmSite(task).predicted());
    int lastHandOff = -1;
    for (int i = 0; i < 5_000; i++) {
      if (run(sites, task, false)) {
        lastHandOff = i;
      }
    }
    assertTrue(lastHandOff >= 0, "it was predicted at the start");
    assertTrue(
        lastHandOff < BlockingSites.PROBE_EVERY_MAX + 8 * BlockingSites.PROBE_EVERY,
        "still handed off at run " + lastHandOff);
    Site s = sites.warmSite(task);
    assertTrue(s == null || !s.predicted());
  }

  // Proves: a site fed only from outside (an HTTP server's execute) is probed too, and returns
  // to the workers when it stops blocking: dispatch passes its due probe on, and the worker that
  // takes it runs it rather than counting it again and handing it off as well.
  @Test
  void aSiteFedFromOutsideIsProbedAndReturnsToTheWorkers() {
    BlockingSites sites = new BlockingSites(true);
    Runnable task = new Sites.G();
    sites.blocked(task);
    sites.blocked(task);
    int probes = 0;
    for (int i = 0; i < 5_000; i++) {
      if (!runFromOutside(sites, task, true)) {
        probes++;
      }
    }
    assertTrue(probes >= 4 && probes <= 12, "probes of a site that keeps blocking: " + probes);
    int lastDirect = -1;
    for (int i = 0; i < 5_000; i++) {
      if (runFromOutside(sites, task, false)) {
        lastDirect = i;
      }
    }
    assertTrue(
        lastDirect < BlockingSites.PROBE_EVERY_MAX + 8 * BlockingSites.PROBE_EVERY,
        "still started directly at run " + lastDirect);
    Site s = sites.warmSite(task);
    assertTrue(s == null || !s.predicted());
  }

  // Proves: JDK classes (a CompletableFuture continuation is one class for every program) and
  // this implementation's own classes are never sites; a disabled predictor learns nothing.
  @Test
  void jdkClassesAreNeverSitesAndADisabledPredictorLearnsNothing() {
    BlockingSites sites = new BlockingSites(true);
    Runnable jdk = new java.util.concurrent.FutureTask<>(() -> null);
    sites.blocked(jdk);
    sites.blocked(jdk);
    assertNull(sites.siteOf(jdk));
    assertNull(sites.warmSite(jdk));
    CompletableFuture<Void> f = new CompletableFuture<>();
    assertNull(sites.siteOf(f::join), "a lambda of io.smolscale.impl is not a site");
    assertNotNull(sites.siteOf(new Sites.A()));

    BlockingSites off = new BlockingSites(false);
    Runnable task = new Sites.F();
    off.blocked(task);
    off.blocked(task);
    assertFalse(off.active());
    assertNull(off.warmSite(task));
  }
}
