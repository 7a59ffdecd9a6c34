package io.smolscale.impl;

import java.util.function.BooleanSupplier;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The monitor's decision table, as a pure function of what the balancer samples for one worker
 * at one tick: its progress counter, its thread's state, the time, the configuration. No thread,
 * no clock and no scheduler inside: the balancer passes the clock's reading and a thread-state
 * probe in, so {@code StallDetectorTest} checks every row without starting a thread.
 *
 * <h2>The table</h2>
 *
 * <p>{@link #sample}: a worker whose progress counter is odd (inside a task) and equal to the
 * previous tick's has been inside one task for at least a tick: it is <i>stalled</i>, and the
 * balancer halves its queue. Any other reading restarts the stall clock.
 *
 * <p>{@link #judge}, for a stalled worker that is not blocked, with preemption on:
 *
 * <table>
 *   <caption>preemption verdicts</caption>
 *   <tr><th>thread seen</th><th>condition</th><th>verdict</th></tr>
 *   <tr><td>WAITING, TIMED_WAITING or BLOCKED</td><td>on {@value #WAITING_TICKS} consecutive
 *       ticks of this stall</td><td>{@link Verdict#WAITING}</td></tr>
 *   <tr><td>RUNNABLE, its CPU time advancing by less than 1/{@value #SYSCALL_CPU_DIVISOR} of
 *       the wall time</td><td>over {@value #SYSCALL_TICKS} trusted ticks in a row of this stall,
 *       and work waiting for a thread</td><td>{@link Verdict#SYSCALL}</td></tr>
 *   <tr><td>anything else (or waiting on fewer ticks)</td><td>stalled for at least the
 *       threshold, fewer than {@code parallelism} replaced workers still computing, and work
 *       waiting for a thread</td><td>{@link Verdict#COMPUTING}</td></tr>
 *   <tr><td colspan="2">otherwise</td><td>{@link Verdict#NONE}</td></tr>
 * </table>
 *
 * <p>Why a CPU clock: a thread blocked in a system call (a socket read: JDBC over TCP, an HTTP
 * client) reports {@code RUNNABLE}, so the state alone sees it only through the computing rule,
 * after the threshold and capped at parallelism. A thread that is RUNNABLE and computing
 * advances its CPU time nearly as fast as the wall clock; one in a system call does not advance
 * it at all. The reading is taken only for stalled, RUNNABLE workers (a few per tick at most).
 * <b>False verdicts</b> come from three places, each guarded: (1) the whole JVM stops (GC,
 * safepoints): every thread's CPU time stands still, the balancer's too, so a window in which a
 * collection ran or the balancer's own tick came late ({@code trusted == false}) is thrown away;
 * (2) the machine is overloaded and a runnable thread waits for a core (under Linux's fair
 * scheduler a thread sharing a core can wait a whole slice, several milliseconds): the kernel is
 * asked last ({@link CpuClock#asleep}, the thread's state in {@code /proc}: {@code R} runnable,
 * {@code S}/{@code D} asleep), on the last two ticks of the window, and both must say asleep: a
 * runnable thread gets no verdict however little CPU it got, and neither does a computing thread
 * caught once at a safepoint (it sleeps in the kernel while a collection or a VM operation runs;
 * the balancer, reading {@code /proc} in native code, is not stopped by it, but it cannot start
 * its next tick until the pause is over, and a collection in between makes that tick untrusted).
 * One such false verdict let a fifth of eight CPU-bound tasks compute on two cores, past the
 * computing rule's bound (SchedulerMechanismTest, once in a loaded whole-suite run);
 * where the kernel cannot be asked (not Linux) the CPU rule stands alone; (3) a thread the
 * platform cannot clock ({@code -1}): no verdict. A
 * false verdict costs a thread (bounded by {@code maxThreads}) and a little learning that clean
 * runs undo, never correctness.
 *
 * <p>Why two sightings for "waiting": a computing thread can wait for a moment (a contended
 * lock, a class being initialised by another thread) and then compute on, which would let
 * replaced-but-computing threads exceed the bound. Why the computing rule asks for waiting work
 * and a free computing slot: replacing a long computation only helps if something waits for the
 * thread, and CPU-bound tasks must never multiply the threads competing for the cores beyond
 * twice the parallelism (Tokio's objection to blocking detection, answered in spec/DESIGN.md).
 */
final class StallDetector {
  /** Consecutive ticks a stalled worker must be seen waiting before it is replaced. */
  static final int WAITING_TICKS = 2;

  /** Ticks of a stall over which a RUNNABLE thread's CPU time must stand still. */
  static final int SYSCALL_TICKS = 3;

  /** The CPU time of a thread in a system call advances by less than wall time / this. */
  static final int SYSCALL_CPU_DIVISOR = 16;

  /**
   * Reads a thread's CPU time ({@code ThreadMXBean.getThreadCpuTime} outside tests) and asks the
   * kernel whether it sleeps ({@code /proc/self/task/<tid>/stat} on Linux).
   */
  interface CpuClock {
    /**
     * The thread's CPU time.
     *
     * @param t the thread
     * @return nanoseconds, or -1 if unknown (not supported, disabled, or the thread ended)
     */
    long cpuNanos(Thread t);

    /**
     * Whether the kernel has the thread asleep (in a system call) rather than runnable and
     * waiting for a core: the last guard before a verdict.
     *
     * @param tid the thread's kernel id, or -1 if unknown
     * @return false only if the kernel says it is runnable; true if it sleeps or nobody can tell
     */
    boolean asleep(int tid);
  }

  /** A clock that knows nothing: no CPU-time verdicts. */
  static final CpuClock NO_CPU_CLOCK =
      new CpuClock() {
        @Override
        public long cpuNanos(Thread t) {
          return -1L;
        }

        @Override
        public boolean asleep(int tid) {
          return true;
        }
      };

  /** Tells a thread's state; {@code Thread::getState} outside tests. */
  @FunctionalInterface
  interface ThreadStateProbe {
    /**
     * The thread's state.
     *
     * @param t the thread
     * @return its state
     */
    Thread.State stateOf(Thread t);
  }

  /** What the monitor concludes about a stalled worker. */
  enum Verdict {
    /** Leave it: balancing its queue is enough. */
    NONE,
    /** Mark it blocked: it waits and uses no CPU ({@link BlockCause#WAITING}). */
    WAITING,
    /** Mark it blocked: a long computation while work waits ({@link BlockCause#COMPUTING}). */
    COMPUTING,
    /** Mark it blocked: RUNNABLE with no CPU time used, a system call ({@link BlockCause#SYSCALL}). */
    SYSCALL
  }

  /** One worker's sampling state; read and written by the balancer thread alone. */
  static final class Sample {
    long seq = -1;
    long stallStartNanos;
    int waitingTicks;
    /** CPU time and wall time at the start of the current CPU window; -1: no window. */
    long cpuStart = -1;
    long cpuWallStart;
    int cpuTicks;
    /** What the kernel said at the previous tick of this window ({@link CpuClock#asleep}). */
    boolean kernelAsleep;
    /** The worker thread's kernel id (-1 unknown), for {@link CpuClock#asleep}; set by the balancer. */
    int tid = -1;
  }

  private final long thresholdNanos;
  private final boolean preemption;
  private final ThreadStateProbe probe;
  private final CpuClock cpu;

  /**
   * Creates the table.
   *
   * @param thresholdNanos how long a computing worker may stay in one task
   * @param preemption whether to give verdicts at all (false: always {@link Verdict#NONE})
   * @param probe reads thread states
   * @param cpu reads threads' CPU time ({@link #NO_CPU_CLOCK}: no system-call verdicts)
   */
  StallDetector(long thresholdNanos, boolean preemption, ThreadStateProbe probe, CpuClock cpu) {
    this.thresholdNanos = thresholdNanos;
    this.preemption = preemption;
    this.probe = probe;
    this.cpu = cpu;
  }

  /**
   * Takes this tick's reading of a worker's progress counter.
   *
   * @param s the worker's sampling state, updated
   * @param seq the progress counter (odd while a task runs)
   * @param now this tick's clock reading
   * @return true if the worker is stalled (inside the same task as at the previous tick)
   */
  boolean sample(Sample s, long seq, long now) {
    boolean stalled = (seq & 1) == 1 && seq == s.seq;
    if (!stalled) {
      s.seq = seq;
      s.stallStartNanos = now;
      s.waitingTicks = 0;
      s.cpuStart = -1;
    }
    return stalled;
  }

  /**
   * Whether a thread is visibly waiting: parked, sleeping or blocked on a monitor.
   *
   * @param t the thread, or null (a worker not started yet)
   * @return true if its state is WAITING, TIMED_WAITING or BLOCKED
   */
  boolean isWaiting(@Nullable Thread t) {
    if (t == null) {
      return false;
    }
    Thread.State st = probe.stateOf(t);
    return st == Thread.State.WAITING
        || st == Thread.State.TIMED_WAITING
        || st == Thread.State.BLOCKED;
  }

  /**
   * The verdict on a stalled, unblocked worker (call after {@link #sample} returned true).
   *
   * @param s its sampling state, updated (the waiting sightings)
   * @param thread its thread
   * @param now this tick's clock reading
   * @param computingSlotFree whether fewer than parallelism replaced workers are still computing
   * @param trusted whether CPU times can be compared across this tick: the balancer's tick came
   *     on time and no garbage collection ran since the last one (see the class comment)
   * @param workWaits whether work waits for a thread; asked only when it decides the verdict
   * @return the verdict
   */
  Verdict judge(
      Sample s,
      @Nullable Thread thread,
      long now,
      boolean computingSlotFree,
      boolean trusted,
      BooleanSupplier workWaits) {
    if (!preemption) {
      return Verdict.NONE;
    }
    if (isWaiting(thread)) {
      s.waitingTicks++;
      s.cpuStart = -1;
    } else {
      s.waitingTicks = 0;
      if (thread != null && cpuIdle(s, thread, now, trusted) && workWaits.getAsBoolean()) {
        return Verdict.SYSCALL;
      }
    }
    if (s.waitingTicks >= WAITING_TICKS) {
      return Verdict.WAITING;
    }
    if (now - s.stallStartNanos >= thresholdNanos && computingSlotFree && workWaits.getAsBoolean()) {
      return Verdict.COMPUTING;
    }
    return Verdict.NONE;
  }

  /**
   * Advances the CPU window of a RUNNABLE stalled thread.
   *
   * @return true once the thread has used less than 1/{@value #SYSCALL_CPU_DIVISOR} of the wall
   *     time over {@value #SYSCALL_TICKS} trusted ticks
   */
  private boolean cpuIdle(Sample s, Thread thread, long now, boolean trusted) {
    long c = cpu.cpuNanos(thread);
    if (c < 0 || !trusted || s.cpuStart < 0) {
      // No reading, or a tick that cannot be compared: (re)start the window here.
      s.cpuStart = c;
      s.cpuWallStart = now;
      s.cpuTicks = 0;
      s.kernelAsleep = false;
      return false;
    }
    long usedCpu = c - s.cpuStart;
    long wall = now - s.cpuWallStart;
    if (usedCpu * SYSCALL_CPU_DIVISOR >= wall) {
      s.cpuStart = c; // it computes: start a new window from here
      s.cpuWallStart = now;
      s.cpuTicks = 0;
      s.kernelAsleep = false;
      return false;
    }
    // The kernel's word last (one procfs read per tick, only for a thread that nearly
    // qualifies): a runnable thread starved of a core for the whole window is not in a system
    // call, and a single "asleep" may be a safepoint, so two ticks in a row must say it.
    if (++s.cpuTicks < SYSCALL_TICKS - 1) {
      return false;
    }
    boolean asleep = cpu.asleep(s.tid);
    boolean verdict = asleep && s.kernelAsleep && s.cpuTicks >= SYSCALL_TICKS;
    s.kernelAsleep = asleep;
    return verdict;
  }

  /**
   * How long the worker has been inside its task, for the Flight Recorder event.
   *
   * @param s its sampling state
   * @param now this tick's clock reading
   * @return nanoseconds since the stall began
   */
  static long stalledNanos(Sample s, long now) {
    return now - s.stallStartNanos;
  }
}
