package io.smolscale.jmh.report;

import io.smolscale.jmh.BlockingThroughput;
import io.smolscale.jmh.CpuTimeProfiler;
import io.smolscale.jmh.harness.ForkJvm;
import java.io.File;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs one benchmark on one executor through JMH's Java API and turns its results into a {@link
 * Measurement}. One JMH run per pair, so that the report can show progress and go on past a
 * failure; every run fails on error, so a benchmark whose self-check fails is a failure, never
 * a score.
 */
final class BenchRunner {

  /**
   * How long and how often to measure.
   *
   * @param name the preset's name
   * @param forks forked JVMs per pair (0 = in this JVM, for the smoke run)
   * @param warmups warm-up iterations
   * @param warmupTime each warm-up iteration
   * @param iterations measured iterations
   * @param iterationTime each measured iteration
   * @param idleQuietMillis the idle benchmark's quiet period
   * @param idleWindowMillis the idle benchmark's window
   * @param retainedForks forks of the retained benchmarks, one measurement each (ignored when
   *     {@code forks} is 0: then one measurement in this JVM)
   * @param retainedTasks tasks queued per measurement of the retained benchmarks
   * @param burstIterations measured bursts of the blocking burst benchmarks, after {@link
   *     #BURST_WARMUPS} warm-up bursts (none in the smoke run)
   * @param burstTasks tasks per burst of the blocking burst benchmarks
   * @param loopClients client threads of the blocking closed loops
   * @param profilers whether to attach the CPU and GC profilers
   * @param jvmArgs extra JVM arguments for the forks (e.g. {@code -Dsmolscale.x=y})
   */
  record Settings(
      String name,
      int forks,
      int warmups,
      TimeValue warmupTime,
      int iterations,
      TimeValue iterationTime,
      long idleQuietMillis,
      long idleWindowMillis,
      int retainedForks,
      int retainedTasks,
      int burstIterations,
      int burstTasks,
      int loopClients,
      boolean profilers,
      List<String> jvmArgs) {

    static Settings smoke() {
      return new Settings("smoke", 0, 0, TimeValue.milliseconds(50), 1,
          TimeValue.milliseconds(100), 100, 100, 0, 10_000, 1, 50, 8, true, List.of());
    }

    static Settings standard() {
      return new Settings("default", 1, 3, TimeValue.milliseconds(500), 5,
          TimeValue.milliseconds(500), 4000, 1000, 3, 100_000, 3, 1000,
          BlockingThroughput.CLIENTS, true, List.of());
    }

    static Settings precise() {
      return new Settings("long", 2, 5, TimeValue.seconds(1), 8, TimeValue.seconds(1), 4000, 2000,
          5, 100_000, 5, 1000, BlockingThroughput.CLIENTS, true, List.of());
    }

    static Settings regression() {
      // Short runs (2 x 300 ms) flagged five "regressions" on identical code on a quiet 2-core
      // machine; these are long enough for the ratios to settle.
      return new Settings("regression", 1, 3, TimeValue.seconds(1), 5,
          TimeValue.seconds(1), 4000, 1000, 3, 100_000, 3, 1000, BlockingThroughput.CLIENTS,
          true, List.of());
    }

    Settings withJvmArgs(List<String> args) {
      List<String> all = new ArrayList<>(jvmArgs);
      all.addAll(args);
      return new Settings(name, forks, warmups, warmupTime, iterations, iterationTime,
          idleQuietMillis, idleWindowMillis, retainedForks, retainedTasks, burstIterations,
          burstTasks, loopClients, profilers, List.copyOf(all));
    }

    String describe() {
      return (forks == 0 ? "in-process" : forks + " fork(s)") + ", " + warmups + " x "
          + warmupTime + " warm-up, " + iterations + " x " + iterationTime + " measured";
    }
  }

  /**
   * Warm-up bursts of the blocking burst benchmarks: the first two bursts of a fresh JVM took
   * 2-5x the later ones (virtual threads on JDK 25: 124, 102, then 23 and 16 ms).
   */
  static final int BURST_WARMUPS = 2;

  private BenchRunner() {}

