package io.smolscale.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * When starvation is reported ({@link StarvationWatch}): once per episode, after it has lasted
 * the documented bound, on an injected clock (the {@code now} arguments): no thread, no time.
 */
class StarvationWatchTest {
  private static final long MS = 1_000_000L;
  private static final long BOUND = StarvationWatch.REPORT_AFTER_NANOS;

  // Proves: a report exactly when the episode reaches the bound, and only once however long it
  // lasts.
  @Test
  void oneReportPerEpisodeOnceItLastsTheBound() {
    StarvationWatch w = new StarvationWatch();
    assertFalse(w.observe(true, 0));
    assertFalse(w.observe(true, BOUND - 1), "just short of the bound");
    assertTrue(w.observe(true, BOUND));
    assertEquals(BOUND, w.lastedNanos(BOUND));
    for (long now = BOUND + MS; now < 10 * BOUND; now += 100 * MS) {
      assertFalse(w.observe(true, now), "reported again at " + now);
    }
  }

  // Proves: a tick without starvation ends the episode; a new one is reported again, timed from
  // its own start; a short saturation is never reported.
  @Test
  void anEpisodeEndsWhenOneTickIsNotStarvedAndShortOnesAreNotReported() {
    StarvationWatch w = new StarvationWatch();
    w.observe(true, 0);
    assertTrue(w.observe(true, BOUND));
    assertFalse(w.observe(false, BOUND + MS));
    assertEquals(0, w.lastedNanos(BOUND + MS));
    assertFalse(w.observe(true, BOUND + 2 * MS), "a new episode starts");
    assertFalse(w.observe(true, 2 * BOUND), "not yet a bound since its start");
    assertTrue(w.observe(true, 2 * BOUND + 2 * MS));
    StarvationWatch brief = new StarvationWatch();
    for (long now = 0; now < 10 * BOUND; now += 100 * MS) {
      assertFalse(brief.observe(now % (BOUND / 2) != 0, now), "brief episodes at " + now);
    }
  }
}
