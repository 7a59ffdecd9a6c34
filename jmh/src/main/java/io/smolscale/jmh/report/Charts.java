package io.smolscale.jmh.report;

import io.smolscale.jmh.harness.ExecutorKind;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The report's charts (XChart, PNG): grouped bars, one group per benchmark, one bar per
 * executor, each normalised to the dedicated ForkJoinPool of the same benchmark (= 1) so that
 * benchmarks of microseconds and of milliseconds share one logarithmic axis. Lower is better.
 */
final class Charts {
  static final String REFERENCE = ExecutorKind.FJP_ASYNC.param;

  private Charts() {}

  static List<String> write(File dir, List<Suite> suites, List<String> executors,
      List<Measurement> all) throws IOException {
    List<String> files = new ArrayList<>();
    if (draw(dir, "relative.png",
        "Cost relative to a dedicated ForkJoinPool (time; partial_load: CPU; blocking: p99;"
            + " idle: CPU/s; retained_*: bytes per queued task) - lower is better",
        suites, executors, all, Markdown::metric)) {
      files.add("relative.png");
    }
    if (draw(dir, "cpu.png", "Process CPU per operation, relative to a dedicated ForkJoinPool"
            + " - lower is better",
        suites, executors, all, (s, m) -> m == null || !m.ok() ? Double.NaN : m.cpuNsPerOp())) {
      files.add("cpu.png");
    }
    return files;
  }

  private static boolean draw(File dir, String file, String title, List<Suite> suites,
      List<String> executors, List<Measurement> all, BiFunction<Suite, Measurement, Double> value)
      throws IOException {
    List<String> groups = new ArrayList<>();
    List<Suite> used = new ArrayList<>();
    for (Suite s : suites) {
      double ref = value.apply(s, Markdown.find(all, s.name(), REFERENCE));
      if (!Double.isNaN(ref) && ref > 0) {
        groups.add(s.name());
        used.add(s);
      }
    }
    if (groups.isEmpty()) {
      return false;
    }
    CategoryChart chart =
        new CategoryChartBuilder().width(1400).height(650).title(title)
            .xAxisTitle("benchmark").yAxisTitle("x of " + REFERENCE + " (log)").build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setXAxisLabelRotation(20);
    chart.getStyler().setAvailableSpaceFill(0.85);
    double lo = 1;
    double hi = 1;
    for (String e : executors) {
      List<Double> ys = new ArrayList<>();
      boolean any = false;
      for (Suite s : used) {
        double ref = value.apply(s, Markdown.find(all, s.name(), REFERENCE));
        double v = value.apply(s, Markdown.find(all, s.name(), e));
        // A log axis cannot show 0 or a missing bar: a value below the axis draws as no bar.
        double r = Double.isNaN(v) || v <= 0 ? Double.MIN_NORMAL : v / ref;
        if (!Double.isNaN(v) && v > 0) {
          lo = Math.min(lo, r);
          hi = Math.max(hi, r);
        }
        any |= !Double.isNaN(v);
        ys.add(r);
      }
      if (any) {
        chart.addSeries(e, groups, ys);
      }
    }
    // Bars start at the axis minimum, which a log axis cannot put at 0.
    chart.getStyler().setYAxisMin(lo / 2);
    chart.getStyler().setYAxisMax(hi * 2);
    BitmapEncoder.saveBitmap(chart, new File(dir, file).getPath(), BitmapEncoder.BitmapFormat.PNG);
    return true;
  }
}
