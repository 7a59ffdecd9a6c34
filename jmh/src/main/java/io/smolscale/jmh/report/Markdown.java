package io.smolscale.jmh.report;

import io.smolscale.jmh.harness.ExecutorKind;
import io.smolscale.jmh.harness.ForkJvm;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Writes the report's Markdown: summary matrix, targets and one table per benchmark. */
final class Markdown {
  static final String SMOLSCALE = ExecutorKind.SMOLSCALE.param;
  static final String RETAINED = "retainedBytesPerTask";
  /** partial_load's CPU per message without the pacer thread, an extra (ns). */
  static final String CPU_EXCL_PACER = "cpuExclPacerNsPerOp";
  static final String RTT_P50 = "rtt_p50_us";
  static final String RTT_P99 = "rtt_p99_us";
  /** Blocking bursts: platform threads started per task, mean of the measured bursts. */
  static final String THREADS_PER_TASK = "threadsPerTask";
  /** The same, the largest of the second and later bursts (the second is a warm-up). */
  static final String THREADS_PER_TASK_MAX = "threadsPerTaskMax";
  /** The same in the trial's first burst (a warm-up). */
  static final String FIRST_BURST_THREADS = "firstBurstThreadsPerTask";
  /** Socket benchmarks: the echo server thread's CPU / wall time, in cores. */
  static final String SERVER_UTIL = "serverUtil";
  /** Socket benchmarks: how late the server's answers were beyond the 5 ms, mean, ms. */
  static final String SERVER_LATE = "serverLateMs";

  /** The original targets: smolscale at least as fast as the fastest peer. */
  static final List<String> FASTEST_TARGETS =
      List.of("ping_pong", "context_switch_quiet", "yield_now", "fanout", "spawn_many");

  /**
   * Issue 14's throughput targets: smolscale's throughput at least {@link #THROUGHPUT_MET} of the
   * best peer's (best peer time / smolscale time), on every actor and CompletableFuture workload
   * and three of the original ones.
   */
  static final List<String> THROUGHPUT_TARGETS =
      List.of("actor_ping_pong", "actor_thread_ring", "actor_counting", "actor_fj_create",
          "actor_fj_throughput", "actor_chameneos", "actor_big", "actor_fanout_fanin", "cf_chains",
          "cf_fanout", "spawn_many", "fanout", "context_switch_quiet");

  /** The throughput ratio (best peer / smolscale) at which a throughput target is met. */
  static final double THROUGHPUT_MET = 0.95;

  /** Issue 15's burst targets: smolscale's time per burst against cachedPool's and virtual's. */
  static final List<String> BURST_TARGETS =
      List.of("blocking_burst_sleep", "blocking_burst_socket");

  /** Issue 15's closed-loop targets: smolscale's requests/s against the blocking baseline's. */
  static final List<String> LOOP_TARGETS = List.of("blocking_loop_sleep", "blocking_loop_socket");

  /** Burst: smolscale's time at most this many times cachedPool's. */
  static final double BURST_VS_CACHED = 1.5;

  /** Burst: smolscale's time at most this many times virtual threads' (JDK 21+). */
  static final double BURST_VS_VIRTUAL = 2.0;

  /** Closed loop: smolscale's requests/s at least this fraction of the baseline's. */
  static final double LOOP_MET = 0.8;

  /** Later bursts: smolscale starts at most this many platform threads per task. */
  static final double THREADS_PER_TASK_MET = 0.10;

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
      case "throughput":
        // Ranked as time per operation, so that lower is better here too.
        return m.score() > 0 ? 1 / m.score() : Double.NaN;
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
      case "throughput":
        return "1 / throughput";
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

  /** The best (lowest) value of a peer, any executor but smolscale that ran and validated. */
  record Best(double value, String executor) {}

  static Best bestPeer(List<Measurement> all, String bench, ToDoubleFunction<Measurement> f) {
    double best = Double.NaN;
    String name = "-";
    for (Measurement m : all) {
      if (m.benchmark().equals(bench) && !m.executor().equals(SMOLSCALE) && m.ok()) {
        double v = f.applyAsDouble(m);
        if (!Double.isNaN(v) && (Double.isNaN(best) || v < best)) {
          best = v;
          name = m.executor();
        }
      }
    }
    return new Best(best, name);
  }

