package io.smolscale;

import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A set of tasks whose handles are taken in the order the tasks complete: Tokio's {@code
 * JoinSet}, the JDK's {@link java.util.concurrent.ExecutorCompletionService}, and the joiners of
 * {@code StructuredTaskScope}, on a smolscale scheduler.
 *
 * <pre>{@code
 * JoinSet<Integer> set = Smolscale.joinSet();
 * for (String url : urls) {
 *   set.spawn(() -> fetchLength(url));
 * }
 * while (!set.isEmpty()) {
 *   Task<Integer> done = set.next(); // whichever finished first
 *   total += done.join();
 * }
 * }</pre>
 *
 * <p>Get one from {@link Scheduler#joinSet()} (its tasks run on that scheduler, unowned) or
 * {@link Nursery#joinSet()} (its tasks are children of the nursery, which still waits for them
 * and applies their error policy). Tasks spawned elsewhere can be {@linkplain #add added}.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>The set holds each task from its {@code spawn} or {@code add} until a call takes it
 *       ({@link #poll()}, {@link #poll(Duration)}, {@link #next()}, {@link #nextAsync()}, or the
 *       whole-set operations {@link #collect()} and {@link #firstSuccess()}); each task is taken
 *       once. {@link #size()} counts the tasks held, finished or not.
 *   <li>A finished task is taken in completion order; succeeded, failed and cancelled alike. A
 *       taken task is done: {@link Task#join()} on it does not wait.
 *   <li>Waiting on a worker thread is compensated, as {@link Scheduler#blockOn} is: the worker
 *       hands its queue over and a replacement may start, so a task waiting on its siblings never
 *       starves them.
 *   <li>A wait that times out or is interrupted takes nothing: no task is lost to a waiter that
 *       gave up.
 *   <li>Waiting on an empty set does not wait: {@link #next()} and {@link #nextAsync()} fail with
 *       {@link NoSuchElementException}, {@link #poll(Duration)} returns null at once.
 * </ul>
 *
 * <p>Thread-safe: any thread may spawn, add and take. Memory effects: everything a task's body did
 * happens-before the call that takes its handle returns.
 *
 * @param <T> the tasks' result type
 */
public interface JoinSet<T> {

  /**
   * Spawns a task into the set, on the set's scheduler (as a child, for a nursery's set).
   *
   * @param body the task's body
   * @return the task's handle (also taken from the set once it completes)
   * @throws NullPointerException if {@code body} is null
   * @throws IllegalStateException if the set's nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  Task<T> spawn(Callable<T> body);

  /**
   * Spawns an asynchronous task into the set: the task completes when the stage its body returns
   * completes.
   *
   * @param body returns the stage whose outcome is the task's
   * @return the task's handle
   * @throws NullPointerException if {@code body} is null
   * @throws IllegalStateException if the set's nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  Task<T> spawnAsync(Supplier<? extends CompletionStage<T>> body);

  /**
   * Spawns a named task into the set: see {@link #spawn(Callable)}. The name is for people
   * reading diagnostics, as for {@link Scheduler#spawn(String, Callable)}: {@link Task#name()},
   * the task's {@code toString()}, the {@code io.smolscale.WorkerBlocked} Flight Recorder event and
   * the starvation warning name it, with {@link Scheduler.Builder#taskNamesInThreads(boolean)} the
   * thread's name carries it while the body runs, and a nursery's failure names the child by it.
   *
   * <p>The default implementation checks the name and spawns the body unnamed; smolscale's join
   * sets keep the name.
   *
   * @param name the task's name, not empty
   * @param body the task's body
   * @return the task's handle (also taken from the set once it completes)
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws IllegalStateException if the set's nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  default Task<T> spawn(String name, Callable<T> body) {
    ConfigRules.taskName(name);
    return spawn(body);
  }

  /**
   * Spawns a named asynchronous task into the set: see {@link #spawnAsync(Supplier)} and, for the
   * name, {@link #spawn(String, Callable)}. The name is in the thread's name while the supplier
   * runs (not while the stage it returned completes).
   *
   * <p>The default implementation checks the name and spawns the body unnamed; smolscale's join
   * sets keep the name.
   *
   * @param name the task's name, not empty
   * @param body returns the stage whose outcome is the task's
   * @return the task's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws IllegalStateException if the set's nursery no longer accepts children
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  default Task<T> spawnAsync(String name, Supplier<? extends CompletionStage<T>> body) {
    ConfigRules.taskName(name);
    return spawnAsync(body);
  }

  /**
   * Adds a task spawned elsewhere (on any scheduler); it is taken like the others once it
   * completes, at once if it already has. Each {@code add} is an entry of its own: a task added
   * twice is taken twice (as with {@link java.util.concurrent.ExecutorCompletionService}; the set
   * does not look tasks up by identity).
   *
   * @param task the task
   * @return this set
   * @throws NullPointerException if {@code task} is null
   */
  JoinSet<T> add(Task<T> task);

  /**
   * The number of tasks the set holds: spawned or added and not yet taken, finished or not.
   *
   * @return the count
   */
  int size();

  /**
   * Whether the set holds no task (every task added has been taken).
   *
   * @return true if {@link #size()} is 0
   */
  boolean isEmpty();

  /**
   * Takes the task that completed first among those not yet taken, without waiting.
   *
   * @return the task, or null if none of the tasks held has completed (or the set is empty)
   */
  @Nullable Task<T> poll();

  /**
   * Takes the next task to complete, waiting at most {@code timeout} for one.
   *
   * @param timeout how long to wait; zero or negative: do not wait
   * @return the task, or null if none completed in time or the set is empty
   * @throws NullPointerException if {@code timeout} is null
   * @throws InterruptedException if the thread was interrupted while it waited (no task is taken;
   *     the interrupt status is cleared)
   */
  @Nullable Task<T> poll(Duration timeout) throws InterruptedException;

  /**
   * Takes the next task to complete, waiting as long as it takes.
   *
   * @return the task
   * @throws NoSuchElementException if the set is empty
   * @throws InterruptedException if the thread was interrupted while it waited (no task is taken;
   *     the interrupt status is cleared)
   */
  Task<T> next() throws InterruptedException;

  /**
   * The next task to complete, as a stage: for code that must not block. Stages and blocking
   * callers are served in the order they asked. The holder may give up: cancelling or completing
   * the stage (its {@code toCompletableFuture()} is the stage itself; {@code orTimeout} works)
   * withdraws it, and then it takes nothing; that call returns false, and changes nothing, if the
   * stage was handed its task first. {@code obtrudeValue} and {@code obtrudeException} throw
   * {@link UnsupportedOperationException}.
   *
   * @return a stage completed with the task, or failed with {@link NoSuchElementException} if the
   *     set is empty when it is called
   */
  CompletionStage<Task<T>> nextAsync();

  /**
   * Takes every task and returns their results in the order the tasks entered the set (not the
   * order they completed). The first task to fail or be cancelled ends the wait: every task still
   * held is cancelled (interrupting the running ones) and taken, and its failure is thrown.
   *
   * @return the results, in the order the tasks were spawned or added; empty for an empty set
   * @throws CompletionException wrapping the failure of the first task to fail
   * @throws java.util.concurrent.CancellationException if the first task to end that way was
   *     cancelled
   * @throws InterruptedException if interrupted while waiting (the tasks not yet taken stay in
   *     the set, and are not cancelled; those already taken are gone from it)
   */
  List<T> collect() throws InterruptedException;

  /**
   * Returns the result of the first task to succeed, after cancelling the others (interrupting the
   * running ones) and taking them: a race, as {@link java.util.concurrent.ExecutorService#invokeAny}
   * and Tokio's {@code select!} over a set. Failures before the first success are kept: if every
   * task fails, the first failure is thrown, the later ones suppressed on it.
   *
   * @return the first successful result
   * @throws NoSuchElementException if the set is empty
   * @throws CompletionException if every task failed or was cancelled: its cause is the first
   *     task's failure (a {@link java.util.concurrent.CancellationException} for a cancelled one),
   *     and the other tasks' failures are suppressed on it, in completion order
   * @throws InterruptedException if interrupted while waiting (the tasks not yet taken stay in
   *     the set, and are not cancelled)
   */
  T firstSuccess() throws InterruptedException;

  /**
   * Cancels every task held (interrupting the running ones). They stay in the set, to be taken
   * as cancelled (or as they completed, if they were done first). One task after another, not
   * atomically: a task that completes meanwhile is taken as it completed.
   *
   * @return the number of tasks this call cancelled
   */
  int cancelAll();
}
