package io.smolscale.impl.task;

import java.util.concurrent.Executor;

/**
 * What a thread does around a blocking wait so that the wait does not starve other tasks: on a
 * worker of the scheduler, {@link #beginBlocking()} marks the worker blocked at once (handing its
 * queue over and letting a replacement start), as {@code ForkJoinPool.managedBlock} compensates,
 * but without the blocking code having to ask.
 *
 * <p>It is also the {@link Executor} a task's {@code *Async} continuations run on: a stage keeps
 * one reference to its scheduler for both (one field per task, not two).
 */
public interface Compensator extends Executor {

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
