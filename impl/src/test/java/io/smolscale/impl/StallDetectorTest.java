package io.smolscale.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.impl.StallDetector.Sample;
import io.smolscale.impl.StallDetector.Verdict;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The monitor's decision table ({@link StallDetector}), row by row, with an injected clock (the
 * {@code now} arguments) and thread-state probe: no thread runs, no time passes, so every verdict
 * is exact. The thread handed to the probe is never started; only its identity matters.
 */
class StallDetectorTest {
  private static final long MS = 1_000_000L;
  private static final long THRESHOLD = 20 * MS;
  private static final Thread WORKER = new Thread(() -> {}, "probed");
  private static final BooleanSupplier WORK_WAITS = () -> true;
  private static final BooleanSupplier NO_WORK = () -> false;

  /** A probe that reports whatever the test sets, and counts its calls. */
  private static final class Probe implements StallDetector.ThreadStateProbe {
    Thread.State state = Thread.State.RUNNABLE;
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public Thread.State stateOf(Thread t) {
      calls.incrementAndGet();
      return state;
    }
  }

  private final Probe probe = new Probe();
  private final StallDetector detector = new StallDetector(THRESHOLD, true, probe);

  /** A sample that has seen the worker enter the task with counter 7 at time 0. */
  private Sample inTaskSince0() {
    Sample s = new Sample();
    assertFalse(detector.sample(s, 7, 0), "the first sighting of a task is not a stall");
    return s;
  }

  // Row: an even counter (between tasks) is never a stall, however long it stays the same.
  @Test
  void aWorkerBetweenTasksIsNeverStalled() {
    Sample s = new Sample();
    for (long now = 0; now < 5 * THRESHOLD; now += MS) {
      assertFalse(detector.sample(s, 8, now));
    }
  }

  // Row: the same odd counter on the next tick is a stall; a moved counter restarts the clock.
  @Test
  void theSameTaskOnTheNextTickIsAStallAndProgressRestartsTheClock() {
    Sample s = inTaskSince0();
    assertTrue(detector.sample(s, 7, MS));
    assertTrue(detector.sample(s, 7, 2 * MS));
    assertEquals(2 * MS, StallDetector.stalledNanos(s, 2 * MS));
    assertFalse(detector.sample(s, 9, 3 * MS), "a new task: progress");
    assertEquals(0, StallDetector.stalledNanos(s, 3 * MS), "the stall clock restarted");
    assertTrue(detector.sample(s, 9, 4 * MS));
  }

  // Row: waiting (each of the three waiting states) on two consecutive ticks: WAITING, not before.
  @ParameterizedTest
  @EnumSource(value = Thread.State.class, names = {"WAITING", "TIMED_WAITING", "BLOCKED"})
  void waitingOnTwoConsecutiveTicksIsBlocked(Thread.State state) {
    Sample s = inTaskSince0();
    probe.state = state;
    assertTrue(detector.sample(s, 7, MS));
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, MS, true, WORK_WAITS), "one sighting");
    assertTrue(detector.sample(s, 7, 2 * MS));
    assertEquals(Verdict.WAITING, detector.judge(s, WORKER, 2 * MS, true, WORK_WAITS));
  }

  // Row: a computing sighting between two waiting ones resets the count.
  @Test
  void aComputingSightingResetsTheWaitingCount() {
    Sample s = inTaskSince0();
    probe.state = Thread.State.WAITING;
    detector.sample(s, 7, MS);
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, MS, true, NO_WORK));
    probe.state = Thread.State.RUNNABLE;
    detector.sample(s, 7, 2 * MS);
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, 2 * MS, true, NO_WORK));
    probe.state = Thread.State.WAITING;
    detector.sample(s, 7, 3 * MS);
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, 3 * MS, true, NO_WORK), "count restarted");
    detector.sample(s, 7, 4 * MS);
    assertEquals(Verdict.WAITING, detector.judge(s, WORKER, 4 * MS, true, NO_WORK));
  }

  // Row: a new task between two waiting sightings (progress) resets the count too.
  @Test
  void progressResetsTheWaitingCount() {
    Sample s = inTaskSince0();
    probe.state = Thread.State.WAITING;
    detector.sample(s, 7, MS);
    detector.judge(s, WORKER, MS, true, NO_WORK);
    assertFalse(detector.sample(s, 9, 2 * MS), "the next task started");
    assertTrue(detector.sample(s, 9, 3 * MS));
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, 3 * MS, true, NO_WORK));
  }

  // Row: computing past the threshold, with a computing slot free and work waiting: COMPUTING;
  // just before the threshold: NONE.
  @Test
  void computingPastTheThresholdWhileWorkWaitsIsBlocked() {
    Sample s = inTaskSince0();
    detector.sample(s, 7, THRESHOLD - 1);
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, THRESHOLD - 1, true, WORK_WAITS));
    detector.sample(s, 7, THRESHOLD);
    assertEquals(Verdict.COMPUTING, detector.judge(s, WORKER, THRESHOLD, true, WORK_WAITS));
  }

  // Rows: past the threshold but no work waits, or no computing slot free: NONE. And the work
  // check is not even asked when the slot decides (it reads queues).
  @Test
  void computingPastTheThresholdNeedsWaitingWorkAndAFreeSlot() {
    Sample s = inTaskSince0();
    detector.sample(s, 7, 2 * THRESHOLD);
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, 2 * THRESHOLD, true, NO_WORK));
    AtomicInteger asked = new AtomicInteger();
    BooleanSupplier counted = () -> asked.incrementAndGet() > 0;
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, 2 * THRESHOLD, false, counted));
    assertEquals(0, asked.get(), "the queues were read although the slot decided");
  }

  // Row: preemption off: never a verdict, and the thread's state is not even read.
  @Test
  void withPreemptionOffNothingIsEverBlocked() {
    StallDetector off = new StallDetector(THRESHOLD, false, probe);
    Sample s = new Sample();
    off.sample(s, 7, 0);
    probe.state = Thread.State.WAITING;
    for (long now = MS; now <= 3 * THRESHOLD; now += MS) {
      assertTrue(off.sample(s, 7, now), "still stalled: balancing goes on");
      assertEquals(Verdict.NONE, off.judge(s, WORKER, now, true, WORK_WAITS));
    }
    assertEquals(0, probe.calls.get());
  }

  // Row: a worker without a thread yet is never waiting.
  @Test
  void aWorkerWithoutAThreadIsNotWaiting() {
    probe.state = Thread.State.WAITING;
    assertFalse(detector.isWaiting(null));
    assertTrue(detector.isWaiting(WORKER));
    probe.state = Thread.State.RUNNABLE;
    assertFalse(detector.isWaiting(WORKER));
  }
}