  /**
   * Runs one pair.
   *
   * @param suite the benchmark
   * @param executor the executor's parameter value
   * @param s the settings
   * @param log where JMH's own output goes, or null to discard it
   * @return the measurement (a failed one if JMH reported an error)
   */
  static Measurement run(Suite suite, String executor, Settings s, File log) {
    boolean retained = isRetained(suite);
    int forks = s.forks();
    if (forks == 0
        && (suite.name().equals("context_switch_busy") || suite.name().equals("blocking")
            || isClosedLoop(suite))) {
      // These leave work behind on the pools that starve them (a chain of yielders; blocking's
      // feeder, whose trial tear-down JMH skips when the benchmark fails; a closed loop's clients
      // and their tasks), and JMH keeps a failed benchmark's state: never run them in the
      // runner's own JVM. Seen on JDK 25: the common pool's starved blocking run kept its feeder
      // going, and every later run in the JVM starved or failed; the closed loops, in one JVM
      // after a closed sleep loop on the common pool, starved 1 run in 2 on the common pool's
      // socket loop, and then every later socket loop starved, smolscale's included (CI, stop
      // 20). In a JVM of its own each pair completes.
      forks = 1;
    } else if (forks > 0 && retained) {
      // One measurement per fresh JVM: queue arrays keep their capacity once grown (see Retained).
      forks = s.retainedForks();
    }
    List<String> jvmArgs = new ArrayList<>();
    // First, so that a --jvmArg -Xmx... overrides them. Options set here replace the
    // annotations' jvmArgsAppend, so the heap options are repeated (ForkJvm says why).
    if (retained) {
      jvmArgs.add("-Xmx2g");
    } else {
      jvmArgs.addAll(ForkJvm.args());
    }
    jvmArgs.addAll(s.jvmArgs());
    ChainedOptionsBuilder o =
        new OptionsBuilder()
            .include(suite.include())
            .param("executor", executor)
            .forks(forks)
            .warmupForks(0)
            // The closed loops' clients are JMH threads (8 in the smoke run: with 64, a request
            // waits 320 ms on a 1-worker pool); everything else has one benchmark thread.
            .threads(isClosedLoop(suite) ? s.loopClients() : 1)
            .shouldFailOnError(true)
            .verbosity(VerboseMode.NORMAL);
    if (suite.name().equals("idle")) {
      // Single-shot: one operation is burst + quiet + window; the settings' times do not apply.
      o.warmupIterations(0)
          .measurementIterations(1)
          .param("quietMillis", Long.toString(s.idleQuietMillis()))
          .param("windowMillis", Long.toString(s.idleWindowMillis()));
    } else if (isBurst(suite)) {
      // Single-shot: one burst per iteration; the first two are warm-ups (the threads a pool
      // starts for its first burst, the JIT), the threads-started figures cover the second and
      // later bursts (see BlockingThroughput.Burst).
      o.warmupIterations(s.forks() == 0 ? 0 : BURST_WARMUPS)
          .measurementIterations(s.burstIterations())
          .param("tasks", Integer.toString(s.burstTasks()));
    } else if (retained) {
      // Single-shot: one measurement per fork (or one in this JVM for the smoke run).
      o.warmupIterations(0)
          .measurementIterations(1)
          .param("tasks", Integer.toString(s.retainedTasks()));
    } else {
      o.warmupIterations(s.warmups())
          .warmupTime(s.warmupTime())
          .measurementIterations(s.iterations())
          .measurementTime(s.iterationTime());
    }
    // The profilers measure nothing useful in a single shot of collections and a spin-wait, and
    // the gc profiler's listeners would only add noise to the heap readings.
    if (s.profilers() && !retained) {
      o.addProfiler(CpuTimeProfiler.class);
      if (s.forks() > 0) {
        // gc.alloc.rate.norm is only trustworthy in a fresh JVM.
        o.addProfiler(GCProfiler.class);
      }
    }
    if (!jvmArgs.isEmpty()) {
      o.jvmArgsAppend(jvmArgs.toArray(new String[0]));
    }
    if (log != null) {
      o.output(log.getPath());
    }
    Collection<RunResult> results;
    try {
      results = new Runner(o.build()).run();
    } catch (RunnerException | RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      return Measurement.failed(
          suite.name(), executor, oneLine(firstError(log, String.valueOf(root))));
    }
    if (results.isEmpty()) {
      return Measurement.failed(suite.name(), executor, "no result (see the log)");
    }
    RunResult r = results.iterator().next();
    Result<?> primary = r.getPrimaryResult();
    @SuppressWarnings("rawtypes")
    Map<String, Result> secondary = r.getSecondaryResults();
    Map<String, Double> extra = new LinkedHashMap<>();
    double score = primary.getScore();
    double error = primary.getScoreError();
    if (suite.name().equals("blocking")) {
      Statistics st = primary.getStatistics();
      extra.put("p50", st.getPercentile(50));
      extra.put("p99", st.getPercentile(99));
      extra.put("max", st.getMax());
    }
    for (String k : List.of("idleCpuMsPerSec", "idleThreads", "rtt_p50_us", "rtt_p99_us",
        Markdown.THREADS_PER_TASK, Markdown.FIRST_BURST_THREADS, Markdown.SERVER_UTIL,
        Markdown.SERVER_LATE)) {
      if (secondary.containsKey(k)) {
        extra.put(k, secondary.get(k).getScore());
      }
    }
    // partial_load: CPU per message without the pacer thread (CpuTimeProfiler, IterationResults).
    if (secondary.containsKey("cpu.time.exclPacer/op")) {
      extra.put(Markdown.CPU_EXCL_PACER, secondary.get("cpu.time.exclPacer/op").getScore());
    }
    if (retained) {
      retainedExtras(r, extra);
    }
    if (isBurst(suite)) {
      // The target is on every later burst: the worst one (a running maximum kept by the
      // benchmark from the second burst on, warm-ups included), besides the mean.
      double max = maxOverIterations(r, Markdown.THREADS_PER_TASK_MAX);
      if (!Double.isNaN(max)) {
        extra.put(Markdown.THREADS_PER_TASK_MAX, max);
      }
    }
    Result<?> cpuUtil = secondary.get("cpu.util");
    if (cpuUtil != null) {
      extra.put("cpuUtil", cpuUtil.getScore());
    }
    return new Measurement(
        suite.name(),
        executor,
        score,
        error,
        primary.getScoreUnit(),
        value(secondary, "cpu.time/op"),
        value(secondary, "gc.alloc.rate.norm"),
        extra,
        null);
  }

