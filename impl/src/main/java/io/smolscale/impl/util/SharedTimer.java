package io.smolscale.impl.util;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One daemon thread for every timer of the implementation (nursery deadlines, {@code
 * Task.cancelAfter}): no thread per timer, and no thread at all while no timer is pending.
 *
 * <p>A {@link ScheduledThreadPoolExecutor} with one core thread that may time out: its thread
 * starts with the first timer and exits {@code keepAlive} after the queue is empty (the executor
 * never retires its last thread while an entry is queued). Cancelled entries are removed from
 * the queue at once ({@code setRemoveOnCancelPolicy}), so a timer whose task finished first
 * keeps neither its task reachable nor the thread alive. Actions run on the timer thread and must
 * be short and must not throw (a cancel, a flag).
 *
 * <p>Happens-before: {@code schedule} happens-before the action runs (the executor's queue);
 * nothing else is shared. {@code lastThread} is volatile, written by the thread factory, read by
 * tests only.
 */
public final class SharedTimer {
  /** The implementation's timer, thread {@code smolscale-timer}, exits after 1 s idle. */
  public static final SharedTimer INSTANCE =
      new SharedTimer("smolscale-timer", Duration.ofSeconds(1));

  private final ScheduledThreadPoolExecutor executor;

  /** The thread started last (tests wait for it to exit). */
  private volatile @Nullable Thread lastThread;

  /**
   * Creates a timer; it starts no thread until the first {@link #schedule}.
   *
   * @param threadName the name of its thread
   * @param keepAlive how long its thread stays once no timer is pending, positive
   */
  public SharedTimer(String threadName, Duration keepAlive) {
    executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, threadName);
              th.setDaemon(true);
              lastThread = th;
              return th;
            });
    executor.setKeepAliveTime(keepAlive.toNanos(), TimeUnit.NANOSECONDS);
    executor.allowCoreThreadTimeOut(true);
    executor.setRemoveOnCancelPolicy(true);
  }

  /**
   * Runs {@code action} on the timer thread after {@code delayNanos}.
   *
   * @param action short, must not throw
   * @param delayNanos the delay; at most {@link Durations#FOREVER} is meaningful
   * @return the entry; cancelling it removes it from the queue
   */
  public ScheduledFuture<?> schedule(Runnable action, long delayNanos) {
    return executor.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Runs {@code action} on the timer thread after {@code delayNanos} unless {@code owner}
   * completes first: the owner's completion removes the entry (on the completing thread), so no
   * entry outlives what it was for (a task's timeout, a delay's stage).
   *
   * @param owner the future whose completion makes the entry moot
   * @param action short, must not throw
   * @param delayNanos the delay; at most {@link Durations#FOREVER} is meaningful
   */
  public void scheduleFor(CompletableFuture<?> owner, Runnable action, long delayNanos) {
    ScheduledFuture<?> entry = schedule(action, delayNanos);
    owner.whenComplete((v, e) -> entry.cancel(false));
  }

  /**
   * How many timers are pending (for tests and diagnostics).
   *
   * @return the queue's size
   */
  public int pending() {
    return executor.getQueue().size();
  }

  /**
   * The timer thread started last, alive or not (for tests: joining it waits for its exit).
   *
   * @return the thread, or null if none was ever started
   */
  public @Nullable Thread lastThread() {
    return lastThread;
  }
}
