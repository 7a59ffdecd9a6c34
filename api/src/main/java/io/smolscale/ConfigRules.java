package io.smolscale;

import java.time.Duration;
import java.util.Objects;

/**
 * The validation rules of a scheduler's configuration, written once: the setters of {@link
 * Scheduler.Builder} check each value as it is set, and the constructor of {@link
 * SchedulerConfig} checks all of them again (a record can be made without the builder). Both
 * throw the exceptions and messages of these methods, so a rule and its message cannot drift
 * apart between the two.
 *
 * <p>Each method returns the value it accepted, so that a setter can check and store in one
 * expression. Messages name the setting, its allowed range and the value given: {@code
 * "parallelism must be in [1, 32767], was 0"}. {@link Scheduler.Builder#fromProperties} prefixes
 * them with the property that carried the value.
 */
final class ConfigRules {
  /** Upper bound of {@link SchedulerConfig#balancerInterval()}, spelt "1 s" in the message. */
  private static final Duration MAX_BALANCER_INTERVAL = Duration.ofSeconds(1);

  private ConfigRules() {}

  /**
   * Checks a parallelism: in [1, {@link SchedulerConfig#MAX_THREADS_LIMIT}].
   *
   * @param parallelism the value
   * @return {@code parallelism}
   * @throws IllegalArgumentException if it is out of range
   */
  static int parallelism(int parallelism) {
    if (parallelism < 1 || parallelism > SchedulerConfig.MAX_THREADS_LIMIT) {
      throw new IllegalArgumentException(
          "parallelism must be in [1, " + SchedulerConfig.MAX_THREADS_LIMIT + "], was "
              + parallelism);
    }
    return parallelism;
  }

  /**
   * Checks a thread cap on its own, as {@link Scheduler.Builder#maxThreads} does before the
   * parallelism is known: in [1, {@link SchedulerConfig#MAX_THREADS_LIMIT}]. The cap is checked
   * against the parallelism later, by {@link #maxThreads(int, int)}.
   *
   * @param maxThreads the value
   * @return {@code maxThreads}
   * @throws IllegalArgumentException if it is out of range
   */
  static int maxThreads(int maxThreads) {
    if (maxThreads < 1 || maxThreads > SchedulerConfig.MAX_THREADS_LIMIT) {
      throw new IllegalArgumentException(
          "maxThreads must be in [1, " + SchedulerConfig.MAX_THREADS_LIMIT + "], was "
              + maxThreads);
    }
    return maxThreads;
  }

  /**
   * Checks a thread cap against the parallelism it must hold: in [{@code parallelism}, {@link
   * SchedulerConfig#MAX_THREADS_LIMIT}].
   *
   * @param parallelism the parallelism, already checked by {@link #parallelism(int)}
   * @param maxThreads the value
   * @return {@code maxThreads}
   * @throws IllegalArgumentException if it is out of range
   */
  static int maxThreads(int parallelism, int maxThreads) {
    if (maxThreads < parallelism || maxThreads > SchedulerConfig.MAX_THREADS_LIMIT) {
      throw new IllegalArgumentException(
          "maxThreads must be in [parallelism=" + parallelism + ", "
              + SchedulerConfig.MAX_THREADS_LIMIT + "], was " + maxThreads);
    }
    return maxThreads;
  }

  /**
   * Checks that a duration is set and positive (the keep-alive and the preemption threshold;
   * {@link #balancerInterval} uses it too).
   *
   * @param name the setting's name, for the messages
   * @param value the value
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null, with {@code name} as the message
   * @throws IllegalArgumentException if it is zero or negative
   */
  static Duration positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }

  /**
   * Checks a balancer period: positive and at most 1 s.
   *
   * @param interval the value
   * @return {@code interval}
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException if it is not positive or longer than 1 s
   */
  static Duration balancerInterval(Duration interval) {
    positive("balancerInterval", interval);
    if (interval.compareTo(MAX_BALANCER_INTERVAL) > 0) {
      throw new IllegalArgumentException("balancerInterval must be at most 1 s, was " + interval);
    }
    return interval;
  }

  /**
   * Checks a pre-park spin limit: in [0, {@link SchedulerConfig#MAX_SPIN_BEFORE_PARK}].
   *
   * @param spin the value
   * @return {@code spin}
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException if it is negative or above the maximum
   */
  static Duration spinBeforePark(Duration spin) {
    Objects.requireNonNull(spin, "spinBeforePark");
    if (spin.isNegative() || spin.compareTo(SchedulerConfig.MAX_SPIN_BEFORE_PARK) > 0) {
      throw new IllegalArgumentException(
          "spinBeforePark must be in [0, " + SchedulerConfig.MAX_SPIN_BEFORE_PARK + "], was "
              + spin);
    }
    return spin;
  }

  /**
   * Checks a worker thread name prefix: not empty.
   *
   * @param prefix the value
   * @return {@code prefix}
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException if it is empty
   */
  static String threadNamePrefix(String prefix) {
    Objects.requireNonNull(prefix, "threadNamePrefix");
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("threadNamePrefix must not be empty");
    }
    return prefix;
  }

  /**
   * Checks a choice of blocking-path threads: {@link BlockingThreads#VIRTUAL} needs virtual
   * threads (JDK 21+).
   *
   * @param mode the value
   * @return {@code mode}
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException if it is VIRTUAL on an older JDK
   */
  static BlockingThreads blockingThreads(BlockingThreads mode) {
    Objects.requireNonNull(mode, "blockingThreads");
    if (mode == BlockingThreads.VIRTUAL && Runtime.version().feature() < 21) {
      throw new IllegalArgumentException(
          "blockingThreads VIRTUAL needs virtual threads (JDK 21+), this is JDK "
              + Runtime.version().feature());
    }
    return mode;
  }

  /**
   * Checks an MXBean name key: letters, digits, '-' and '_' (so that it needs no quoting in an
   * {@code ObjectName}), and not {@code global}, the global scheduler's.
   *
   * @param name the value
   * @return {@code name}
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException if it is empty, has other characters, or is "global"
   */
  static String jmxName(String name) {
    Objects.requireNonNull(name, "jmxName");
    boolean plain =
        !name.isEmpty()
            && name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_');
    if (!plain) {
      throw new IllegalArgumentException(
          "jmxName must be letters, digits, '-' or '_', was \"" + name + "\"");
    }
    if (name.equals("global")) {
      throw new IllegalArgumentException("jmxName \"global\" is the global scheduler's");
    }
    return name;
  }

  /**
   * Checks a task name: not empty.
   *
   * @param name the value
   * @return {@code name}
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException if it is empty
   */
  static String taskName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("task name must not be empty");
    }
    return name;
  }
}
