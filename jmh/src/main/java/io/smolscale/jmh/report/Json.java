package io.smolscale.jmh.report;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two small JSON files of the module: a run's results and the regression baseline. Written
 * by hand, and read back with a deliberately narrow reader (flat string-to-number objects), so
 * that the benchmark jar needs no JSON library.
 */
final class Json {
  private Json() {}

  static String str(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  static String number(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.6g", v);
  }

  static void writeResults(File f, BenchRunner.Settings s, List<Measurement> all) throws IOException {
    StringBuilder b = new StringBuilder("{\n");
    b.append("  \"jdk\": ").append(str(Runtime.version().toString())).append(",\n");
    b.append("  \"settings\": ").append(str(s.name() + ": " + s.describe())).append(",\n");
    b.append("  \"results\": [\n");
    for (int i = 0; i < all.size(); i++) {
      Measurement m = all.get(i);
      b.append("    {\"benchmark\": ").append(str(m.benchmark()))
          .append(", \"executor\": ").append(str(m.executor()));
      if (m.ok()) {
        b.append(", \"score\": ").append(number(m.score()))
            .append(", \"error\": ").append(number(m.error()))
            .append(", \"unit\": ").append(str(m.unit()))
            .append(", \"cpuNsPerOp\": ").append(number(m.cpuNsPerOp()))
            .append(", \"allocBytesPerOp\": ").append(number(m.allocBytesPerOp()));
        for (Map.Entry<String, Double> e : m.extra().entrySet()) {
          b.append(", ").append(str(e.getKey())).append(": ").append(number(e.getValue()));
        }
      } else {
        b.append(", \"failure\": ").append(str(m.failure()));
      }
      b.append(i + 1 < all.size() ? "},\n" : "}\n");
    }
    b.append("  ]\n}\n");
    Files.writeString(f.toPath(), b.toString(), StandardCharsets.UTF_8);
  }

  /**
   * Writes a baseline.
   *
   * @param f the file
   * @param reference the peer the ratios are taken against
   * @param header free-form facts (JDK, date, settings)
   * @param ratios benchmark to ratio
   * @throws IOException if it cannot be written
   */
  static void writeBaseline(File f, String reference, Map<String, String> header,
      Map<String, Double> ratios) throws IOException {
    StringBuilder b = new StringBuilder("{\n");
    b.append("  \"reference\": ").append(str(reference)).append(",\n");
    for (Map.Entry<String, String> e : header.entrySet()) {
      b.append("  ").append(str(e.getKey())).append(": ").append(str(e.getValue())).append(",\n");
    }
    b.append("  \"ratios\": {\n");
    int i = 0;
    for (Map.Entry<String, Double> e : ratios.entrySet()) {
      b.append("    ").append(str(e.getKey())).append(": ").append(number(e.getValue()))
          .append(++i < ratios.size() ? ",\n" : "\n");
    }
    b.append("  }\n}\n");
    Files.writeString(f.toPath(), b.toString(), StandardCharsets.UTF_8);
  }

  /** The "ratios" object of a baseline. */
  static Map<String, Double> readRatios(File f) throws IOException {
    String text = Files.readString(f.toPath(), StandardCharsets.UTF_8);
    Matcher block = Pattern.compile("\"ratios\"\\s*:\\s*\\{([^}]*)\\}").matcher(text);
    if (!block.find()) {
      throw new IOException(f + " has no \"ratios\" object");
    }
    Map<String, Double> out = new LinkedHashMap<>();
    Matcher kv = Pattern.compile("\"([^\"]+)\"\\s*:\\s*([-+0-9.eE]+|null)").matcher(block.group(1));
    while (kv.find()) {
      out.put(kv.group(1), kv.group(2).equals("null") ? Double.NaN : Double.parseDouble(kv.group(2)));
    }
    return out;
  }

  /** A top-level string field of a baseline, or the fallback. */
  static String readString(File f, String key, String fallback) throws IOException {
    String text = Files.readString(f.toPath(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(text);
    return m.find() ? m.group(1) : fallback;
  }
}