  private static double of(Measurement m, ToDoubleFunction<Measurement> f) {
    return m != null && m.ok() ? f.applyAsDouble(m) : Double.NaN;
  }

  private static boolean ran(List<Measurement> all, String bench) {
    return all.stream().anyMatch(m -> m.benchmark().equals(bench));
  }

  private static double extra(Measurement m, String key) {
    return m.extra().getOrDefault(key, Double.NaN);
  }

  /**
   * The issues' targets, checked against this run; rows of benchmarks this run did not include
   * are left out.
   */
  static String targets(List<Measurement> all) {
    StringBuilder b = new StringBuilder("### Targets\n\n| target | result | |\n|---|---|---|\n");
    ToDoubleFunction<Measurement> time = Measurement::score;
    for (String name : FASTEST_TARGETS) {
      if (!ran(all, name)) {
        continue;
      }
      Best best = bestPeer(all, name, time);
      double my = of(find(all, name, SMOLSCALE), time);
      b.append("| ").append(name).append(": smolscale at least as fast as the fastest peer | ")
          .append(verdict(my, best.value(), 1.0)).append(" | ").append(ratio(my, best.value()))
          .append(" of ").append(best.executor()).append(" |\n");
    }
    for (String name : THROUGHPUT_TARGETS) {
      if (!ran(all, name)) {
        continue;
      }
      Best best = bestPeer(all, name, time);
      Measurement mine = find(all, name, SMOLSCALE);
      double my = of(mine, time);
      // Throughput relative to the best peer: best peer time / smolscale time.
      double rel = Double.isNaN(my) || Double.isNaN(best.value()) || my <= 0
          ? Double.NaN : best.value() / my;
      String verdict = Double.isNaN(rel) ? "not measured" : rel >= THROUGHPUT_MET ? "MET" : "MISSED";
      b.append("| ").append(name).append(": smolscale throughput >= ")
          .append(String.format(Locale.ROOT, "%.2f", THROUGHPUT_MET))
          .append(" x the best peer's | ").append(verdict).append(" | ")
          .append(Double.isNaN(rel) ? "-" : String.format(Locale.ROOT, "%.2fx", rel))
          .append(" of ").append(best.executor()).append("'s (")
          .append(num(my)).append(" vs ").append(num(best.value())).append(' ')
          .append(mine != null && mine.ok() ? mine.unit() : "").append(") |\n");
    }
    if (ran(all, "partial_load")) {
      partialLoadTargets(b, all);
    }
    blockingTargets(b, all);
    return b.toString();
  }

  private static void partialLoadTargets(StringBuilder b, List<Measurement> all) {
    Measurement mine = find(all, "partial_load", SMOLSCALE);
    ToDoubleFunction<Measurement> cpu = Measurement::cpuNsPerOp;
    double my = of(mine, cpu);
    for (String fjp : List.of(ExecutorKind.FJP_COMMON.param, ExecutorKind.FJP_ASYNC.param)) {
      double p = of(find(all, "partial_load", fjp), cpu);
      b.append("| partial_load: at most half of ").append(fjp).append("'s CPU per message | ")
          .append(verdict(my, p, 0.5)).append(" | ").append(ratio(my, p)).append(" |\n");
    }
    ToDoubleFunction<Measurement> excl = m -> extra(m, CPU_EXCL_PACER);
    double myExcl = of(mine, excl);
    double fjpExcl = of(find(all, "partial_load", ExecutorKind.FJP_ASYNC.param), excl);
    b.append("| partial_load: CPU per message excl. pacer at most half of ")
        .append(ExecutorKind.FJP_ASYNC.param).append("'s | ").append(verdict(myExcl, fjpExcl, 0.5))
        .append(" | ").append(ratio(myExcl, fjpExcl)).append(" (").append(num(myExcl / 1000))
        .append(" vs ").append(num(fjpExcl / 1000)).append(" µs) |\n");
    Best bestExcl = bestPeer(all, "partial_load", excl);
    b.append("| partial_load: CPU per message excl. pacer at most the best peer's | ")
        .append(verdict(myExcl, bestExcl.value(), 1.0)).append(" | ")
        .append(ratio(myExcl, bestExcl.value())).append(" of ").append(bestExcl.executor())
        .append(" (").append(num(myExcl / 1000)).append(" vs ")
        .append(num(bestExcl.value() / 1000)).append(" µs) |\n");
    ToDoubleFunction<Measurement> p99 = m -> extra(m, RTT_P99);
    double myP99 = of(mine, p99);
    Best bestP99 = bestPeer(all, "partial_load", p99);
    b.append("| partial_load: round-trip p99 at most the best peer's | ")
        .append(verdict(myP99, bestP99.value(), 1.0)).append(" | ")
        .append(ratio(myP99, bestP99.value())).append(" of ").append(bestP99.executor())
        .append(" (").append(num(myP99)).append(" vs ").append(num(bestP99.value()))
        .append(" µs) |\n");
  }

