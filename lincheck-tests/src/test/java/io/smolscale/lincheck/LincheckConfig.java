package io.smolscale.lincheck;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * The two sizes every test here runs at, chosen by the system property {@code
 * smolscale.lincheck.mode} (the pom sets it; {@code -Pstress} switches to {@code stress}).
 *
 * <ul>
 *   <li>{@code ci}: 20 scenarios x 1,000 invocations for both strategies (the "about 20 x
 *       1,000"); 2 threads of 3 operations, with 1 before and 1 after. About 4 minutes for the
 *       module on the two-core machine (see the README).
 *   <li>{@code stress}: Lincheck's own defaults (100 scenarios x 10,000 invocations; an earlier
 *       version also raised the threads to 3, and one model-checking test then ran for more than
 *       28 minutes on two cores, see the README); {@code smolscale.lincheck.scenarios} changes
 *       the number of scenarios only.
 * </ul>
 */
public final class LincheckConfig {
  private LincheckConfig() {}

  /** True when the long (nightly) sizes were asked for. */
  public static boolean stressMode() {
    return "stress".equals(System.getProperty("smolscale.lincheck.mode", "ci"));
  }

  /** Model checking (all interleavings up to the bounds, sequentially consistent memory). */
  public static ModelCheckingOptions modelChecking() {
    ModelCheckingOptions o = new ModelCheckingOptions();
    return stressMode() ? long_(o) : sized(o);
  }

  /**
   * Model checking for the negative controls ({@code broken/}), the same in both modes: 30
   * scenarios x 1,000 invocations of the CI shape. A control must show that the suite catches its
   * bug, so it keeps the shape known to catch it: with Lincheck's default shape (5 operations
   * before the parallel part) the task-cell control was usually finished before the race began
   * and 30 default-shape scenarios missed it (seen in the first {@code -Pstress} run).
   */
  public static ModelCheckingOptions negativeControl() {
    return sized(new ModelCheckingOptions()).iterations(30);
  }

  /**
   * For objects that change state once (a task, a one-shot channel): at most one operation
   * before the parallel part, in both modes. With Lincheck's default five, the object has almost
   * always reached its final state before the threads start, so the race the test is for is
   * rarely in the scenario.
   *
   * @param o options from {@link #modelChecking()} or {@link #stress()}
   * @return {@code o}
   */
  public static <O extends org.jetbrains.lincheck.datastructures.Options<O, ?>> O oneShot(O o) {
    return o.actorsBefore(1);
  }

  /** Stress testing (real threads, real memory model, random scheduling). */
  public static StressOptions stress() {
    StressOptions o = new StressOptions();
    return stressMode() ? long_(o) : sized(o);
  }

  /**
   * The long mode: Lincheck's defaults, except that the number of scenarios can be lowered (or
   * raised) with {@code -Dsmolscale.lincheck.scenarios=N} to fit a time budget; each scenario
   * keeps Lincheck's default shape and 10,000 invocations, so the time is about proportional to
   * N (see the README for the measured cost per scenario).
   */
  private static <O extends org.jetbrains.lincheck.datastructures.Options<O, ?>> O long_(O o) {
    String n = System.getProperty("smolscale.lincheck.scenarios", "").trim();
    if (n.isEmpty()) {
      return o;
    }
    int scenarios;
    try {
      scenarios = Integer.parseInt(n);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "smolscale.lincheck.scenarios must be a positive integer, got \"" + n + "\"", e);
    }
    if (scenarios < 1) {
      throw new IllegalArgumentException(
          "smolscale.lincheck.scenarios must be a positive integer, got " + scenarios);
    }
    return o.iterations(scenarios);
  }

  private static <O extends org.jetbrains.lincheck.datastructures.Options<O, ?>> O sized(O o) {
    // Kept in step with the README's CI sizes.
    return o.iterations(20)
        .invocationsPerIteration(1_000)
        .threads(2)
        .actorsPerThread(3)
        .actorsBefore(1)
        .actorsAfter(1);
  }
}
