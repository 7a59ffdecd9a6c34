package io.smolscale.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Micrometer example is a tested program, as the others are (impl's {@code
 * ReadmeExamplesTest}, which runs the {@code ```java} blocks against api and impl only): every
 * block fenced {@code ```java micrometer} (GitHub highlights it as Java) is compiled against this
 * module's test path (api, impl, this module, Micrometer), run in a fresh JVM, and its output must
 * equal the {@code ```text} block that follows it.
 */
class ReadmeMicrometerExampleTest {
  private static final String FENCE = "```java micrometer";
  private static final Pattern PUBLIC_CLASS = Pattern.compile("public\\s+class\\s+(\\w+)");

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void theMicrometerExampleCompilesRunsAndPrintsWhatTheReadmeSays(@TempDir Path dir)
      throws Exception {
    List<String> lines = Files.readAllLines(readme());
    int examples = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).equals(FENCE)) {
        continue;
      }
      examples++;
      int end = closing(lines, i + 1);
      String source = String.join("\n", lines.subList(i + 1, end)) + "\n";
      int out = next(lines, end + 1);
      assertTrue(
          out >= 0 && lines.get(out).equals("```text"),
          "the Micrometer example is followed by a ```text block with its output");
      String expected =
          lines.subList(out + 1, closing(lines, out + 1)).stream()
              .map(l -> l + "\n")
              .collect(Collectors.joining());

      Matcher m = PUBLIC_CLASS.matcher(source);
      assertTrue(m.find(), "the example declares a public class");
      Path src = dir.resolve("example" + examples);
      Files.createDirectories(src);
      Path file = src.resolve(m.group(1) + ".java");
      Files.writeString(file, source);
      String cp = testPath();
      String bin = Path.of(System.getProperty("java.home"), "bin").toString();
      exec(src, bin + "/javac", "-proc:none", "-Xlint:all", "-Werror", "-cp", cp, "-d", src.toString(),
          file.toString());
      String got = exec(src, bin + "/java", "-cp", src + File.pathSeparator + cp, m.group(1));
      assertEquals(expected, got.replace("\r\n", "\n"), "output of the Micrometer example");
    }
    assertEquals(1, examples, "the README has one " + FENCE + " block");
  }

  private static Path readme() {
    String p = System.getProperty("test.readme");
    return p != null && !p.isEmpty() ? Path.of(p) : Path.of("..", "README.md");
  }

  /** The index of the block that closes the one opened just before {@code from}. */
  private static int closing(List<String> lines, int from) {
    int i = next(lines, from);
    assertTrue(i >= 0, "a block of the README is closed, from line " + from);
    return i;
  }

  /** The index of the first fence line at or after {@code from}, or -1. */
  private static int next(List<String> lines, int from) {
    for (int i = from; i < lines.size(); i++) {
      if (lines.get(i).startsWith("```")) {
        return i;
      }
    }
    return -1;
  }

  /** This test JVM's module path and class path: the module, api, impl, Micrometer, JUnit. */
  private static String testPath() {
    return Stream.of("jdk.module.path", "java.class.path")
        .map(System::getProperty)
        .filter(v -> v != null && !v.isEmpty())
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static String exec(Path dir, String... command) throws Exception {
    Path err = dir.resolve("stderr.txt");
    Process p =
        new ProcessBuilder(new ArrayList<>(List.of(command)))
            .directory(dir.toFile())
            .redirectError(err.toFile())
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "finished: " + command[0]);
    assertEquals(
        0, p.exitValue(), String.join(" ", command) + " failed:\n" + Files.readString(err));
    return out;
  }
}
