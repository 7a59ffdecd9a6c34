package io.smolscale.impl.task;

import io.smolscale.TaskDecorator;
import java.util.concurrent.Executor;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What a thread does around a blocking wait so that the wait does not starve other tasks: on a
 * worker of the scheduler, {@link #beginBlocking()} marks the worker blocked at once (handing its
 * queue over and letting a replacement start), as {@code ForkJoinPool.managedBlock} compensates,
 * but without the blocking code having to ask.
 *
 * <p>It is also the {@link Executor} a task's {@code *Async} continuations run on: a stage keeps
 * one reference to its scheduler for both (one field per task, not two). And it is where a task
 * finds the rest of its scheduler's per-task settings (the decorator, task names), for the same
 * reason. Tests of the task protocols implement only the two compensation methods.
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

  /**
   * The decorator every task of this scheduler is wrapped in at its creation.
   *
   * @return the decorator, or null for none
   */
  default @Nullable TaskDecorator taskDecorator() {
    return null;
  }

  /**
   * Whether a named task renames its thread while it runs.
   *
   * @return true to rename
   */
  default boolean taskNamesInThreads() {
    return false;
  }

  /**
   * Notes, for diagnostics, the name of the task that now runs on the current thread, if it is a
   * worker: called by a named task before and after its body.
   *
   * @param name the running task's name, or what this returned before, to restore it
   * @return the name noted before this call, or null
   */
  default @Nullable String swapRunningName(@Nullable String name) {
    return null;
  }
}
