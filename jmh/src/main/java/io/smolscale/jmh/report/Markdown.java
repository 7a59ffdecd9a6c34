package io.smolscale.jmh.report;

import io.smolscale.jmh.harness.ExecutorKind;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Writes the report's Markdown: summary matrix, targets and one table per benchmark. */
final class Markdown {
  static final String SMOLSCALE = ExecutorKind.SMOLSCALE.param;
  static final String RETAINED = "retainedBytesPerTask";

  private Markdown() {}

  /** The value a benchmark is ranked by (see {@link Suite#metric()}); NaN if absent. */
  static double metric(Suite s, Measurement m) {
    if (m == null || !m.ok()) {
      return Double.NaN;
    }
    switch (s.metric()) {
      case "time":
        return m.score();
      case "cpu":
        return m.cpuNsPerOp();
      default:
        Double v = m.extra().get(s.metric());
        return v == null ? Double.NaN : v;
    }
  }

  static String metricLabel(Suite s) {
    switch (s.metric()) {
      case "time":
        return "time/op";
      case "cpu":
        return "CPU/op";
      case "p99":
        return "p99 latency";
      case "idleCpuMsPerSec":
        return "idle CPU ms/s";
      case RETAINED:
        return "retained B/task";
      default:
        return s.metric();
    }
  }

  static Measurement find(List<Measurement> all, String bench, String executor) {
    for (Measurement m : all) {
      if (m.benchmark().equals(bench) && m.executor().equals(executor)) {
        return m;
      }
    }
    return null;
  }

