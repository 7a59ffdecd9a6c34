package io.smolscale.jmh.harness;

import java.util.concurrent.Executor;

/**
 * The regression harness's negative control: a planted slowdown of smolscale, made here in the
 * benchmark harness and not in the scheduler, so that the production run loop carries no
 * benchmark switch.
 *
 * <p>When the system property {@value #PROPERTY} is set to N &gt; 0 in a forked JVM, {@link
 * ExecutorKind#SMOLSCALE}'s executor is wrapped: every task submitted through it runs, and then
 * the same worker thread busy-waits N ns ({@link Thread#onSpinWait}) before it returns to the
 * scheduler, also when the task threw. The delay is paid by smolscale's workers only; the peers
 * are never wrapped. Unset, zero or negative, the executor is handed out unwrapped, so a normal
 * run measures the scheduler and nothing else. {@code Regression --selftest} sets it in
 * smolscale's forks (default 20,000 ns) and passes only if the comparison flags the slowdown.
 *
 * <p>Every benchmark of the regression suite reaches smolscale only through this executor (the
 * harness submits Runnables and nothing else, see {@link ExecutorKind}), so every one of their
 * tasks pays the delay, a task submitted from inside a task included. Only the retained
 * benchmarks' handle-returning path ({@code Smolscale.spawn}) bypasses it; they measure memory
 * and are not part of the regression suite.
 */
public final class PlantedDelay {
  /** The system property: nanoseconds of busy wait after each smolscale task. */
  public static final String PROPERTY = "smolscale.debug.workerDelayNanos";

  private PlantedDelay() {}

  /**
   * The planted delay of this JVM.
   *
   * @return the value of {@value #PROPERTY}; 0 if it is not set or not a number ({@link
   *     Long#getLong(String, long)})
   */
  public static long nanos() {
    return Long.getLong(PROPERTY, 0L);
  }

  /**
   * Wraps an executor with this JVM's planted delay, if there is one.
   *
   * @param executor the executor under test
   * @return {@code executor} itself if {@link #nanos()} is not positive, else an executor that
   *     runs each task on {@code executor} followed by the busy wait
   */
  public static Executor wrap(Executor executor) {
    long nanos = nanos();
    if (nanos <= 0) {
      return executor;
    }
    return task -> {
      if (task == null) {
        throw new NullPointerException("task");
      }
      executor.execute(
          () -> {
            try {
              task.run();
            } finally {
              spin(nanos);
            }
          });
    };
  }

  /** Busy-waits on the calling thread, as a slower scheduler would spend the time. */
  private static void spin(long nanos) {
    long until = System.nanoTime() + nanos;
    while (System.nanoTime() - until < 0) {
      Thread.onSpinWait();
    }
  }
}
