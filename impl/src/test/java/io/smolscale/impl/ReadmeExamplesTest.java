package io.smolscale.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example in the project README is a tested program: each {@code ```java} block is a
 * complete compilation unit, compiled with the JDK's {@code javac} against this build's api and
 * impl, run in a fresh JVM (so that the JVM's exit, with smolscale's daemon workers, is part of
 * the test: an example that does not wait for its output loses it), and its standard output must
 * equal the {@code ```text} block that follows it. Each runs {@value #RUNS} times, to catch an
 * example whose output depends on a race.
 */
class ReadmeExamplesTest {
  private static final int RUNS = 3;
  private static final long PATIENCE_SECONDS = 60;
  private static final Pattern CLASS = Pattern.compile("public\\s+class\\s+(\\w+)");

  private static Path readme() {
    String p = System.getProperty("smolscale.readme");
    return p != null && !p.isEmpty() ? Path.of(p) : Path.of("..", "README.md");
  }

  /** The class path of this test JVM (api, impl, their dependencies), module path included. */
  private static String classPath() {
    List<String> parts = new ArrayList<>();
    for (String key : new String[] {"jdk.module.path", "java.class.path"}) {
      String v = System.getProperty(key);
      if (v != null && !v.isEmpty()) {
        parts.add(v);
      }
    }
    return String.join(File.pathSeparator, parts);
  }

  private static String run(Path dir, String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(false)
            .redirectError(dir.resolve("stderr.txt").toFile())
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS), "finished: " + String.join(" ", command));
    String err = Files.readString(dir.resolve("stderr.txt"));
    assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + err);
    return new String(out, StandardCharsets.UTF_8);
  }

  /** A fenced block of the README: its language tag and its text. */
  private record Block(String language, String text) {}

  private static List<Block> blocks(List<String> lines) {
    List<Block> out = new ArrayList<>();
    String language = null;
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      if (line.startsWith("```")) {
        if (language == null) {
          language = line.substring(3).trim();
          text.setLength(0);
        } else {
          out.add(new Block(language, text.toString()));
          language = null;
        }
      } else if (language != null) {
        text.append(line).append('\n');
      }
    }
    return out;
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = ThreadMode.SEPARATE_THREAD)
  void everyJavaBlockCompilesRunsAndPrintsWhatTheReadmeSays(@TempDir Path dir) throws Exception {
    List<Block> blocks = blocks(Files.readAllLines(readme()));
    String bin = Path.of(System.getProperty("java.home"), "bin").toString();
    String cp = classPath();
    int examples = 0;
    for (int b = 0; b < blocks.size(); b++) {
      if (!blocks.get(b).language().equals("java")) {
        continue;
      }
      examples++;
      assertTrue(
          b + 1 < blocks.size() && blocks.get(b + 1).language().equals("text"),
          "README example " + examples + " is followed by a ```text block with its output");
      String source = blocks.get(b).text();
      String expected = blocks.get(b + 1).text();
      Matcher c = CLASS.matcher(source);
      assertTrue(c.find(), "README example " + examples + " declares a public class:\n" + source);
      Path src = dir.resolve("ex" + examples);
      Files.createDirectories(src);
      Path file = src.resolve(c.group(1) + ".java");
      Files.writeString(file, source);
      run(src, bin + "/javac", "-proc:none", "-cp", cp, "-d", src.toString(), file.toString());
      for (int i = 0; i < RUNS; i++) {
        String out = run(src, bin + "/java", "-cp", src + File.pathSeparator + cp, c.group(1));
        assertEquals(expected, out.replace("\r\n", "\n"), "output of README example " + examples);
      }
    }
    assertFalse(examples == 0, "the README has examples");
  }
}
