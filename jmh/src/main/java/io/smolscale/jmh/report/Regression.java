package io.smolscale.jmh.report;

import io.smolscale.jmh.harness.ExecutorKind;
import io.smolscale.jmh.harness.PlantedDelay;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The regression harness: smolscale's cost as a ratio to a peer measured in the same run,
 * compared with a committed baseline.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar io.smolscale.jmh.report.Regression [options]
 *   --baseline FILE      the baseline (default jmh/baseline.json)
 *   --tolerance T        allowed worsening of a ratio, as a fraction (default 2.0: the ratio may triple)
 *   --update-baseline    measure and write the baseline instead of checking
 *   --selftest           prove detection: measure clean ratios, then measure again with a planted
 *                        slowdown (-Dsmolscale.debug.workerDelayNanos=N in smolscale's forks: the
 *                        harness's PlantedDelay busy-waits N ns after each task) and require the
 *                        check to fail; exits 0 only if the slowdown was caught
 *   --delay-nanos N      the planted busy delay per task for --selftest (default 20000)
 *   --benchmarks a,b     a subset (default: the original suite, the actor and CompletableFuture
 *                        workloads, and partial_load; the blocking_* ones only when named here,
 *                        against cachedPool)
 *   --jvmArg ARG         an extra argument for every forked JVM (repeatable)
 * </pre>
 *
 * <p>Why ratios: absolute times move with the machine, the JDK and the neighbours' load; a peer
 * measured in the same run on the same machine moves with them, so smolscale / peer is a
 * quantity that can be compared across runs and machines. The reference is the dedicated
 * ForkJoinPool ({@code fjpAsync}), except for context_switch_busy, which ForkJoinPool starves, where
 * it is the fixed thread pool. A benchmark regresses when its ratio exceeds baseline x (1 +
 * tolerance); the exit status is then 1.
 */
public final class Regression {
  private Regression() {}

  /**
   * The reference peer of a benchmark: the thread pool for context_switch_busy (ForkJoinPool
   * starves it), the cached pool for the blocking throughput benchmarks (a ForkJoinPool's time
   * there is its worker count, no reference for a pool that grows), otherwise fjpAsync.
   */
  static String referenceFor(String benchmark) {
    if (benchmark.equals("context_switch_busy")) {
      return ExecutorKind.THREAD_POOL.param;
    }
    return benchmark.startsWith("blocking_")
        ? ExecutorKind.CACHED_POOL.param
        : ExecutorKind.FJP_ASYNC.param;
  }

  /**
   * The default selection: every benchmark ranked by time or CPU, except the blocking throughput
   * ones. Those are not in the baseline: smolscale's blocking path is being built (issue 15) and
   * its ratios move by orders of magnitude; name them with {@code --benchmarks} to see their
   * ratios to cachedPool ("no baseline" rows) until a baseline is recorded for them.
   */
  static boolean byDefault(Suite s) {
    return (s.metric().equals("time") || s.metric().equals("cpu"))
        && !s.name().startsWith("blocking_");
  }

  /**
   * Runs the harness.
   *
   * @param args see the class comment
   * @throws IOException if the baseline cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    File baseline = new File("jmh/baseline.json");
    double tolerance = 2.0;
    boolean update = false;
    boolean selftest = false;
    long delayNanos = 20_000;
    List<Suite> suites = new ArrayList<>();
    for (Suite s : Suite.ALL) {
      if (byDefault(s)) {
        suites.add(s);
      }
    }
    List<String> jvmArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--baseline":
          baseline = new File(args[++i]);
          break;
        case "--tolerance":
          tolerance = Double.parseDouble(args[++i]);
          break;
        case "--update-baseline":
          update = true;
          break;
        case "--selftest":
          selftest = true;
          break;
        case "--delay-nanos":
          delayNanos = Long.parseLong(args[++i]);
          break;
        case "--benchmarks":
          suites.clear();
          for (String n : args[++i].split(",")) {
            suites.add(Suite.named(n.trim()));
          }
          break;
        case "--jvmArg":
          jvmArgs.add(args[++i]);
          break;
        default:
          System.err.println("unknown option " + args[i]
              + "; see the class comment of io.smolscale.jmh.report.Regression");
          System.exit(2);
      }
    }
    String timeout = System.getProperty("smolscale.jmh.timeoutSeconds", "10");
    jvmArgs.add(0, "-Dsmolscale.jmh.timeoutSeconds=" + timeout);
    BenchRunner.Settings settings = BenchRunner.Settings.regression().withJvmArgs(jvmArgs);
    File logs = Files.createTempDirectory("smolscale-regression").toFile();

    if (selftest) {
      System.out.println("== self-test, step 1: clean ratios");
      Map<String, Double> clean = ratios(suites, settings, settings, logs);
      String plant = "-D" + PlantedDelay.PROPERTY + "=" + delayNanos;
      System.out.println("== self-test, step 2: smolscale with " + plant
          + " (references unchanged)");
      BenchRunner.Settings slowed = settings.withJvmArgs(List.of(plant));
      Map<String, Double> planted = ratios(suites, slowed, settings, logs);
      int regressions = compare(clean, planted, tolerance);
      if (regressions > 0) {
        System.out.println("SELF-TEST PASSED: the planted slowdown was detected in " + regressions
            + " benchmark(s)");
        return;
      }
      System.out.println("SELF-TEST FAILED: the planted slowdown was not detected (does"
          + " ExecutorKind.SMOLSCALE still wrap its executor in harness.PlantedDelay?)");
      System.exit(1);
    }

    Map<String, Double> now = ratios(suites, settings, settings, logs);
    if (update) {
      Map<String, String> header = new LinkedHashMap<>();
      header.put("note", "smolscale metric / reference metric per benchmark; reference is fjpAsync,"
          + " threadPool for context_switch_busy, cachedPool for blocking_*; partial_load compares"
          + " CPU per message");
      header.put("jdk", Runtime.version().toString());
      header.put("cores", Integer.toString(ExecutorKind.cores()));
      header.put("date", ZonedDateTime.now().toString());
      header.put("settings", settings.describe());
      Json.writeBaseline(baseline, ExecutorKind.FJP_ASYNC.param, header, now);
      System.out.println("baseline written to " + baseline.getAbsolutePath());
      return;
    }
    if (!baseline.isFile()) {
      System.out.println("no baseline at " + baseline.getAbsolutePath()
          + "; create it with --update-baseline");
      System.exit(1);
    }
    int regressions = compare(Json.readRatios(baseline), now, tolerance);
    if (regressions > 0) {
      System.out.println("REGRESSION: " + regressions + " benchmark(s) worse than the baseline by"
          + " more than " + Math.round(tolerance * 100) + "%");
      System.exit(1);
    }
    System.out.println("no regression beyond " + Math.round(tolerance * 100) + "%");
  }

  /**
   * Measures smolscale and each benchmark's reference, and returns smolscale / reference.
   * A run that fails makes the whole harness fail: a regression check on a broken benchmark
   * proves nothing.
   */
  static Map<String, Double> ratios(List<Suite> suites, BenchRunner.Settings mine,
      BenchRunner.Settings reference, File logs) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Suite s : suites) {
      String ref = referenceFor(s.name());
      Measurement a = BenchRunner.run(s, ExecutorKind.SMOLSCALE.param, mine,
          new File(logs, s.name() + "-smolscale.txt"));
      Measurement b = BenchRunner.run(s, ref, reference, new File(logs, s.name() + "-" + ref + ".txt"));
      for (Measurement m : List.of(a, b)) {
        if (!m.ok()) {
          System.out.println(s.name() + " on " + m.executor() + " FAILED: " + m.failure()
              + " (logs in " + logs + ")");
          System.exit(1);
        }
      }
      double r = Markdown.metric(s, a) / Markdown.metric(s, b);
      System.out.printf(Locale.ROOT, "  %-28s smolscale %s, %s %s: ratio %.3f%n", s.name(),
          shown(s, a), ref, shown(s, b), r);
      out.put(s.name(), r);
    }
    return out;
  }

  /** The ranked metric as printed; a rate (ranked by its inverse) as the rate itself. */
  private static String shown(Suite s, Measurement m) {
    return s.metric().equals("throughput")
        ? Markdown.num(m.score()) + " " + m.unit()
        : Markdown.num(Markdown.metric(s, m));
  }

  /** Prints the comparison and counts the benchmarks whose ratio worsened beyond tolerance. */
  static int compare(Map<String, Double> base, Map<String, Double> now, double tolerance) {
    int bad = 0;
    System.out.printf(Locale.ROOT, "%n| benchmark | baseline ratio | this run | change | verdict |%n"
        + "|---|---:|---:|---:|---|%n");
    for (Map.Entry<String, Double> e : now.entrySet()) {
      Double b = base.get(e.getKey());
      if (b == null || b.isNaN()) {
        System.out.printf(Locale.ROOT, "| %s | - | %.3f | - | no baseline |%n", e.getKey(), e.getValue());
        continue;
      }
      double change = e.getValue() / b - 1;
      boolean regressed = e.getValue() > b * (1 + tolerance);
      bad += regressed ? 1 : 0;
      System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %+.0f%% | %s |%n", e.getKey(), b,
          e.getValue(), change * 100, regressed ? "REGRESSED" : "ok");
    }
    return bad;
  }
}
