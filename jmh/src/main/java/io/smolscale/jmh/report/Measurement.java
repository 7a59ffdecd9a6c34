package io.smolscale.jmh.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one benchmark measured on one executor: the unit of the report and of the baseline.
 *
 * @param benchmark the benchmark's short name ({@code ping_pong})
 * @param executor the executor's parameter value ({@code smolscale})
 * @param score the primary score (for sample-time benchmarks, the mean)
 * @param error the score's 99.9% confidence half-width, NaN when unknown
 * @param unit the score's unit
 * @param cpuNsPerOp process CPU nanoseconds per operation, NaN when not measured
 * @param allocBytesPerOp bytes allocated per operation (JMH's gc profiler), NaN when not measured
 * @param extra further named values (latency percentiles, idle counters)
 * @param failure the error message if the run failed or was skipped, else null
 */
public record Measurement(
    String benchmark,
    String executor,
    double score,
    double error,
    String unit,
    double cpuNsPerOp,
    double allocBytesPerOp,
    Map<String, Double> extra,
    String failure) {

  /**
   * A failed or skipped run.
   *
   * @param benchmark the benchmark
   * @param executor the executor
   * @param why the reason
   * @return the measurement
   */
  public static Measurement failed(String benchmark, String executor, String why) {
    return new Measurement(
        benchmark, executor, Double.NaN, Double.NaN, "", Double.NaN, Double.NaN,
        new LinkedHashMap<>(), why);
  }

  /**
   * Tells whether the run produced numbers.
   *
   * @return true if it did not fail
   */
  public boolean ok() {
    return failure == null;
  }

  /**
   * Tells whether the run failed by making no progress within the harness timeout (an executor
   * that starves the benchmark), as opposed to a wrong result or an exception.
   *
   * @return true if starved
   */
  public boolean starved() {
    return failure != null && failure.contains("did not complete within");
  }
}
