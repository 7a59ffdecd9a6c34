package io.smolscale.impl;

/**
 * Compensation for code outside this package that waits on a worker: the channels' stages
 * ({@code impl.channel}) have no scheduler of their own (a channel works with any executor), yet
 * a {@code join()} on one, on a smolscale worker, must not hold the worker's parallelism slot
 * while it waits, or a one-worker scheduler deadlocks waiting for a sender queued behind it. So
 * they ask the current thread: if it is a worker of any smolscale scheduler, it is marked
 * blocked, exactly as {@code Task.join()} does (see {@link Blocking}).
 */
public final class WorkerWaits {
  private WorkerWaits() {}

  /**
   * Before a wait that may block.
   *
   * @return true if the current thread is a worker and was marked blocked; then {@link #end()}
   *     must follow the wait
   */
  public static boolean begin() {
    return Blocking.beginCompensation();
  }

  /** After the wait: the worker rejoins if parallelism allows. */
  public static void end() {
    Blocking.endCompensation();
  }
}
