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
 *   <li>{@code stress}: Lincheck's own defaults, untouched (100 scenarios x 10,000 invocations;
 *       an earlier version also raised the threads to 3, and one model-checking test then ran for
 *       more than 28 minutes on two cores, see the README).
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
    return stressMode() ? o : sized(o);
  }

  /** Stress testing (real threads, real memory model, random scheduling). */
  public static StressOptions stress() {
    StressOptions o = new StressOptions();
    return stressMode() ? o : sized(o);
  }

  private static <O extends org.jetbrains.lincheck.datastructures.Options<O, ?>> O sized(O o) {
    return o.iterations(20)
        .invocationsPerIteration(1_000)
        .threads(2)
        .actorsPerThread(3)
        .actorsBefore(1)
        .actorsAfter(1);
  }
}
