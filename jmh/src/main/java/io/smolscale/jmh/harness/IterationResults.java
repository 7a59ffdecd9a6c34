package io.smolscale.jmh.harness;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Secondary results a benchmark hands to {@code CpuTimeProfiler} for the current iteration: the
 * CPU time of a thread to leave out of the CPU per operation (the partial-load pacer), and named
 * values (the round-trip percentiles).
 *
 * <p>Why a static hand-over: JMH's {@code @AuxCounters} are per-operation rates or per-iteration
 * sums, neither of which is a percentile or a CPU figure that needs the process CPU of the same
 * window; the profiler reads the process CPU around each iteration anyway. Protocol: the profiler
 * calls {@link #begin()} before the iteration (on the runner's thread); the benchmark's
 * {@code @Setup}/{@code @TearDown(Level.Iteration)} methods, which JMH runs inside that window,
 * call {@link #excludeCpu} and {@link #put}; the profiler calls {@link #drain()} after the
 * iteration. Synchronized: the three run on different threads, once per iteration.
 */
public final class IterationResults {
  private static long excludedCpuNanos = -1;
  private static final Map<String, Double> VALUES = new LinkedHashMap<>();
  private static final Map<String, String> UNITS = new LinkedHashMap<>();

  private IterationResults() {}

  /** Starts an iteration: forgets the previous one's results. */
  public static synchronized void begin() {
    excludedCpuNanos = -1;
    VALUES.clear();
    UNITS.clear();
  }

  /**
   * Leaves a thread's CPU time out of this iteration's CPU per operation (adds up if called more
   * than once).
   *
   * @param nanos CPU nanoseconds to subtract from the process CPU time
   */
  public static synchronized void excludeCpu(long nanos) {
    excludedCpuNanos = Math.max(0, excludedCpuNanos) + nanos;
  }

  /**
   * Records a named value of this iteration.
   *
   * @param name the secondary result's name
   * @param value its value
   * @param unit its unit
   */
  public static synchronized void put(String name, double value, String unit) {
    VALUES.put(name, value);
    UNITS.put(name, unit);
  }

  /** What one iteration handed over. */
  public static final class Drained {
    /** CPU nanoseconds to exclude, or -1 if the benchmark excluded none. */
    public final long excludedCpuNanos;
    /** The named values, in the order recorded. */
    public final Map<String, Double> values;
    /** The unit of each value. */
    public final Map<String, String> units;

    Drained(long excludedCpuNanos, Map<String, Double> values, Map<String, String> units) {
      this.excludedCpuNanos = excludedCpuNanos;
      this.values = values;
      this.units = units;
    }
  }

  /**
   * Ends an iteration.
   *
   * @return what the benchmark handed over since {@link #begin()}
   */
  public static synchronized Drained drain() {
    Drained d = new Drained(excludedCpuNanos, new LinkedHashMap<>(VALUES), new LinkedHashMap<>(UNITS));
    begin();
    return d;
  }
}
