package io.smolscale;

import java.time.Duration;
import org.checkerframework.checker.lock.qual.GuardSatisfied;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Structured concurrency: a scope that owns the tasks spawned into it.
 *
 * <pre>{@code
 * try (Nursery nursery = Smolscale.nursery()) {
 *   Task<String> a = nursery.spawn(() -> fetch("a"));
 *   Task<String> b = nursery.spawn(() -> fetch("b"));
 * } // waits for a and b; if one fails, the other is cancelled and the failure is thrown here
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>{@link #close()} waits for every child to finish, including children spawned while it
 *       waits.
 *   <li>A child that fails is handed to its {@link ErrorPolicy} ({@link ErrorPolicy#PROPAGATE}
 *       unless told otherwise). The first propagated failure cancels the remaining children
 *       (interrupting the running ones) and is thrown from {@code close()} as the cause of a
 *       {@link ChildFailedException}; later propagated failures are suppressed on it.
 *   <li>A nursery created with a deadline cancels the children still running when the deadline
 *       passes; {@code close()} then throws {@link java.util.concurrent.CancellationException}
 *       unless a failure was propagated first.
 *   <li>After {@code close()} or {@code closeAsync()} has begun and every child has finished, or
 *       after a failure was propagated, spawning throws {@link IllegalStateException}.
 *   <li>Nurseries nest: a child may open its own nursery; cancelling the outer child interrupts
 *       the inner {@code close()}, which cancels the inner children.
 * </ul>
 *
 * <p>A nursery is thread-safe: any thread, including its children, may spawn into it.
 */
public interface Nursery extends AutoCloseable {

  /**
   * Spawns a child that returns a value, with the {@link ErrorPolicy#PROPAGATE} policy.
   *
   * @param body the child's body
   * @param <T> the result type
   * @return the child's handle
   * @throws NullPointerException if {@code body} is null
   * @throws IllegalStateException if the nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  <T> Task<T> spawn(Callable<T> body);

  /**
   * Spawns a child that returns a value, with the given error policy.
   *
   * @param body the child's body
   * @param policy what the child's failure means for the nursery
   * @param <T> the result type
   * @return the child's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  <T> Task<T> spawn(Callable<T> body, ErrorPolicy policy);

  /**
   * Spawns a named child that returns a value, with the given error policy. The name is the
   * task's, as {@link Scheduler#spawn(String, Callable)} describes; the nursery's error messages
   * (a {@link ChildFailedException}) name the child by it too.
   *
   * <p>The default implementation checks the name and spawns the child unnamed; smolscale's
   * nurseries keep the name.
   *
   * @param name the child's name, not empty
   * @param body the child's body
   * @param policy what the child's failure means for the nursery
   * @param <T> the result type
   * @return the child's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws IllegalStateException if the nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  default <T> Task<T> spawn(String name, Callable<T> body, ErrorPolicy policy) {
    ConfigRules.taskName(name);
    return spawn(body, policy);
  }

  /**
   * Spawns a named child that returns a value, with the {@link ErrorPolicy#PROPAGATE} policy: see
   * {@link #spawn(String, Callable, ErrorPolicy)}.
   *
   * @param name the child's name, not empty
   * @param body the child's body
   * @param <T> the result type
   * @return the child's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws IllegalStateException if the nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  default <T> Task<T> spawn(String name, Callable<T> body) {
    return spawn(name, body, ErrorPolicy.PROPAGATE);
  }

  /**
   * Spawns a named child with no result whose body may throw a checked exception, with the given
   * error policy: see {@link #spawn(String, Callable, ErrorPolicy)}.
   *
   * <p>The default implementation checks the name and spawns the child unnamed; smolscale's
   * nurseries keep the name.
   *
   * @param name the child's name, not empty
   * @param body the child's body
   * @param policy what the child's failure means for the nursery
   * @return the child's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws IllegalStateException if the nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  default Task<Void> spawn(String name, CheckedRunnable body, ErrorPolicy policy) {
    ConfigRules.taskName(name);
    return spawn(body, policy);
  }

  /**
   * Spawns a named child with no result whose body may throw a checked exception, with the {@link
   * ErrorPolicy#PROPAGATE} policy.
   *
   * @param name the child's name, not empty
   * @param body the child's body
   * @return the child's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws IllegalStateException if the nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  default Task<Void> spawn(String name, CheckedRunnable body) {
    return spawn(name, body, ErrorPolicy.PROPAGATE);
  }

  /**
   * Spawns a named child with no result, with the {@link ErrorPolicy#PROPAGATE} policy.
   *
   * @param name the child's name, not empty
   * @param body the child's body
   * @return the child's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws IllegalStateException if the nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  default Task<Void> spawn(String name, Runnable body) {
    Objects.requireNonNull(body, "body");
    return spawn(name, body instanceof CheckedRunnable ? (CheckedRunnable) body : body::run);
  }

  /**
   * Spawns a child with no result, with the {@link ErrorPolicy#PROPAGATE} policy.
   *
   * @param body the child's body
   * @return the child's handle
   * @throws NullPointerException if {@code body} is null
   * @throws IllegalStateException if the nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  Task<Void> spawn(Runnable body);

  /**
   * Spawns a child with no result, with the given error policy.
   *
   * <p>The default implementation spawns an adapter through {@link #spawn(CheckedRunnable,
   * ErrorPolicy)}; smolscale's nurseries override it to run the body itself.
   *
   * @param body the child's body
   * @param policy what the child's failure means for the nursery
   * @return the child's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  default Task<Void> spawn(Runnable body, ErrorPolicy policy) {
    Objects.requireNonNull(body, "body");
    return spawn((CheckedRunnable) body::run, policy);
  }

  /**
   * Spawns a child with no result whose body may throw a checked exception, with the {@link
   * ErrorPolicy#PROPAGATE} policy: {@code nursery.spawn(() -> { Thread.sleep(5); })}. The child
   * FAILS with the body's exception, unwrapped (see {@link CheckedRunnable}).
   *
   * <p>The default implementation calls {@link #spawn(CheckedRunnable, ErrorPolicy)}.
   *
   * @param body the child's body
   * @return the child's handle
   * @throws NullPointerException if {@code body} is null
   * @throws IllegalStateException if the nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  default Task<Void> spawn(CheckedRunnable body) {
    return spawn(body, ErrorPolicy.PROPAGATE);
  }

  /**
   * Spawns a child with no result whose body may throw a checked exception, with the given error
   * policy.
   *
   * <p>The default implementation spawns an adapter through {@link #spawn(Callable, ErrorPolicy)};
   * smolscale's nurseries override it to run the body itself.
   *
   * @param body the child's body
   * @param policy what the child's failure means for the nursery
   * @return the child's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  default Task<Void> spawn(CheckedRunnable body, ErrorPolicy policy) {
    Objects.requireNonNull(body, "body");
    return spawn(
        () -> {
          body.runChecked();
          return null;
        },
        policy);
  }

  /**
   * Spawns an asynchronous child: the supplier runs on the scheduler, and the child completes
   * when the stage it returns completes.
   *
   * @param body supplies the stage
   * @param policy what the child's failure means for the nursery
   * @param <T> the result type
   * @return the child's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  <T> Task<T> spawnAsync(Supplier<? extends CompletionStage<T>> body, ErrorPolicy policy);

  /**
   * Spawns an asynchronous child with the {@link ErrorPolicy#PROPAGATE} policy.
   *
   * @param body supplies the stage
   * @param <T> the result type
   * @return the child's handle
   * @throws NullPointerException if {@code body} is null
   * @throws IllegalStateException if the nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  <T> Task<T> spawnAsync(Supplier<? extends CompletionStage<T>> body);

  /**
   * Creates an empty {@link JoinSet} whose tasks are children of this nursery with the {@link
   * ErrorPolicy#PROPAGATE} policy: a failing one fails the nursery (cancelling its siblings) and
   * is also taken from the set as failed. For a race or for failures handled one by one, use
   * {@link #joinSet(ErrorPolicy)} with {@link ErrorPolicy#IGNORE}.
   *
   * @param <T> the tasks' result type
   * @return a new join set
   */
  default <T> JoinSet<T> joinSet() {
    return joinSet(ErrorPolicy.PROPAGATE);
  }

  /**
   * Creates an empty {@link JoinSet} whose tasks are children of this nursery with the given
   * error policy. The nursery still waits for them in {@code close()}, whether or not they were
   * taken from the set.
   *
   * <p>A {@code default} method only so that the API stays compatible for other implementations
   * of this interface, which throw {@link UnsupportedOperationException}; smolscale's nurseries
   * implement it.
   *
   * @param policy what a failing task of the set means for the nursery
   * @param <T> the tasks' result type
   * @return a new join set
   * @throws NullPointerException if {@code policy} is null
   * @throws UnsupportedOperationException if this implementation has no join sets
   */
  default <T> JoinSet<T> joinSet(ErrorPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    throw new UnsupportedOperationException(getClass().getName() + " has no join sets");
  }

  /**
   * Cancels every child that has not finished (interrupting running ones). {@code close()} then
   * throws {@link java.util.concurrent.CancellationException} unless a failure was propagated
   * first. Idempotent.
   */
  void cancel();

  /**
   * Tells how many children have been spawned and not finished yet.
   *
   * @return the number of live children
   */
  int liveChildren();

  /**
   * The nursery's deadline, if it was created with one.
   *
   * @return the time left before the children are cancelled, or null for no deadline
   */
  @org.checkerframework.checker.nullness.qual.Nullable Duration remaining();

  /**
   * Waits until every child has finished.
   *
   * <p>On a worker thread of a smolscale scheduler the wait is compensated at once (as {@link
   * Task#join()} is). If the waiting thread is interrupted, the remaining children are cancelled,
   * {@code close()} still waits for them to stop, restores the interrupt status and throws
   * {@link java.util.concurrent.CancellationException}.
   *
   * @throws ChildFailedException if a child's failure was propagated
   * @throws java.util.concurrent.CancellationException if the nursery was cancelled, passed its
   *     deadline or its waiting thread was interrupted
   */
  @Override
  void close(@GuardSatisfied Nursery this);

  /**
   * The non-blocking form of {@link #close()} for asynchronous code: the returned stage completes
   * when every child has finished, normally or with the exception {@code close()} would throw.
   *
   * @return a stage completed when the nursery is done
   */
  CompletionStage<Void> closeAsync();
}
