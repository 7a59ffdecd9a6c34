package io.smolscale.jmh;

import io.smolscale.jmh.harness.IterationResults;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Process CPU time per operation: the original's central claim is about CPU, not only time.
 *
 * <p>Use it as {@code -prof io.smolscale.jmh.CpuTimeProfiler}. Around each iteration it reads the
 * process CPU time ({@code com.sun.management.OperatingSystemMXBean#getProcessCpuTime}, every
 * thread of the forked JVM: workers, the benchmark thread, JIT and GC) and wall time, and reports
 *
 * <ul>
 *   <li>{@code cpu.time/op}: CPU nanoseconds per operation (averaged over iterations), with the
 *       operation count of the whole iteration ({@code allOps}, which includes the few operations
 *       JMH runs outside the measured window, as the CPU reading does);
 *   <li>{@code cpu.util}: CPU time / wall time, in cores (2.0 = both cores busy all the time);
 *   <li>{@code cpu.time.exclPacer/op}: only for a benchmark that hands a thread's CPU time to
 *       {@link IterationResults#excludeCpu} (partial_load, its pacer): the same with that time
 *       subtracted;
 *   <li>any value the benchmark hands to {@link IterationResults#put} during the iteration
 *       (partial_load's round-trip percentiles), averaged over iterations.
 * </ul>
 *
 * <p>The JIT and GC share is the same for every executor of a benchmark once warmed up, so the
 * differences between executors are the schedulers'. Spinning and scanning idle workers show up
 * here and nowhere in the time score, which is why the report prints both.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long cpuStart;
  private long wallStart;

  /** Creates the profiler (JMH instantiates it by name). */
  public CpuTimeProfiler() {}

  @Override
  public String getDescription() {
    return "process CPU time per operation (all threads), and CPU utilisation in cores";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    IterationResults.begin();
    wallStart = System.nanoTime();
    cpuStart = os.getProcessCpuTime();
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpu = os.getProcessCpuTime() - cpuStart;
    long wall = System.nanoTime() - wallStart;
    long ops = result.getMetadata().getAllOps();
    if (ops <= 0) {
      ops = Math.max(1, result.getMetadata().getMeasuredOps());
    }
    List<Result> out = new ArrayList<>();
    out.add(new ScalarResult("cpu.time/op", (double) cpu / ops, "ns/op", AggregationPolicy.AVG));
    out.add(new ScalarResult(
        "cpu.util", (double) cpu / Math.max(1, wall), "cores", AggregationPolicy.AVG));
    IterationResults.Drained d = IterationResults.drain();
    if (d.excludedCpuNanos >= 0) {
      out.add(new ScalarResult("cpu.time.exclPacer/op", (double) (cpu - d.excludedCpuNanos) / ops,
          "ns/op", AggregationPolicy.AVG));
    }
    for (Map.Entry<String, Double> e : d.values.entrySet()) {
      out.add(new ScalarResult(e.getKey(), e.getValue(), d.units.get(e.getKey()),
          AggregationPolicy.AVG));
    }
    return out;
  }
}
