package io.smolscale.impl.task;

/**
 * What a thread does around a blocking wait so that the wait does not starve other tasks: on a
 * worker of the scheduler, {@link #beginBlocking()} marks the worker blocked at once (handing its
 * queue over and letting a replacement start), as {@code ForkJoinPool.managedBlock} compensates,
 * but without the blocking code having to ask.
 */
public interface Compensator {

  /**
   * Called before a wait that may block.
   *
   * @return true if the current worker was marked blocked by this call; the caller must then call
   *     {@link #endBlocking()} after the wait
   */
  boolean beginBlocking();

  /** Called after the wait: the worker rejoins if parallelism allows, else stays blocked until its task ends. */
  void endBlocking();
}