  /** The retained benchmarks: single shot, one measurement per fork, bytes per queued task. */
  static boolean isRetained(Suite suite) {
    return suite.name().startsWith("retained_");
  }

  /** The blocking burst benchmarks: single shot, one burst per iteration. */
  static boolean isBurst(Suite suite) {
    return suite.name().startsWith("blocking_burst_");
  }

  /** The blocking closed loops: {@link BlockingThroughput#CLIENTS} JMH threads. */
  static boolean isClosedLoop(Suite suite) {
    return suite.name().startsWith("blocking_loop_");
  }

  /** The largest value of a secondary result over the measured iterations, NaN if none. */
  private static double maxOverIterations(RunResult r, String key) {
    double max = Double.NaN;
    for (BenchmarkResult br : r.getBenchmarkResults()) {
      for (IterationResult ir : br.getIterationResults()) {
        Result<?> v = ir.getSecondaryResults().get(key);
        if (v != null && (Double.isNaN(max) || v.getScore() > max)) {
          max = v.getScore();
        }
      }
    }
    return max;
  }

  /**
   * The retained benchmarks' result from each measurement: JMH sums {@code EVENTS} counters over
   * iterations and forks, so its aggregate is not the per-task figure; the mean, min and max of
   * the per-fork values are.
   */
  private static void retainedExtras(RunResult r, Map<String, Double> extra) {
    String key = "retainedBytesPerTask";
    List<Double> values = new ArrayList<>();
    for (BenchmarkResult br : r.getBenchmarkResults()) {
      for (IterationResult ir : br.getIterationResults()) {
        Result<?> v = ir.getSecondaryResults().get(key);
        if (v != null) {
          values.add(v.getScore());
        }
      }
    }
    if (values.isEmpty()) {
      return;
    }
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    extra.put(key, sum / values.size());
    extra.put("retainedMin", min);
    extra.put("retainedMax", max);
    extra.put("retainedShots", (double) values.size());
  }

  @SuppressWarnings("rawtypes")
  private static double value(Map<String, Result> secondary, String key) {
    Result<?> r = secondary.get(key);
    return r == null ? Double.NaN : r.getScore();
  }

  /** The benchmark's own exception, from JMH's log, is more telling than the runner's. */
  private static String firstError(File log, String fallback) {
    if (log == null || !log.isFile()) {
      return fallback;
    }
    try {
      for (String line : java.nio.file.Files.readAllLines(log.toPath())) {
        String t = line.trim();
        if (t.matches("^([a-z]+\\.)+[A-Za-z]*(Exception|Error)\\b.*")) {
          return t;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return fallback;
    }
    return fallback;
  }

  private static String oneLine(String s) {
    String t = s.replace('\n', ' ').replace('\r', ' ').replace('|', '/');
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }
}