  /** Three significant digits, no exponent. */
  static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    double a = Math.abs(v);
    if (a >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  static String ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b) || b <= 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2fx", a / b);
  }

  /** One line for the progress output. */
  static String brief(Measurement m) {
    StringBuilder b = new StringBuilder();
    if (m.extra().containsKey(RETAINED)) {
      // Single shots: the time score is no measurement.
      b.append(num(m.extra().get(RETAINED))).append(" B/task retained (")
          .append(num(m.extra().getOrDefault("retainedMin", Double.NaN))).append(" - ")
          .append(num(m.extra().getOrDefault("retainedMax", Double.NaN))).append(", ")
          .append(Math.round(m.extra().getOrDefault("retainedShots", Double.NaN)))
          .append(" shot(s))");
      return b.toString();
    }
    b.append(num(m.score())).append(' ').append(m.unit());
    if (!Double.isNaN(m.cpuNsPerOp())) {
      b.append(", CPU ").append(num(m.cpuNsPerOp() / 1000)).append(" us/op");
    }
    m.extra().forEach((k, v) -> {
      if (!k.equals("cpuUtil")) {
        b.append(", ").append(k).append(' ').append(num(v));
      }
    });
    return b.toString();
  }

  /** smolscale's metric divided by each peer's: below 1.00x smolscale is better. */
  static String summary(List<Suite> suites, List<String> executors, List<Measurement> all) {
    StringBuilder b = new StringBuilder();
    b.append("### smolscale / peer (below 1.00x: smolscale is better)\n\n");
    b.append("| benchmark | metric |");
    for (String e : executors) {
      if (!e.equals(SMOLSCALE)) {
        b.append(" vs ").append(e).append(" |");
      }
    }
    b.append("\n|---|---|");
    for (String e : executors) {
      if (!e.equals(SMOLSCALE)) {
        b.append("---:|");
      }
    }
    b.append('\n');
    for (Suite s : suites) {
      double mine = metric(s, find(all, s.name(), SMOLSCALE));
      b.append("| ").append(s.name()).append(" | ").append(metricLabel(s)).append(" |");
      for (String e : executors) {
        if (!e.equals(SMOLSCALE)) {
          b.append(' ').append(ratio(mine, metric(s, find(all, s.name(), e)))).append(" |");
        }
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** The targets, checked against this run. */
  static String targets(List<Measurement> all) {
    StringBuilder b = new StringBuilder("### Targets\n\n| target | result | |\n|---|---|---|\n");
    for (String name : List.of("ping_pong", "context_switch_quiet", "yield_now", "fanout", "spawn_many")) {
      Measurement mine = find(all, name, SMOLSCALE);
      double best = Double.NaN;
      String bestName = "-";
      for (Measurement m : all) {
        if (m.benchmark().equals(name) && !m.executor().equals(SMOLSCALE) && m.ok()
            && (Double.isNaN(best) || m.score() < best)) {
          best = m.score();
          bestName = m.executor();
        }
      }
      double my = mine != null && mine.ok() ? mine.score() : Double.NaN;
      b.append("| ").append(name).append(": smolscale at least as fast as the fastest peer | ")
          .append(verdict(my, best, 1.0)).append(" | ").append(ratio(my, best))
          .append(" of ").append(bestName).append(" |\n");
    }
    Measurement mine = find(all, "partial_load", SMOLSCALE);
    double my = mine != null && mine.ok() ? mine.cpuNsPerOp() : Double.NaN;
    for (String fjp : List.of(ExecutorKind.FJP_COMMON.param, ExecutorKind.FJP_ASYNC.param)) {
      Measurement peer = find(all, "partial_load", fjp);
      double p = peer != null && peer.ok() ? peer.cpuNsPerOp() : Double.NaN;
      b.append("| partial_load: at most half of ").append(fjp).append("'s CPU per message | ")
          .append(verdict(my, p, 0.5)).append(" | ").append(ratio(my, p)).append(" |\n");
    }
    return b.toString();
  }

  private static String verdict(double mine, double peer, double limit) {
    if (Double.isNaN(mine) || Double.isNaN(peer)) {
      return "not measured";
    }
    return mine <= peer * limit ? "MET" : "MISSED";
  }

  /**
   * The table of a retained benchmark: bytes per queued task instead of time (its time score is
   * a single shot of collections and submissions, no measurement).
   */
  static String retainedTable(
      Suite s, List<String> executors, List<Measurement> all, BenchRunner.Settings settings) {
    StringBuilder b = new StringBuilder();
    b.append("### ").append(s.name()).append("\n\n").append(s.what())
        .append(". Ranked by ").append(metricLabel(s)).append(" (heap used after GC, after - before")
        .append(" queueing ").append(String.format(Locale.ROOT, "%,d", settings.retainedTasks()))
        .append(" tasks behind spinners that hold every worker, / tasks; ")
        .append(settings.forks() == 0
            ? "one shot in this JVM"
            : "one shot per fresh -Xmx2g fork, " + settings.retainedForks() + " forks")
        .append("). G1 counts a queue array of half a region or more as whole regions.\n\n");
    double best = Double.NaN;
    for (String e : executors) {
      double v = metric(s, find(all, s.name(), e));
      if (!Double.isNaN(v) && (Double.isNaN(best) || v < best)) {
        best = v;
      }
    }
    b.append("| executor | retained B/task | min | max | vs best |\n|---|---:|---:|---:|---:|\n");
    for (String e : executors) {
      Measurement m = find(all, s.name(), e);
      if (m == null) {
        continue;
      }
      String name = e.equals(SMOLSCALE) ? "**" + e + "**" : e;
      if (!m.ok()) {
        b.append("| ").append(name).append(" | FAILED: ").append(m.failure()).append(" |\n");
        continue;
      }
      b.append("| ").append(name).append(" | ").append(num(metric(s, m))).append(" | ")
          .append(num(m.extra().getOrDefault("retainedMin", Double.NaN))).append(" | ")
          .append(num(m.extra().getOrDefault("retainedMax", Double.NaN))).append(" | ")
          .append(ratio(metric(s, m), best)).append(" |\n");
    }
    return b.append('\n').toString();
  }

  /** The whole report. */
  static String report(
      List<Suite> suites, List<String> executors, List<Measurement> all,
      BenchRunner.Settings settings, List<String> notes, List<String> charts) {
    StringBuilder b = new StringBuilder();
    b.append("# smolscale vs JVM executors\n\n");
    b.append("Run ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
        .append(" on JDK ").append(Runtime.version()).append(" (")
        .append(System.getProperty("java.vm.name")).append("), ").append(ExecutorKind.cores())
        .append(" cores, ").append(System.getProperty("os.name")).append(' ')
        .append(System.getProperty("os.arch")).append(".\n");
    b.append("Settings: ").append(settings.name()).append(" (").append(settings.describe())
        .append(")");
    if (suites.stream().anyMatch(BenchRunner::isRetained)) {
      b.append("; retained_*: ").append(settings.forks() == 0
              ? "1 shot in this JVM" : settings.retainedForks() + " fork(s) x 1 shot")
          .append(String.format(Locale.ROOT, " of %,d tasks", settings.retainedTasks()));
    }
    if (!settings.jvmArgs().isEmpty()) {
      b.append(", fork JVM args ").append(settings.jvmArgs());
    }
    b.append(".\n\n");
    if (settings.forks() == 0) {
      b.append("**Smoke run: every benchmark ran and validated its result; the numbers below are"
          + " not measurements.**\n\n");
    }
    for (String n : notes) {
      b.append("Note: ").append(n).append("\n\n");
    }
    if (charts.contains("relative.png")) {
      b.append("![relative cost](relative.png)\n\n");
    }
    if (charts.contains("cpu.png")) {
      b.append("![CPU per operation](cpu.png)\n\n");
    }
    b.append(summary(suites, executors, all)).append('\n');
    b.append(targets(all)).append('\n');
    b.append("## Per benchmark\n\n");
    b.append("time/op: JMH score (mean, ± 99.9% CI). CPU/op: process CPU time per operation (all"
        + " threads of the fork), µs. util: CPU time / wall time, in cores. alloc/op: bytes"
        + " allocated per operation (JMH gc profiler). vs best: the ranked metric divided by the"
        + " best executor's.\n\n");
    for (Suite s : suites) {
      if (s.metric().equals(RETAINED)) {
        b.append(retainedTable(s, executors, all, settings));
        continue;
      }
      b.append("### ").append(s.name()).append("\n\n").append(s.what())
          .append(". Ranked by ").append(metricLabel(s)).append(".\n\n");
      double best = Double.NaN;
      for (String e : executors) {
        double v = metric(s, find(all, s.name(), e));
        if (!Double.isNaN(v) && (Double.isNaN(best) || v < best)) {
          best = v;
        }
      }
      boolean latency = s.name().equals("blocking");
      boolean idle = s.name().equals("idle");
      b.append("| executor | time/op | CPU/op (µs) | util | alloc/op (B) |");
      if (latency) {
        b.append(" p50 | p99 | max |");
      }
      if (idle) {
        b.append(" idle CPU ms/s | idle threads |");
      }
      b.append(" vs best |\n|---|---:|---:|---:|---:|");
      if (latency) {
        b.append("---:|---:|---:|");
      }
      if (idle) {
        b.append("---:|---:|");
      }
      b.append("---:|\n");
      for (String e : executors) {
        Measurement m = find(all, s.name(), e);
        String name = e.equals(SMOLSCALE) ? "**" + e + "**" : e;
        if (m == null) {
          continue;
        }
        if (m.starved()) {
          b.append("| ").append(name).append(" | STARVED: no progress within the timeout |\n");
          continue;
        }
        if (!m.ok()) {
          b.append("| ").append(name).append(" | FAILED: ").append(m.failure()).append(" |\n");
          continue;
        }
        b.append("| ").append(name).append(" | ").append(num(m.score()));
        if (!Double.isNaN(m.error())) {
          b.append(" ± ").append(num(m.error()));
        }
        b.append(' ').append(m.unit()).append(" | ").append(num(m.cpuNsPerOp() / 1000))
            .append(" | ").append(num(m.extra().getOrDefault("cpuUtil", Double.NaN)))
            .append(" | ").append(num(m.allocBytesPerOp())).append(" |");
        if (latency) {
          b.append(' ').append(num(m.extra().get("p50"))).append(" | ")
              .append(num(m.extra().get("p99"))).append(" | ")
              .append(num(m.extra().get("max"))).append(" |");
        }
        if (idle) {
          b.append(' ').append(num(m.extra().getOrDefault("idleCpuMsPerSec", Double.NaN)))
              .append(" | ").append(num(m.extra().getOrDefault("idleThreads", Double.NaN)))
              .append(" |");
        }
        b.append(' ').append(ratio(metric(s, m), best)).append(" |\n");
      }
      if (s.name().equals("spawn_many")) {
        Measurement m = find(all, s.name(), SMOLSCALE);
        if (m != null && m.ok() && !Double.isNaN(m.allocBytesPerOp())) {
          b.append("\nsmolscale allocates ")
              .append(num(m.allocBytesPerOp() / io.smolscale.jmh.OriginalSuite.LIGHT_TASKS))
              .append(" bytes per spawned task (harness handle and lambda included, as for"
                  + " every executor).\n");
        }
      }
      b.append('\n');
    }
    return b.toString();
  }
}
