package io.smolscale.impl;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * The JVM's clocks the monitor reads: a thread's CPU time ({@link ThreadMXBean}) for the
 * system-call verdict, and the collection count, which tells it that the JVM stopped every thread
 * since the last tick (see {@link StallDetector}). Kept here so that the decision table stays free
 * of {@code java.management} and is tested with injected clocks.
 *
 * <p>Cost, read only for workers stalled in a task with their thread RUNNABLE: {@code
 * getThreadCpuTime} is a {@code clock_gettime} on the thread's CPU clock on Linux, after the VM
 * finds the thread by id (a walk of the thread list); the collection count is one read per
 * collector per tick.
 */
final class JvmClocks {
  private JvmClocks() {}

  private static final List<GarbageCollectorMXBean> COLLECTORS =
      ManagementFactory.getGarbageCollectorMXBeans();

  /**
   * The CPU clock, or {@link StallDetector#NO_CPU_CLOCK} if this JVM cannot measure thread CPU
   * time (then only thread states give verdicts, as before).
   *
   * @return the clock
   */
  static StallDetector.CpuClock cpuClock() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    if (!mx.isThreadCpuTimeSupported() || !mx.isThreadCpuTimeEnabled()) {
      return StallDetector.NO_CPU_CLOCK;
    }
    return new StallDetector.CpuClock() {
      @Override
      public long cpuNanos(Thread t) {
        return JvmClocks.cpuNanos(mx, t);
      }

      @Override
      public boolean asleep(int tid) {
        return JvmClocks.asleep(tid);
      }
    };
  }

  private static final boolean PROCFS = Files.isDirectory(Paths.get("/proc/self/task"));

  /**
   * The calling thread's kernel id, from the {@code /proc/thread-self} link ({@code
   * <pid>/task/<tid>}, Linux 3.17+): one system call per worker start.
   *
   * @return the id, or -1 where there is no such link
   */
  static int currentTid() {
    if (!PROCFS) {
      return -1;
    }
    try {
      String link = Files.readSymbolicLink(Paths.get("/proc/thread-self")).toString();
      return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
    } catch (Exception e) { // no link, not a number, a security manager: no guard
      return -1;
    }
  }

  /**
   * Whether the kernel has the thread asleep: the state letter of {@code /proc/self/task/<tid>/stat}
   * (after the parenthesised name) is not {@code R}.
   *
   * @param tid the kernel id, or -1
   * @return false only when the kernel says runnable
   */
  static boolean asleep(int tid) {
    if (tid < 0) {
      return true;
    }
    try {
      Path stat = Paths.get("/proc/self/task/" + tid + "/stat");
      String s = new String(Files.readAllBytes(stat), StandardCharsets.US_ASCII);
      int close = s.lastIndexOf(')');
      return close < 0 || close + 2 >= s.length() || s.charAt(close + 2) != 'R';
    } catch (Exception e) { // the thread ended, or no procfs: cannot tell
      return true;
    }
  }

  @SuppressWarnings("deprecation") // Thread.getId: threadId() exists only from JDK 19
  private static long cpuNanos(ThreadMXBean mx, Thread t) {
    try {
      return mx.getThreadCpuTime(t.getId());
    } catch (UnsupportedOperationException e) {
      return -1L;
    }
  }

  /**
   * Collections so far, over every collector (a collector that cannot tell counts as none).
   *
   * @return the count
   */
  static long gcCount() {
    long n = 0;
    for (GarbageCollectorMXBean gc : COLLECTORS) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }
}