  /**
   * smolscale's entry points that ran a benchmark: {@code smolscale} and {@code
   * smolscaleBlocking}; {@code smolscale} alone (to be reported as not measured) if neither did.
   */
  private static List<String> subjectsOf(List<Measurement> all, String bench) {
    List<String> out = new java.util.ArrayList<>();
    for (String e : List.of(SMOLSCALE, ExecutorKind.SMOLSCALE_BLOCKING.param)) {
      if (find(all, bench, e) != null) {
        out.add(e);
      }
    }
    return out.isEmpty() ? List.of(SMOLSCALE) : out;
  }

  /**
   * Issue 15's targets: bursts within 1.5x cachedPool's time (and 2x virtual's where virtual
   * threads ran), closed loops at 0.8x the requests/s of virtual threads on JDK 21+ and of
   * cachedPool before, at most 0.10 platform threads started per task in every burst after the
   * first (the worst of them). For each of smolscale's two entry points.
   */
  private static void blockingTargets(StringBuilder b, List<Measurement> all) {
    ToDoubleFunction<Measurement> time = Measurement::score;
    String cached = ExecutorKind.CACHED_POOL.param;
    String virtual = ExecutorKind.VIRTUAL.param;
    for (String name : BURST_TARGETS) {
      if (!ran(all, name)) {
        continue;
      }
      for (String me : subjectsOf(all, name)) {
        double my = of(find(all, name, me), time);
        double c = of(find(all, name, cached), time);
        b.append("| ").append(name).append(": ").append(me).append(" time per burst <= ")
            .append(num(BURST_VS_CACHED)).append("x ").append(cached).append("'s | ")
            .append(verdict(my, c, BURST_VS_CACHED)).append(" | ").append(ratio(my, c))
            .append(" (").append(num(my)).append(" vs ").append(num(c)).append(" ms) |\n");
        if (find(all, name, virtual) != null) {
          double v = of(find(all, name, virtual), time);
          b.append("| ").append(name).append(": ").append(me).append(" time per burst <= ")
              .append(num(BURST_VS_VIRTUAL)).append("x ").append(virtual).append("'s | ")
              .append(verdict(my, v, BURST_VS_VIRTUAL)).append(" | ").append(ratio(my, v))
              .append(" (").append(num(my)).append(" vs ").append(num(v)).append(" ms) |\n");
        }
        Measurement m = find(all, name, me);
        double worst = of(m, x -> extra(x, THREADS_PER_TASK_MAX));
        b.append("| ").append(name).append(": ").append(me)
            .append(" platform threads started per task <= ").append(num(THREADS_PER_TASK_MET))
            .append(" in every later burst | ").append(verdict(worst, THREADS_PER_TASK_MET, 1.0))
            .append(" | worst ").append(num(worst)).append(", mean ")
            .append(num(of(m, x -> extra(x, THREADS_PER_TASK)))).append(" (first burst ")
            .append(num(of(m, x -> extra(x, FIRST_BURST_THREADS)))).append(") |\n");
      }
    }
    // JDK 21+: against virtual threads; before: against the cached pool. The forks run on this
    // runner's JDK.
    String ref = Runtime.version().feature() >= 21 ? virtual : cached;
    for (String name : LOOP_TARGETS) {
      if (!ran(all, name)) {
        continue;
      }
      double r = of(find(all, name, ref), time);
      for (String me : subjectsOf(all, name)) {
        double my = of(find(all, name, me), time);
        double rel = Double.isNaN(my) || Double.isNaN(r) || r <= 0 ? Double.NaN : my / r;
        b.append("| ").append(name).append(": ").append(me).append(" requests/s >= ")
            .append(num(LOOP_MET)).append("x ").append(ref).append("'s | ")
            .append(Double.isNaN(rel) ? "not measured" : rel >= LOOP_MET ? "MET" : "MISSED")
            .append(" | ")
            .append(Double.isNaN(rel) ? "-" : String.format(Locale.ROOT, "%.2fx", rel))
            .append(" (").append(num(my)).append(" vs ").append(num(r)).append(" requests/s) |\n");
      }
    }
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
    if (settings.forks() > 0) {
      b.append(", every timed fork with ").append(String.join(" ", ForkJvm.args()))
          .append(" (page faults of a growing heap out of the measurement)");
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
        + " best executor's. partial_load also: CPU/op excl. pacer (the process CPU minus the"
        + " benchmark thread's own, which also leaves out what each executor does on the"
        + " submitting thread) and the tick-to-pong round trip, p50 and p99 (mean of the"
        + " iterations'). blocking_burst_*: time per burst (single shots after two warm-up"
        + " bursts) and platform threads started per task: mean of the measured bursts, worst of"
        + " the second and later ones, and the first burst's. blocking_loop_*: requests/s of 64"
        + " clients (higher is better; ranked by its inverse, so vs best is the best's requests/s"
        + " over this one's). *_socket: the echo server thread's CPU (cores) and how late its"
        + " answers left beyond the 5 ms (mean). The blocking pools (smolscaleBlocking, cachedPool,"
        + " kotlinIO) run only the blocking benchmarks.\n\n");
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
      boolean paced = s.name().equals("partial_load");
      boolean burst = BenchRunner.isBurst(s);
      boolean socket = s.name().startsWith("blocking_") && s.name().endsWith("_socket");
      b.append("| executor | time/op | CPU/op (µs) | util | alloc/op (B) |");
      if (burst) {
        b.append(" threads/task | worst | first burst |");
      }
      if (socket) {
        b.append(" server util | server late (ms) |");
      }
      if (paced) {
        b.append(" CPU/op excl. pacer (µs) | rtt p50 (µs) | rtt p99 (µs) |");
      }
      if (latency) {
        b.append(" p50 | p99 | max |");
      }
      if (idle) {
        b.append(" idle CPU ms/s | idle threads |");
      }
      b.append(" vs best |\n|---|---:|---:|---:|---:|");
      if (burst) {
        b.append("---:|---:|---:|");
      }
      if (socket) {
        b.append("---:|---:|");
      }
      if (paced) {
        b.append("---:|---:|---:|");
      }
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
        if (burst) {
          b.append(' ').append(num(extra(m, THREADS_PER_TASK))).append(" | ")
              .append(num(extra(m, THREADS_PER_TASK_MAX))).append(" | ")
              .append(num(extra(m, FIRST_BURST_THREADS))).append(" |");
        }
        if (socket) {
          b.append(' ').append(num(extra(m, SERVER_UTIL))).append(" | ")
              .append(num(extra(m, SERVER_LATE))).append(" |");
        }
        if (paced) {
          b.append(' ').append(num(extra(m, CPU_EXCL_PACER) / 1000)).append(" | ")
              .append(num(extra(m, RTT_P50))).append(" | ").append(num(extra(m, RTT_P99)))
              .append(" |");
        }
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
