package io.smolscale.lincheck;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * The two sizes every test here runs at, chosen by the system property {@code
 * smolscale.lincheck.mode} (the pom sets it; {@code -Pstress} switches to {@code stress}).
 *
 * <ul>
 *   <li>{@code ci}: model checking 10 scenarios x 1,000 invocations, stress 5 x 500; 2 threads
 *       of 3 operations, with 1 before and 1 after. (20 x 1,000 for both took about 9 minutes
 *       for the module on the shared two-core machine; see the README.) Lincheck's defaults (100 x 10,000) take minutes per test on two cores.
 *   <li>{@code stress}: Lincheck's own defaults for scenario count and invocations, 3 threads.
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
    return stressMode() ? o.threads(3) : sized(o).iterations(10);
  }

  /** Stress testing (real threads, real memory model, random scheduling). */
  public static StressOptions stress() {
    StressOptions o = new StressOptions();
    // Stress runs are real threads meeting at a barrier per invocation: on a shared two-core CI
    // machine each costs milliseconds, so CI uses fewer scenarios and invocations.
    return stressMode() ? o.threads(3) : sized(o).iterations(5).invocationsPerIteration(500);
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
