package io.smolscale.impl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A worker's own measurement of a run ({@link RunMeter}): the rule as a pure function, then the
 * meter on this thread, sleeping and computing.
 */
class RunMeterTest {
  private static final long MS = 1_000_000L;

  // Proves the rule: asleep at least 1 ms and three quarters of the run; time spent runnable
  // waiting for a core is not sleep, so an overloaded machine's slow runs give no verdict.
  @Test
  void aRunSleptThroughOnlyIfItSleptMostOfItsTime() {
    assertTrue(RunMeter.sleptThrough(5 * MS, 100_000, 0), "a 5 ms socket call");
    assertTrue(RunMeter.sleptThrough(4 * MS, MS, 0), "exactly three quarters asleep");
    assertFalse(RunMeter.sleptThrough(4 * MS, MS + 1, 0), "just under three quarters");
    assertFalse(RunMeter.sleptThrough(MS - 1, 0, 0), "too short to count");
    assertFalse(RunMeter.sleptThrough(5 * MS, 200_000, 4 * MS), "waited for a core, not asleep");
    assertFalse(RunMeter.sleptThrough(50 * MS, 45 * MS, 0), "a computation");
    assertTrue(RunMeter.sleptThrough(5 * MS, -1, -1), "unknown readings count as zero");
  }

  // Proves: on this platform the meter sees a thread that waits (here: for a latch nobody counts
  // down, bounded by a timeout, the way a call waits for a reply) as having slept through, and a
  // thread that computes as not, whatever the machine's load (the computation is measured in CPU
  // time, so a busy machine only makes it take longer). Linux only: elsewhere the meter falls back
  // to CPU time, whose verdicts a loaded machine may fool.
  @Test
  void theMeterTellsWaitingFromComputingOnThisThread() throws InterruptedException {
    int tid = JvmClocks.currentTid();
    assumeTrue(tid >= 0 && Files.isReadable(Paths.get("/proc/self/task/" + tid + "/schedstat")));
    RunMeter meter = new RunMeter(tid);

    // A collection during the wait voids the reading (it stops every thread): retry then, and
    // only then.
    boolean slept = false;
    for (int attempt = 0; attempt < 5 && !slept; attempt++) {
      long gc = JvmClocks.gcCount();
      meter.start();
      assertFalse(new CountDownLatch(1).await(200, TimeUnit.MILLISECONDS));
      slept = meter.sleptThrough();
      assertTrue(slept || JvmClocks.gcCount() != gc, "a 200 ms wait slept through");
    }
    assertTrue(slept, "five collections in five waits");

    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    assumeTrue(mx.isCurrentThreadCpuTimeSupported());
    meter.start();
    long until = mx.getCurrentThreadCpuTime() + 20 * MS;
    long spin = 0;
    while (mx.getCurrentThreadCpuTime() < until) {
      spin++;
    }
    assertFalse(meter.sleptThrough(), "20 ms of CPU did not sleep through (" + spin + " spins)");
  }
}
