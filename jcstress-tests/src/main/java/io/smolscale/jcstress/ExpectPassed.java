package io.smolscale.jcstress;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real jcstress suite and succeeds only if every selected test ran and passed.
 *
 * <p>jcstress's own exit status is not enough: a test whose sanity check throws (for example a
 * {@code NoSuchMethodError} from classes compiled against an older {@code impl}) is SKIPPED and
 * counted as a "soft error", and jcstress still exits 0, so the build stayed green while the test
 * checked nothing (seen on 2026-11-26 with the task tests after a signature change). Here the
 * run is accepted only if jcstress exits 0 and its last progress line says every planned run
 * passed: {@code (Results: N planned; N passed, 0 failed, 0 soft errs, 0 hard errs)}, with N at
 * least the number of selected tests.
 *
 * <p>Usage: {@code ExpectPassed <jcstress.jar> <results dir> <test regexp> [jcstress options]}.
 */
public final class ExpectPassed {
  private static final Pattern RESULTS =
      Pattern.compile(
          "\\(Results: (\\d+) planned; (\\d+) passed, (\\d+) failed, (\\d+) soft errs,"
              + " (\\d+) hard errs\\)");

  private ExpectPassed() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: ExpectPassed <jcstress.jar> <results dir> <regexp> [options]");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    Set<String> selected = ExpectDetected.selectedTests(jar, Pattern.compile(args[2]));
    if (selected.isEmpty()) {
      System.err.println("ExpectPassed: no test in " + jar + " matches " + args[2]);
      System.exit(1);
    }
    System.out.println("ExpectPassed: " + selected.size() + " test(s) must run and pass");
    Process p = ExpectDetected.launch(jar, args[1], args[2], args);
    String last = null;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        System.out.println(line);
        if (RESULTS.matcher(line).find()) {
          last = line;
        }
      }
    }
    int code = p.waitFor();
    System.out.println();
    System.out.println("ExpectPassed: jcstress exit code " + code + ", last count " + last);
    Matcher m = last == null ? null : RESULTS.matcher(last);
    boolean counted = m != null && m.find();
    boolean ok =
        code == 0
            && counted
            && Long.parseLong(m.group(1)) >= selected.size()
            && m.group(1).equals(m.group(2))
            && m.group(3).equals("0")
            && m.group(4).equals("0")
            && m.group(5).equals("0");
    if (!ok) {
      System.out.println("ExpectPassed: FAILURE: not every selected test ran and passed (a"
          + " skipped test, a soft or hard error, or a forbidden outcome; see the report above)");
      System.exit(1);
    }
    System.out.println("ExpectPassed: all " + m.group(1) + " runs of " + selected.size()
        + " tests passed");
  }
}
