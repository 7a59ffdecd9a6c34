package io.smolscale.impl;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.IOException;
import java.io.RandomAccessFile;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A worker's own measurement of one run of a <i>warm</i> site ({@link BlockingSites}): did its
 * thread sleep through most of the run? The second source of evidence for the predictor, beside
 * the monitor's verdicts.
 *
 * <p><b>Why the monitor is not enough.</b> A thread blocked in a system call (a socket read)
 * reports {@code RUNNABLE}; the monitor sees it only by its CPU time standing still over three
 * trusted ticks after the stall began, and only while work waits ({@link StallDetector}). A 5 ms
 * database call is over by then, and with the site's other calls already on the blocking path no
 * work waits: a predicted site's probe, which runs on a worker to check that the site still
 * blocks, then looked clean, the site lost its prediction within a few probes and its calls
 * went back to blocking the workers until verdicts won it back. Measured (JDK 17, a closed loop of
 * 64 clients making 5 ms loopback socket calls through {@code execute}, 2 cores): the score swung
 * between 92 and 248, the probe gap never left 32-128 runs, and one call in seven ran on a worker.
 *
 * <p><b>The evidence.</b> Before and after the run the worker reads its own thread's {@code
 * /proc/self/task/<tid>/schedstat} (Linux: time on a CPU, time runnable waiting for one, both in
 * nanoseconds). The rest of the wall time the thread <i>slept</i>: in a system call, parked,
 * sleeping. The run <i>slept through</i> if it slept for at least {@value #MIN_SLEEP_NANOS} ns
 * and for at least three quarters of its wall time, and no collection ran in between ({@link
 * JvmClocks#gcCount}: a collection stops every thread, which then sleeps at the safepoint). This
 * is evidence of sleeping, never of slowness (ZIO's mistake, see {@link BlockingSites}): a run
 * that was slow because its thread waited for a core counts that time as waiting, not as sleep,
 * so an overloaded machine gives no verdicts; and a run that computes for most of its time is
 * never a verdict however long it takes. Where schedstat cannot be read (not Linux, or a kernel
 * without it) the thread's CPU time ({@link ThreadMXBean#getCurrentThreadCpuTime}) stands in and
 * everything off the CPU counts as sleep; on an overloaded machine a short task may then be
 * misjudged once in a while, which costs a thread hop until clean runs undo it.
 *
 * <p><b>Cost.</b> Only runs of warm sites are measured (sites with a score: after a verdict, and
 * until clean runs take the score back to zero), so a program whose tasks never block pays
 * nothing. A measured run costs two reads of a small procfs file kept open (a seek and a read,
 * JMH {@code MonitorSampling.own_schedstat}) and two reads of the collection count; a run shorter
 * than a millisecond skips the second read.
 *
 * <p>Memory model: an instance belongs to one worker and is used by its thread alone.
 */
final class RunMeter {
  /**
   * Whether workers measure runs of warm sites at all ({@code
   * smolscale.debug.measureRuns=false} turns it off, for A/B runs).
   */
  static final boolean ENABLED =
      !"false".equals(System.getProperty("smolscale.debug.measureRuns", "true"));

  /** A run must sleep at least this long to count (a tick of the balancer, by default). */
  static final long MIN_SLEEP_NANOS = 1_000_000L;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** The thread's schedstat file; null once it could not be read (then only CPU time). */
  private @Nullable String schedstat;
  private final byte[] buf = new byte[96];
  /** The open schedstat file (see {@link #readSchedstat}); null until the first read. */
  private @Nullable RandomAccessFile file;
  /** The last {@link #readSchedstat}: CPU time, time waiting for a core. */
  private long readA;
  private long readB;
  private long wall0;
  private long cpu0;
  private long queued0;
  private long gc0;
  /** Whether the start readings are usable, and where they came from. */
  private boolean started;
  private boolean fromSchedstat;

  /**
   * Creates the meter of one worker thread.
   *
   * @param tid the thread's kernel id, or -1 (then only the CPU time is read)
   */
  RunMeter(int tid) {
    this.schedstat = tid < 0 ? null : "/proc/self/task/" + tid + "/schedstat";
  }

  /** Takes the readings before a run; the calling thread must be the worker's. */
  void start() {
    String p = schedstat;
    fromSchedstat = p != null && readSchedstat(p);
    if (p != null && !fromSchedstat) {
      schedstat = null; // not readable here: do not pay for the failure on every run
    }
    if (fromSchedstat) {
      cpu0 = readA;
      queued0 = readB;
    } else {
      cpu0 = threadCpu();
      queued0 = 0;
    }
    gc0 = JvmClocks.gcCount();
    wall0 = System.nanoTime();
    started = cpu0 >= 0;
  }

  /**
   * Takes the readings after the run begun by {@link #start}.
   *
   * @return whether the run slept through (see the class comment)
   */
  boolean sleptThrough() {
    long wall = System.nanoTime() - wall0;
    if (!started || wall < MIN_SLEEP_NANOS) {
      return false; // cheap way out: too short to have slept a millisecond
    }
    long cpu;
    long queued;
    if (fromSchedstat) {
      String p = schedstat;
      if (p == null || !readSchedstat(p)) {
        return false;
      }
      cpu = readA - cpu0;
      queued = readB - queued0;
    } else {
      long c = threadCpu();
      if (c < 0) {
        return false;
      }
      cpu = c - cpu0;
      queued = 0;
    }
    return JvmClocks.gcCount() == gc0 && sleptThrough(wall, cpu, queued);
  }

  /**
   * The rule itself, a pure function for {@code RunMeterTest}.
   *
   * @param wallNanos the run's wall time
   * @param cpuNanos the thread's CPU time during it
   * @param queuedNanos its time runnable, waiting for a core, during it
   * @return true if it slept for at least {@value #MIN_SLEEP_NANOS} ns and three quarters of its
   *     wall time
   */
  static boolean sleptThrough(long wallNanos, long cpuNanos, long queuedNanos) {
    long slept = wallNanos - Math.max(0, cpuNanos) - Math.max(0, queuedNanos);
    return slept >= MIN_SLEEP_NANOS && 4 * slept >= 3 * wallNanos;
  }

  private static long threadCpu() {
    try {
      return THREADS.getCurrentThreadCpuTime();
    } catch (UnsupportedOperationException e) {
      return -1;
    }
  }

  /**
   * Reads {@code schedstat}: "cpu-ns runqueue-wait-ns timeslices", into this meter's buffer,
   * through a {@link RandomAccessFile} kept open for the worker's life: a seek to 0 and a read
   * (procfs makes the text afresh on every read from the start), not an open, a read and a close
   * each time (13 µs a read on the 2-core VM, JMH {@code MonitorSampling}). Not an NIO channel:
   * an interrupt left by a task would close it. On any failure the file is closed and this
   * worker measures by CPU time from then on.
   *
   * @return whether {@link #readA} and {@link #readB} hold the first two numbers
   */
  private boolean readSchedstat(String p) {
    int n;
    try {
      RandomAccessFile f = file;
      if (f == null) {
        f = new RandomAccessFile(p, "r");
        file = f;
      }
      f.seek(0);
      n = f.read(buf);
    } catch (IOException | RuntimeException e) { // no such file, a thread that ended
      close();
      return false;
    }
    int i = 0;
    long a = 0;
    long b = 0;
    int digits = 0;
    for (; i < n && buf[i] >= '0' && buf[i] <= '9'; i++, digits++) {
      a = 10 * a + (buf[i] - '0');
    }
    if (digits == 0 || i >= n || buf[i] != ' ') {
      return false;
    }
    digits = 0;
    for (i++; i < n && buf[i] >= '0' && buf[i] <= '9'; i++, digits++) {
      b = 10 * b + (buf[i] - '0');
    }
    if (digits == 0) {
      return false;
    }
    readA = a;
    readB = b;
    return true;
  }

  /** Closes the schedstat file, if open; the worker's thread calls it when it exits. */
  void close() {
    RandomAccessFile f = file;
    file = null;
    if (f != null) {
      try {
        f.close();
      } catch (IOException e) {
        // nothing to do: the descriptor is released either way
      }
    }
  }
}
