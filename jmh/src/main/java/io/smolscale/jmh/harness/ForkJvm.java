package io.smolscale.jmh.harness;

import java.util.List;

/**
 * The heap options of every timed fork: a fixed 2 GiB heap, backed by transparent huge pages
 * and touched before the benchmark starts. The same for every executor, so they change no
 * comparison; they remove a mode that had nothing to do with scheduling.
 *
 * <p><b>Why.</b> On the 2-core development VM the kernel backs fresh memory slowly: the first
 * touch of a page costs a fault that the hypervisor makes expensive (pre-touching 1 GiB of 4 KiB
 * pages takes 2.1 s, with huge pages 0.5 s). A JVM started with the default heap grows it while
 * the benchmark allocates, and every operation that runs on freshly committed memory pays those
 * faults. Measured (JDK 17, Savina {@code fj_create}, 40,000 actors per operation, two-second
 * windows of half-second samples in one JVM): 29-35 ms per operation until the heap stopped
 * growing, then 5-6 ms, for ForkJoinPool with one worker, the common pool and smolscale alike;
 * with {@code -Xms2g -Xmx2g} but no pre-touch the slow phase lasted 5 s instead of 2.5 s; with
 * {@code -XX:+AlwaysPreTouch} it was gone. In a JMH fork of 3 warm-up and 5 measured
 * one-second iterations that phase fell into the measurement or not, so one executor's row read
 * 15,500 ± 15,600 µs/op and the ratio between executors was a coin toss (the report's
 * "bimodal" rows in spec/PERFORMANCE.md). Pre-touching a heap to take page faults out of a
 * measurement is the usual JMH advice; huge pages keep it to half a second per fork.
 *
 * <p>{@code UseTransparentHugePages} needs {@code madvise} or {@code always} in {@code
 * /sys/kernel/mm/transparent_hugepage/enabled}; where the kernel has none the JVM prints a
 * warning and runs with small pages. A {@code --jvmArg} of the report (or JMH's {@code
 * -jvmArgsAppend}) given after these overrides them: the JVM takes the last of each.
 *
 * <p>Not used by {@code Retained}, which measures the heap itself and sets its own maximum.
 */
public final class ForkJvm {
  /** The initial heap: as large as the maximum, so that it never grows during a run. */
  public static final String XMS = "-Xms2g";

  /** The maximum heap, the same as {@code Retained}'s, the suite's largest. */
  public static final String XMX = "-Xmx2g";

  /** Back the heap with huge pages where the kernel allows it (fewer, cheaper faults). */
  public static final String THP = "-XX:+UseTransparentHugePages";

  /** Touch every heap page at start-up, before the first iteration. */
  public static final String PRETOUCH = "-XX:+AlwaysPreTouch";

  private ForkJvm() {}

  /**
   * The options, in the order the annotations give them.
   *
   * @return {@link #XMS}, {@link #XMX}, {@link #THP}, {@link #PRETOUCH}
   */
  public static List<String> args() {
    return List.of(XMS, XMX, THP, PRETOUCH);
  }
}
