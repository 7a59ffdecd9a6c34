package io.smolscale.jmh.report;

import io.smolscale.jmh.harness.ExecutorKind;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The comparison report: every benchmark on every executor, one command.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar io.smolscale.jmh.report.Report [options]
 *   --smoke              every pair once, ~100 ms, in this JVM (CI; timings not meaningful)
 *   --long               2 forks x 8 x 1 s per pair (precise; ~1.5 h on 2 cores)
 *                        default: 1 fork, 3 x 0.5 s warm-up, 5 x 0.5 s measured (~13 min)
 *   --out DIR            where report.md, results.json, the charts and logs/ go (default report)
 *   --benchmarks a,b     a subset, by short name (see Suite)
 *   --executors a,b      a subset of executors (each benchmark runs on those of them it lists:
 *                        the blocking pools smolscaleBlocking, cachedPool and kotlinIO only on
 *                        the blocking benchmarks, see Suite#executors)
 *   --jvmArg ARG         an extra argument for every forked JVM (repeatable)
 * </pre>
 *
 * <p>Exit status: 0 when every run completed and validated its result, 1 otherwise (the report
 * is written either way, with the failures in it). Virtual threads are left out, with a note,
 * when this JVM is older than 21: the forks run on the same JVM as this runner.
 */
public final class Report {
  private Report() {}

  /**
   * Runs the report.
   *
   * @param args see the class comment
   * @throws IOException if the output cannot be written
   */
  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    // An executor that starves a benchmark (see context_switch_busy) is cut off after this many
    // seconds instead of the harness default of 60; the smoke run sets it for itself too.
    String timeout = System.getProperty("smolscale.jmh.timeoutSeconds", "10");
    BenchRunner.Settings settings = BenchRunner.Settings.standard();
    File out = new File("report");
    List<Suite> suites = new ArrayList<>(Suite.ALL);
    List<String> executors = new ArrayList<>();
    for (ExecutorKind k : ExecutorKind.values()) {
      executors.add(k.param);
    }
    List<String> jvmArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke":
          settings = BenchRunner.Settings.smoke();
          timeout = System.getProperty("smolscale.jmh.timeoutSeconds", "5");
          // Timings are not gated, so another JMH run on the machine (JMH's lock file) must not
          // fail the build.
          System.setProperty("jmh.ignoreLock", "true");
          break;
        case "--long":
          settings = BenchRunner.Settings.precise();
          break;
        case "--out":
          out = new File(args[++i]);
          break;
        case "--benchmarks":
          suites.clear();
          for (String n : args[++i].split(",")) {
            suites.add(Suite.named(n.trim()));
          }
          break;
        case "--executors":
          executors = new ArrayList<>();
          for (String n : args[++i].split(",")) {
            executors.add(ExecutorKind.of(n.trim()).param);
          }
          break;
        case "--jvmArg":
          jvmArgs.add(args[++i]);
          break;
        case "-h":
        case "--help":
          System.out.println(
              "usage: Report [--smoke|--long] [--out DIR] [--benchmarks a,b] [--executors a,b]"
                  + " [--jvmArg ARG]...\nbenchmarks: " + Suite.names());
          return;
        default:
          System.err.println("unknown option " + args[i] + " (try --help)");
          System.exit(2);
      }
    }
    System.setProperty("smolscale.jmh.timeoutSeconds", timeout);
    jvmArgs.add(0, "-Dsmolscale.jmh.timeoutSeconds=" + timeout);
    settings = settings.withJvmArgs(jvmArgs);
    List<String> notes = new ArrayList<>();
    List<String> runnable = new ArrayList<>();
    for (String e : executors) {
      if (ExecutorKind.of(e).available()) {
        runnable.add(e);
      } else {
        notes.add("`" + e + "` skipped: needs JDK 21+, this is JDK " + Runtime.version() + ".");
      }
    }
    File logs = new File(out, "logs");
    Files.createDirectories(logs.toPath());

    List<Measurement> results = runAll(suites, runnable, settings, logs);

    // Charts first, so that the report links only the ones drawn (a chart has no bar without the
    // reference's value: the retained benchmarks have no CPU per operation).
    List<String> charts = new ArrayList<>();
    try {
      charts.addAll(Charts.write(out, suites, runnable, results));
    } catch (RuntimeException | LinkageError | IOException e) {
      notes.add("charts not drawn: " + e);
      System.err.println("warning: charts not drawn: " + e);
    }
    String md = Markdown.report(suites, runnable, results, settings, notes, charts);
    Files.writeString(new File(out, "report.md").toPath(), md, StandardCharsets.UTF_8);
    Json.writeResults(new File(out, "results.json"), settings, results);
    System.out.println();
    System.out.println(Markdown.summary(suites, runnable, results));
    System.out.println(Markdown.targets(results));
    System.out.println("Report: " + new File(out, "report.md").getAbsolutePath());
    for (String c : charts) {
      System.out.println("Chart:  " + new File(out, c).getAbsolutePath());
    }
    for (String n : notes) {
      System.out.println("Note: " + n);
    }
    // A peer that starves a benchmark is a finding, not a broken build; a wrong result, an
    // exception, or smolscale (either entry point) failing in any way is.
    long starved = results.stream()
        .filter(m -> m.starved() && !ExecutorKind.of(m.executor()).subject()).count();
    long failed = results.stream().filter(m -> !m.ok()).count() - starved;
    if (starved > 0) {
      System.out.println(starved + " peer run(s) STARVED (no progress within " + timeout + " s)");
    }
    if (failed > 0) {
      System.out.println(failed + " run(s) FAILED; see the report and " + logs.getPath());
      System.exit(1);
    }
    System.out.println((results.size() - starved) + " runs completed and validated"
        + (starved > 0 ? ", " + starved + " peer run(s) starved" : ""));
  }

  /**
   * Runs every pair, printing progress.
   *
   * @param suites benchmarks
   * @param executors executors
   * @param settings settings
   * @param logs where JMH's output for each pair goes
   * @return one measurement per pair
   */
  static List<Measurement> runAll(
      List<Suite> suites, List<String> executors, BenchRunner.Settings settings, File logs) {
    int total = 0;
    for (Suite suite : suites) {
      total += executorsOf(suite, executors).size();
    }
    System.out.printf(
        Locale.ROOT, "Running %d benchmarks on %d executors, %d pairs (%s) on JDK %s, %d cores%n",
        suites.size(), executors.size(), total, settings.describe(), Runtime.version(),
        ExecutorKind.cores());
    if (suites.stream().anyMatch(BenchRunner::isRetained)) {
      System.out.printf(Locale.ROOT, "retained_*: %s, %,d tasks per shot%n",
          settings.forks() == 0 ? "1 shot in this JVM" : settings.retainedForks()
              + " fork(s) x 1 shot", settings.retainedTasks());
    }
    if (suites.stream().anyMatch(BenchRunner::isBurst)) {
      System.out.printf(Locale.ROOT, "blocking_burst_*: %s%d measured burst(s) of %,d tasks%n",
          settings.forks() == 0 ? "" : BenchRunner.BURST_WARMUPS + " warm-up + ",
          settings.burstIterations(),
          settings.burstTasks());
    }
    List<Measurement> results = new ArrayList<>();
    Instant start = Instant.now();
    int n = 0;
    for (Suite suite : suites) {
      for (String executor : executorsOf(suite, executors)) {
        n++;
        System.out.printf(Locale.ROOT, "[%2d/%d] %-28s %-17s ", n, total, suite.name(), executor);
        System.out.flush();
        long t0 = System.nanoTime();
        File log = new File(logs, String.format(Locale.ROOT, "%02d-%s-%s.txt", n, suite.name(), executor));
        Measurement m = BenchRunner.run(suite, executor, settings, log);
        results.add(m);
        double secs = (System.nanoTime() - t0) / 1e9;
        Duration elapsed = Duration.between(start, Instant.now());
        long etaSeconds = Math.round(elapsed.toSeconds() / (double) n * (total - n));
        if (m.starved()) {
          System.out.printf(Locale.ROOT, "STARVED: no progress within the timeout  (%.1f s)%n", secs);
        } else if (m.ok()) {
          System.out.printf(Locale.ROOT, "%s  (%.1f s, ~%d s left)%n", Markdown.brief(m), secs, etaSeconds);
        } else {
          System.out.printf(Locale.ROOT, "FAILED: %s  (%.1f s)%n", m.failure(), secs);
        }
      }
    }
    return results;
  }

  /** The executors of the run that a benchmark runs on, in the run's order. */
  static List<String> executorsOf(Suite suite, List<String> executors) {
    List<String> out = new ArrayList<>();
    for (String e : executors) {
      if (suite.executors().contains(e)) {
        out.add(e);
      }
    }
    return out;
  }

  static String join(List<String> xs) {
    return String.join(", ", xs);
  }

  static List<String> list(String... xs) {
    return Arrays.asList(xs);
  }
}
