package io.smolscale;

import java.lang.Thread.UncaughtExceptionHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The validated configuration of a scheduler. Built by {@link Scheduler.Builder}; for the global
 * scheduler, read from {@code smolscale.*} system properties (see {@link
 * Scheduler.Builder#fromSystemProperties()}).
 *
 * @param parallelism the number of workers that run tasks at once (not counting blocked ones)
 * @param maxThreads the cap on worker threads, blocked ones included
 * @param keepAlive how long an idle worker stays parked before it retires
 * @param preemption whether the monitor replaces workers stuck in one task
 * @param preemptionThreshold how long a worker may run one task before it is deemed blocked
 * @param balancerInterval the balancer's period while workers are active
 * @param spinBeforePark how long a worker that ran out of work may spin, watching for new work,
 *     before it parks (adaptive: only after short parks; zero turns spinning off)
 * @param threadNamePrefix prefix of worker thread names (a number follows)
 * @param threadFactory makes worker threads, or null for daemon threads named by the prefix
 * @param uncaughtExceptionHandler receives failures of detached tasks, or null for the thread's
 *     default handler
 * @param blockingThreads which threads run the blocking path
 * @param taskDecorator decorates every task and runnable at submission, or null (see {@link
 *     TaskDecorator})
 * @param taskNamesInThreads whether a named task's name is appended to its thread's name while
 *     it runs (see {@link Scheduler.Builder#taskNamesInThreads(boolean)})
 * @param jmxName the name under which the scheduler registers its MXBean ({@code
 *     io.smolscale:type=Scheduler,name=<jmxName>}), or null for none
 */
public record SchedulerConfig(
    int parallelism,
    int maxThreads,
    Duration keepAlive,
    boolean preemption,
    Duration preemptionThreshold,
    Duration balancerInterval,
    Duration spinBeforePark,
    String threadNamePrefix,
    @Nullable ThreadFactory threadFactory,
    @Nullable UncaughtExceptionHandler uncaughtExceptionHandler,
    BlockingThreads blockingThreads,
    @Nullable TaskDecorator taskDecorator,
    boolean taskNamesInThreads,
    @Nullable String jmxName) {

  /** Upper bound of {@link #parallelism()} and {@link #maxThreads()}. */
  public static final int MAX_THREADS_LIMIT = 32_767;

  /**
   * Upper bound of {@link #spinBeforePark()}: a spin is meant to bridge the gap between two
   * messages of an exchange, microseconds; a millisecond of spinning is already a waste of a core.
   */
  public static final Duration MAX_SPIN_BEFORE_PARK = Duration.ofMillis(1);

  /**
   * Validates the values.
   *
   * @param parallelism the number of workers that run tasks at once
   * @param maxThreads the cap on worker threads
   * @param keepAlive idle time before a worker retires
   * @param preemption whether stuck workers are replaced
   * @param preemptionThreshold time in one task before a worker is deemed blocked
   * @param balancerInterval the balancer's period
   * @param spinBeforePark the longest pre-park spin, zero to not spin
   * @param threadNamePrefix prefix of worker thread names
   * @param threadFactory makes worker threads, or null
   * @param uncaughtExceptionHandler receives failures of detached tasks, or null
   * @param blockingThreads which threads run the blocking path
   * @param taskDecorator decorates every task at submission, or null
   * @param taskNamesInThreads whether named tasks rename their thread while they run
   * @param jmxName the MXBean's name key, or null for no bean
   * @throws IllegalArgumentException naming the first bad value (also {@link
   *     BlockingThreads#VIRTUAL} on a JDK without virtual threads)
   * @throws NullPointerException if a required value is null
   */
  public SchedulerConfig {
    Objects.requireNonNull(keepAlive, "keepAlive");
    Objects.requireNonNull(preemptionThreshold, "preemptionThreshold");
    Objects.requireNonNull(balancerInterval, "balancerInterval");
    Objects.requireNonNull(spinBeforePark, "spinBeforePark");
    Objects.requireNonNull(threadNamePrefix, "threadNamePrefix");
    // The rules and their messages are shared with the builder's setters: see ConfigRules.
    ConfigRules.parallelism(parallelism);
    ConfigRules.maxThreads(parallelism, maxThreads);
    ConfigRules.positive("keepAlive", keepAlive);
    ConfigRules.positive("preemptionThreshold", preemptionThreshold);
    ConfigRules.balancerInterval(balancerInterval);
    ConfigRules.spinBeforePark(spinBeforePark);
    ConfigRules.threadNamePrefix(threadNamePrefix);
    ConfigRules.blockingThreads(blockingThreads);
    if (jmxName != null) {
      ConfigRules.jmxName(jmxName);
    }
  }

  /**
   * The configuration of the second release: no decorator, no task names in thread names, no
   * MXBean.
   *
   * @param parallelism the number of workers that run tasks at once
   * @param maxThreads the cap on worker threads
   * @param keepAlive idle time before a worker retires
   * @param preemption whether stuck workers are replaced
   * @param preemptionThreshold time in one task before a worker is deemed blocked
   * @param balancerInterval the balancer's period
   * @param spinBeforePark the longest pre-park spin, zero to not spin
   * @param threadNamePrefix prefix of worker thread names
   * @param threadFactory makes worker threads, or null
   * @param uncaughtExceptionHandler receives failures of detached tasks, or null
   * @param blockingThreads which threads run the blocking path
   * @throws IllegalArgumentException naming the first bad value
   * @throws NullPointerException if a required value is null
   */
  public SchedulerConfig(
      int parallelism,
      int maxThreads,
      Duration keepAlive,
      boolean preemption,
      Duration preemptionThreshold,
      Duration balancerInterval,
      Duration spinBeforePark,
      String threadNamePrefix,
      @Nullable ThreadFactory threadFactory,
      @Nullable UncaughtExceptionHandler uncaughtExceptionHandler,
      BlockingThreads blockingThreads) {
    this(parallelism, maxThreads, keepAlive, preemption, preemptionThreshold, balancerInterval,
        spinBeforePark, threadNamePrefix, threadFactory, uncaughtExceptionHandler,
        blockingThreads, null, false, null);
  }

  /**
   * The configuration of the first release, with {@link BlockingThreads#AUTO}.
   *
   * @param parallelism the number of workers that run tasks at once
   * @param maxThreads the cap on worker threads
   * @param keepAlive idle time before a worker retires
   * @param preemption whether stuck workers are replaced
   * @param preemptionThreshold time in one task before a worker is deemed blocked
   * @param balancerInterval the balancer's period
   * @param spinBeforePark the longest pre-park spin, zero to not spin
   * @param threadNamePrefix prefix of worker thread names
   * @param threadFactory makes worker threads, or null
   * @param uncaughtExceptionHandler receives failures of detached tasks, or null
   * @throws IllegalArgumentException naming the first bad value
   * @throws NullPointerException if a required value is null
   */
  public SchedulerConfig(
      int parallelism,
      int maxThreads,
      Duration keepAlive,
      boolean preemption,
      Duration preemptionThreshold,
      Duration balancerInterval,
      Duration spinBeforePark,
      String threadNamePrefix,
      @Nullable ThreadFactory threadFactory,
      @Nullable UncaughtExceptionHandler uncaughtExceptionHandler) {
    this(parallelism, maxThreads, keepAlive, preemption, preemptionThreshold, balancerInterval,
        spinBeforePark, threadNamePrefix, threadFactory, uncaughtExceptionHandler,
        BlockingThreads.AUTO, null, false, null);
  }

  /**
   * Whether the blocking path runs on virtual threads: {@link BlockingThreads#AUTO} resolved for
   * this JVM and this configuration (see there).
   *
   * @return true for virtual threads
   */
  public boolean blockingOnVirtualThreads() {
    switch (blockingThreads) {
      case VIRTUAL:
        return true;
      case PLATFORM:
        return false;
      default:
        return threadFactory == null && Runtime.version().feature() >= 24;
    }
  }
}
