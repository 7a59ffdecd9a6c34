package io.smolscale.jcstress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/**
 * Runs jcstress on the negative controls (the deliberately broken variants) and succeeds only if
 * jcstress caught every one of them.
 *
 * <p>Usage: {@code ExpectDetected <jcstress.jar> <results dir> <test regexp> [jcstress options]}.
 * The tests selected by the regexp are read from the jar's {@code META-INF/TestList}; jcstress
 * runs them in a child JVM; its console report is echoed and parsed. The run is accepted only
 * if jcstress exits with 1 (its "some test failed" status) and each selected test is listed with
 * a FORBIDDEN outcome observed ("Observed forbidden state" in the report), and none of them
 * errored (an exception in a test is not a detection). Exit status: 0 if all were detected, 1
 * otherwise.
 */
public final class ExpectDetected {
  /** "...... [FAILED] io.smolscale.jcstress.broken.SomeTest" in the run summary. */
  private static final Pattern RESULT_TAG = Pattern.compile("\\[(\\w+)\\]\\s+(\\S+)\\s*$");

  /** "io.smolscale...SomeTest [-Xmx256m]: Observed forbidden state: 1, 1 (...)". */
  private static final Pattern FORBIDDEN_LINE =
      Pattern.compile("^(\\S+) \\[.*\\]: Observed forbidden state");

  private static final Pattern TEST_LIST_ENTRY = Pattern.compile("JCTEST(\\d+)S");

  private ExpectDetected() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: ExpectDetected <jcstress.jar> <results dir> <regexp> [options]");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    String resultsDir = args[1];
    String regexp = args[2];
    Set<String> expected = selectedTests(jar, Pattern.compile(regexp));
    if (expected.isEmpty()) {
      System.err.println("ExpectDetected: no test in " + jar + " matches " + regexp);
      System.exit(1);
    }

    System.out.println("ExpectDetected: " + expected.size() + " negative control(s) must FAIL: "
        + expected);
    Process p = launch(jar, resultsDir, regexp, args);
    Set<String> failed = new TreeSet<>();
    Set<String> other = new TreeSet<>();
    readReport(p.getInputStream(), expected, failed, other);
    int code = p.waitFor();

    Set<String> missed = new TreeSet<>(expected);
    missed.removeAll(failed);
    System.out.println();
    System.out.println("ExpectDetected: jcstress exit code " + code + " (expected 1)");
    for (String t : expected) {
      System.out.println("ExpectDetected: " + (failed.contains(t) ? "DETECTED " : "MISSED   ") + t);
    }
    if (code != 1 || !missed.isEmpty() || !other.isEmpty()) {
      if (!other.isEmpty()) {
        System.out.println("ExpectDetected: errors or unexpected states: " + other);
      }
      System.out.println("ExpectDetected: FAILURE: the suite did not detect every planted bug");
      System.exit(1);
    }
    System.out.println("ExpectDetected: all " + expected.size() + " planted bugs detected");
  }

  /**
   * Starts jcstress in a child JVM with this JVM's flags, on the tests matching {@code regexp},
   * its console merged into the process's output.
   *
   * @param jar the jcstress uber jar
   * @param resultsDir where jcstress writes its report
   * @param regexp the test selection
   * @param args this tool's arguments; from the fourth on, passed to jcstress
   * @return the started process
   */
  static Process launch(Path jar, String resultsDir, String regexp, String[] args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.add("-t");
    cmd.add(regexp);
    cmd.add("-r");
    cmd.add(resultsDir);
    for (int i = 3; i < args.length; i++) {
      cmd.add(args[i]);
    }
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  /** The test classes in the jar's TestList whose names match. */
  static Set<String> selectedTests(Path jar, Pattern regexp) throws IOException {
    Set<String> names = new TreeSet<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      var entry = zip.getEntry("META-INF/TestList");
      if (entry == null) {
        throw new IllegalStateException(jar + " has no META-INF/TestList: was the annotation "
            + "processor run (<proc>full</proc> on JDK 23+)?");
      }
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(zip.getInputStream(entry), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          // Each line is one test, "JCTEST" then length-prefixed strings ("57Sname..."),
          // the first of which is the test's class name.
          Matcher m = TEST_LIST_ENTRY.matcher(line);
          if (!m.lookingAt()) {
            continue;
          }
          int start = m.end();
          String name = line.substring(start, start + Integer.parseInt(m.group(1)));
          if (regexp.matcher(name).find()) {
            names.add(name);
          }
        }
      }
    }
    return names;
  }

  /**
   * Echoes the child's console report and sorts the selected tests: a test is detected when the
   * report says "{@code <test> [<jvm flags>]: Observed forbidden state}"; a test listed among the
   * errors ({@code [ERROR]} or another non-OK, non-FAILED tag) is recorded in {@code other}.
   */
  private static void readReport(InputStream in, Set<String> expected, Set<String> failed,
      Set<String> other) throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        System.out.println(line);
        Matcher forbidden = FORBIDDEN_LINE.matcher(line);
        if (forbidden.find() && expected.contains(forbidden.group(1))) {
          failed.add(forbidden.group(1));
          continue;
        }
        Matcher tag = RESULT_TAG.matcher(line);
        if (tag.find() && expected.contains(tag.group(2))
            && !tag.group(1).equals("OK") && !tag.group(1).equals("FAILED")) {
          other.add(tag.group(1) + " " + tag.group(2));
        }
      }
    }
  }

}
