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
  private final StallDetector detector = new StallDetector(THRESHOLD, true, probe, StallDetector.NO_CPU_CLOCK);

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
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, MS, true, true, WORK_WAITS), "one sighting");
    assertTrue(detector.sample(s, 7, 2 * MS));
    assertEquals(Verdict.WAITING, detector.judge(s, WORKER, 2 * MS, true, true, WORK_WAITS));
  }

  // Row: a computing sighting between two waiting ones resets the count.
  @Test
  void aComputingSightingResetsTheWaitingCount() {
    Sample s = inTaskSince0();
    probe.state = Thread.State.WAITING;
    detector.sample(s, 7, MS);
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, MS, true, true, NO_WORK));
    probe.state = Thread.State.RUNNABLE;
    detector.sample(s, 7, 2 * MS);
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, 2 * MS, true, true, NO_WORK));
    probe.state = Thread.State.WAITING;
    detector.sample(s, 7, 3 * MS);
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, 3 * MS, true, true, NO_WORK), "count restarted");
    detector.sample(s, 7, 4 * MS);
    assertEquals(Verdict.WAITING, detector.judge(s, WORKER, 4 * MS, true, true, NO_WORK));
  }

  // Row: a new task between two waiting sightings (progress) resets the count too.
  @Test
  void progressResetsTheWaitingCount() {
    Sample s = inTaskSince0();
    probe.state = Thread.State.WAITING;
    detector.sample(s, 7, MS);
    detector.judge(s, WORKER, MS, true, true, NO_WORK);
    assertFalse(detector.sample(s, 9, 2 * MS), "the next task started");
    assertTrue(detector.sample(s, 9, 3 * MS));
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, 3 * MS, true, true, NO_WORK));
  }

  // Row: computing past the threshold, with a computing slot free and work waiting: COMPUTING;
  // just before the threshold: NONE.
  @Test
  void computingPastTheThresholdWhileWorkWaitsIsBlocked() {
    Sample s = inTaskSince0();
    detector.sample(s, 7, THRESHOLD - 1);
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, THRESHOLD - 1, true, true, WORK_WAITS));
    detector.sample(s, 7, THRESHOLD);
    assertEquals(Verdict.COMPUTING, detector.judge(s, WORKER, THRESHOLD, true, true, WORK_WAITS));
  }

  // Rows: past the threshold but no work waits, or no computing slot free: NONE. And the work
  // check is not even asked when the slot decides (it reads queues).
  @Test
  void computingPastTheThresholdNeedsWaitingWorkAndAFreeSlot() {
    Sample s = inTaskSince0();
    detector.sample(s, 7, 2 * THRESHOLD);
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, 2 * THRESHOLD, true, true, NO_WORK));
    AtomicInteger asked = new AtomicInteger();
    BooleanSupplier counted = () -> asked.incrementAndGet() > 0;
    assertEquals(Verdict.NONE, detector.judge(s, WORKER, 2 * THRESHOLD, false, true, counted));
    assertEquals(0, asked.get(), "the queues were read although the slot decided");
  }

  // Row: preemption off: never a verdict, and the thread's state is not even read.
  @Test
  void withPreemptionOffNothingIsEverBlocked() {
    StallDetector off = new StallDetector(THRESHOLD, false, probe, StallDetector.NO_CPU_CLOCK);
    Sample s = new Sample();
    off.sample(s, 7, 0);
    probe.state = Thread.State.WAITING;
    for (long now = MS; now <= 3 * THRESHOLD; now += MS) {
      assertTrue(off.sample(s, 7, now), "still stalled: balancing goes on");
      assertEquals(Verdict.NONE, off.judge(s, WORKER, now, true, true, WORK_WAITS));
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

  // ----------------------------------------------------------------- the CPU-time rows

  /** A CPU clock the test sets; -1 means the platform cannot tell. */
  private static final class FakeCpu implements StallDetector.CpuClock {
    long nanos;
    boolean asleep = true;
    int askedTid = -2;

    @Override
    public long cpuNanos(Thread t) {
      return nanos;
    }

    @Override
    public boolean asleep(int tid) {
      askedTid = tid;
      return asleep;
    }
  }

  private final FakeCpu cpu = new FakeCpu();
  private final StallDetector clocked = new StallDetector(THRESHOLD, true, probe, cpu);

  private Sample clockedInTaskSince0() {
    Sample s = new Sample();
    assertFalse(clocked.sample(s, 7, 0));
    return s;
  }

  // Row: RUNNABLE with its CPU time standing still for three trusted ticks, work waiting: SYSCALL
  // (a socket read reports RUNNABLE); not before the third tick.
  @Test
  void runnableWithoutCpuProgressForThreeTicksIsInASystemCall() {
    Sample s = clockedInTaskSince0();
    cpu.nanos = 5 * MS;
    assertEquals(Verdict.NONE, clocked.judge(s, WORKER, MS, true, true, WORK_WAITS), "window opens");
    for (int tick = 2; tick <= StallDetector.SYSCALL_TICKS; tick++) {
      assertEquals(Verdict.NONE, clocked.judge(s, WORKER, tick * MS, true, true, WORK_WAITS));
    }
    assertEquals(
        Verdict.SYSCALL,
        clocked.judge(s, WORKER, (StallDetector.SYSCALL_TICKS + 1) * MS, true, true, WORK_WAITS));
  }

  // Row: a thread that computes (CPU time advancing with the wall clock) is never in a system
  // call; it falls to the computing rule after the threshold, as before.
  @Test
  void aComputingThreadIsNotInASystemCall() {
    Sample s = clockedInTaskSince0();
    for (long now = MS; now < THRESHOLD; now += MS) {
      cpu.nanos = now; // one CPU millisecond per wall millisecond
      assertEquals(Verdict.NONE, clocked.judge(s, WORKER, now, true, true, WORK_WAITS), "at " + now);
    }
    cpu.nanos = THRESHOLD;
    assertEquals(Verdict.COMPUTING, clocked.judge(s, WORKER, THRESHOLD, true, true, WORK_WAITS));
  }

  // Row: a thread that gets a sixteenth of a core or more (an overloaded machine: runnable, but
  // waiting for a core) keeps restarting the window and is never given the verdict.
  @Test
  void aThreadStarvedOfCpuButProgressingIsNotInASystemCall() {
    Sample s = clockedInTaskSince0();
    for (long now = MS; now <= 10 * MS; now += MS) {
      cpu.nanos = now / StallDetector.SYSCALL_CPU_DIVISOR;
      assertEquals(Verdict.NONE, clocked.judge(s, WORKER, now, true, true, WORK_WAITS), "at " + now);
    }
  }

  // Row: an untrusted tick (late balancer tick or a collection: the whole JVM stopped) throws the
  // window away, so a GC pause as long as any number of ticks never gives the verdict alone.
  @Test
  void anUntrustedTickRestartsTheWindow() {
    Sample s = clockedInTaskSince0();
    cpu.nanos = 5 * MS;
    long now = MS;
    for (int round = 0; round < 5; round++) {
      // The untrusted tick reopens the window; one trusted tick fewer than needed follows.
      assertEquals(Verdict.NONE, clocked.judge(s, WORKER, now, true, false, WORK_WAITS), "GC");
      now += MS;
      for (int tick = 1; tick < StallDetector.SYSCALL_TICKS; tick++, now += MS) {
        assertEquals(Verdict.NONE, clocked.judge(s, WORKER, now, true, true, WORK_WAITS));
      }
    }
    assertEquals(Verdict.SYSCALL, clocked.judge(s, WORKER, now, true, true, WORK_WAITS), "control");
  }

  // Row: no verdict while no work waits (a replacement would have nothing to do), nor when the
  // platform cannot clock the thread.
  @Test
  void noSystemCallVerdictWithoutWaitingWorkOrWithoutAClock() {
    Sample s = clockedInTaskSince0();
    cpu.nanos = 5 * MS;
    for (long now = MS; now <= 10 * MS; now += MS) {
      assertEquals(Verdict.NONE, clocked.judge(s, WORKER, now, true, true, NO_WORK));
    }
    cpu.nanos = -1;
    Sample t = clockedInTaskSince0();
    for (long now = MS; now <= 10 * MS; now += MS) {
      assertEquals(Verdict.NONE, clocked.judge(t, WORKER, now, true, true, WORK_WAITS));
    }
  }

  // Row: a thread seen waiting by its state is judged by the state rule, and its CPU window
  // starts afresh when it is RUNNABLE again.
  @Test
  void aWaitingSightingResetsTheCpuWindow() {
    Sample s = clockedInTaskSince0();
    cpu.nanos = 5 * MS;
    assertEquals(Verdict.NONE, clocked.judge(s, WORKER, MS, true, true, WORK_WAITS));
    assertEquals(Verdict.NONE, clocked.judge(s, WORKER, 2 * MS, true, true, WORK_WAITS));
    probe.state = Thread.State.WAITING;
    assertEquals(Verdict.NONE, clocked.judge(s, WORKER, 3 * MS, true, true, WORK_WAITS));
    probe.state = Thread.State.RUNNABLE;
    assertEquals(Verdict.NONE, clocked.judge(s, WORKER, 4 * MS, true, true, WORK_WAITS), "reopens");
    assertEquals(Verdict.NONE, clocked.judge(s, WORKER, 5 * MS, true, true, WORK_WAITS));
  }

  // Row: the kernel says runnable (a thread starved of a core for the whole window on an
  // overloaded machine): no verdict however little CPU it got; asked with the worker's tid.
  @Test
  void aThreadTheKernelCallsRunnableIsNotInASystemCall() {
    Sample s = clockedInTaskSince0();
    s.tid = 4242;
    cpu.nanos = 5 * MS;
    cpu.asleep = false;
    for (long now = MS; now <= 10 * MS; now += MS) {
      assertEquals(Verdict.NONE, clocked.judge(s, WORKER, now, true, true, WORK_WAITS), "at " + now);
    }
    assertEquals(4242, cpu.askedTid);
    cpu.asleep = true;
    assertEquals(Verdict.NONE, clocked.judge(s, WORKER, 11 * MS, true, true, WORK_WAITS), "once");
    assertEquals(Verdict.SYSCALL, clocked.judge(s, WORKER, 12 * MS, true, true, WORK_WAITS));
  }

  // Row: a computing thread the kernel catches asleep once (stopped at a safepoint for a VM
  // operation) is not in a system call: the kernel must say asleep on two ticks in a row. With a
  // single sighting counted, this row gave the verdict that let a fifth CPU-bound task compute.
  @Test
  void asleepOnOneTickOnlyIsNotASystemCall() {
    Sample s = clockedInTaskSince0();
    cpu.nanos = 5 * MS;
    long now = MS;
    for (int tick = 0; tick < 4 * StallDetector.SYSCALL_TICKS; tick++, now += MS) {
      cpu.asleep = tick % 2 == 1; // runnable, asleep, runnable, ...: never twice in a row
      assertEquals(Verdict.NONE, clocked.judge(s, WORKER, now, true, true, WORK_WAITS), "at " + now);
    }
    cpu.asleep = false;
    assertEquals(Verdict.NONE, clocked.judge(s, WORKER, now, true, true, WORK_WAITS));
    now += MS;
    cpu.asleep = true;
    assertEquals(Verdict.NONE, clocked.judge(s, WORKER, now, true, true, WORK_WAITS), "first");
    now += MS;
    assertEquals(Verdict.SYSCALL, clocked.judge(s, WORKER, now, true, true, WORK_WAITS), "control");
  }

  // Row: the window restarts (the thread computed again) and forgets the kernel's last word, so
  // an asleep sighting before the restart and one after do not make two in a row.
  @Test
  void aRestartedWindowForgetsTheKernelsLastWord() {
    Sample s = clockedInTaskSince0();
    cpu.nanos = 5 * MS;
    long now = MS;
    for (int tick = 0; tick < StallDetector.SYSCALL_TICKS; tick++, now += MS) {
      assertEquals(Verdict.NONE, clocked.judge(s, WORKER, now, true, true, WORK_WAITS));
    }
    assertTrue(s.kernelAsleep, "the kernel was asked and said asleep");
    cpu.nanos += 10 * MS; // it computed: the window restarts here
    assertEquals(Verdict.NONE, clocked.judge(s, WORKER, now, true, true, WORK_WAITS), "restart");
    assertFalse(s.kernelAsleep);
  }
}
