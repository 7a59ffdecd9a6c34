package io.smolscale;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A handle to a task spawned on a {@link Scheduler}.
 *
 * <p>A task is both a {@link Future} and a {@link CompletionStage}. Its asynchronous
 * continuations ({@code thenApplyAsync(fn)} and the other {@code *Async} methods without an
 * executor argument) run on the task's scheduler, not on {@code ForkJoinPool.commonPool()}.
 *
 * <p>Memory effects: everything the spawning thread did before {@code spawn} happens-before the
 * task body starts; everything the body did happens-before {@link #join()}, {@link #get()} or a
 * dependent stage observes its completion.
 *
 * <p>Only the body decides the outcome. Outside code cannot complete a task: {@code complete},
 * {@code completeExceptionally}, {@code obtrudeValue}, {@code obtrudeException}, {@code
 * completeAsync}, {@code completeOnTimeout} and {@code orTimeout} of the implementing class throw
 * {@link UnsupportedOperationException}, and {@link #toCompletableFuture()} returns a new
 * dependent future that completes when the task does, which its caller may complete, time out or
 * cancel without changing the task (cancel the task itself with {@link #cancel}).
 *
 * <p>Failures never vanish. A task that fails keeps its exception for whoever joins it; a
 * {@linkplain #detach() detached} task that fails reports its exception to the scheduler's
 * uncaught-exception handler.
 *
 * @param <T> the type of the task's result
 */
public interface Task<T> extends Future<T>, CompletionStage<T> {

  /**
   * The life-cycle status of a task's body. Transitions only go forward: PENDING, RUNNING, then
   * one final status, decided by the body (or by {@link #cancel}) and never by outside code.
   *
   * <p>Not called {@code State}: JDK 19 added {@code Future.state()} returning {@code
   * Future.State}, which has no PENDING; a {@code Task.state()} returning another enum could not
   * be compiled against JDK 19+ at all. On JDK 19+ both are available and agree on the final
   * status ({@code SUCCESS}/{@code SUCCEEDED}, {@code FAILED}, {@code CANCELLED}).
   */
  enum Status {
    /** Spawned, not yet started. Cancelling a pending task means its body never runs. */
    PENDING,
    /** The body is running (for an async task: the stage it returned has not completed yet). */
    RUNNING,
    /** Completed with a result. */
    SUCCEEDED,
    /** Completed with an exception thrown by the body. */
    FAILED,
    /** Cancelled before it completed. */
    CANCELLED;

    /**
     * Tells whether this status is final.
     *
     * @return true for {@link #SUCCEEDED}, {@link #FAILED} and {@link #CANCELLED}
     */
    public boolean isDone() {
      return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
  }

  /**
   * Waits for the task and returns its result.
   *
   * <p>Called on a worker thread of a smolscale scheduler, the wait is compensated at once: the
   * worker hands its queue to the others and a replacement may start, so waiting never starves
   * other tasks.
   *
   * @return the result
   * @throws CompletionException wrapping the task's exception if it failed
   * @throws CancellationException if the task was cancelled
   */
  T join();

  /**
   * Waits at most {@code timeout} for the task and returns its result: {@link #join()} with a
   * bound. A task that is done returns (or throws) at once, however short the timeout.
   *
   * <p>Like {@link #join()}, a failure is thrown unchecked and the wait is compensated on a worker
   * thread. Like {@link Future#get(long, TimeUnit)} and {@code StructuredTaskScope.joinUntil}, a
   * timeout is a checked {@link TimeoutException}, so that it cannot pass for a result or a
   * failure, and the wait ends when the waiting thread is interrupted, so that cancelling the
   * waiting task (which interrupts it) also ends its wait. The timeout does not cancel the task;
   * for that, see {@link #cancelAfter(Duration)}.
   *
   * <p>The default implementation waits with {@link #get(long, TimeUnit)}, then reports the
   * outcome with {@link #join()}; a zero or negative timeout does not call {@code get} at all.
   *
   * @param timeout how long to wait; zero or negative: do not wait (answer only if done);
   *     anything over about 292 years waits as long as it takes
   * @return the result
   * @throws NullPointerException if {@code timeout} is null
   * @throws TimeoutException if the task is not done when the timeout passes (the task is not
   *     changed); its message names the timeout
   * @throws InterruptedException if the waiting thread was interrupted while it waited (seen only
   *     if the task is not done yet); the interrupt status is cleared
   * @throws CompletionException wrapping the task's exception if it failed, as {@link #join()}
   * @throws CancellationException if the task was cancelled
   */
  default T join(Duration timeout) throws InterruptedException, TimeoutException {
    Objects.requireNonNull(timeout, "timeout");
    if (!isDone()) {
      long nanos;
      try {
        nanos = timeout.toNanos();
      } catch (ArithmeticException tooLong) {
        nanos = Long.MAX_VALUE; // saturated: waits as long as it takes
      }
      if (nanos <= 0) {
        // Not get(0): on a worker it would compensate (hand the worker's queue away) for a wait
        // that cannot happen.
        throw new TimeoutException("task not done (timeout " + timeout + ")");
      }
      try {
        get(nanos, TimeUnit.NANOSECONDS);
      } catch (ExecutionException failed) {
        // reported below by join(), in its form
      } catch (TimeoutException e) {
        throw new TimeoutException("task not done within " + timeout);
      }
    }
    return join(); // done: does not wait, and reports a failure exactly as join() does
  }

  /**
   * The name the task was spawned with ({@link Scheduler#spawn(String, Callable)} and the other
   * named spawns), kept for the task's whole life.
   *
   * @return the name, or null for an unnamed task
   */
  default @Nullable String name() {
    return null;
  }

  /**
   * The task's current status.
   *
   * @return the status; never null
   */
  Status status();

  /**
   * Detaches the task: nobody will join it, so if it fails, its exception goes to the scheduler's
   * uncaught-exception handler instead of waiting in the handle. A task that already failed when
   * it is detached is reported at once. Detaching does not cancel the task. Idempotent.
   *
   * @return this task
   */
  Task<T> detach();

  /**
   * Tells whether {@link #detach()} was called.
   *
   * @return true if detached
   */
  boolean isDetached();

  /**
   * The exception the task failed with, if it failed.
   *
   * @return the body's exception when the status is FAILED, the {@link CancellationException} when
   *     it is CANCELLED, otherwise null
   */
  @Nullable Throwable failure();

  /**
   * Cancels the task if it has not completed.
   *
   * <p>A pending task never runs. A running task is interrupted only if {@code
   * mayInterruptIfRunning} is true; its result, when it finishes, is discarded. A cancelled
   * async task also cancels the stage its supplier returned, if that stage is a {@link Future}.
   *
   * @param mayInterruptIfRunning whether to interrupt the thread running the body
   * @return true if this call moved the task to CANCELLED
   */
  @Override
  boolean cancel(boolean mayInterruptIfRunning);

  /**
   * Cancels the task, interrupting its body, if it has not completed within {@code timeout} from
   * now: the timeout that stops the work, where {@link #join(Duration)} and the timeouts of a
   * {@link #toCompletableFuture()} copy only stop waiting for it.
   *
   * <p>When the timeout passes first, the task is cancelled as {@link #cancel cancel(true)} does
   * (a pending body never runs, a running body is interrupted, an async task's stage is
   * cancelled); it is then {@link Status#CANCELLED}, and {@link #failure()}, {@code join()} and
   * {@code get()} give a {@link TimeoutCancellationException} naming the timeout. A task that
   * completes first is not touched, and its timer is removed at once: no timer outlives its
   * task. Each call sets a timer of its own; the first to pass cancels. In a {@link Nursery}, a
   * child cancelled by its timeout is, like any cancelled child, not a failure of the nursery.
   *
   * <p>Timers need no thread per timer: smolscale keeps them on one shared daemon thread, which
   * exits when no timer is pending.
   *
   * <p>The default implementation throws {@link UnsupportedOperationException}; smolscale's tasks
   * implement it.
   *
   * @param timeout how long the task may take from now; zero or negative cancels it at once (if
   *     not done); anything over about 292 years never cancels it
   * @return this task
   * @throws NullPointerException if {@code timeout} is null
   */
  default Task<T> cancelAfter(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    throw new UnsupportedOperationException("cancelAfter is not supported by " + getClass());
  }

  /**
   * A new {@link CompletableFuture} that completes with the task's outcome. It is a copy: completing,
   * timing out or cancelling it does not change the task, whose outcome only its body decides.
   *
   * @return a new dependent future, not this task
   */
  @Override
  CompletableFuture<T> toCompletableFuture();

  // ---------------------------------------------------------------- typed continuations
  //
  // Every CompletionStage method is overridden here to return CompletableFuture (covariantly),
  // so that task.thenApply(f).join() compiles without toCompletableFuture(). The implementing
  // class is a CompletableFuture, whose own public methods (already returning CompletableFuture)
  // take precedence over these defaults; the defaults serve other implementations of Task only,
  // and go through toCompletableFuture(). The stage returned is a dependent, not the task: its
  // holder may complete it. Its *Async methods without an executor run on the task's scheduler,
  // and so do those of the stages derived from it; its join() and get() compensate on a worker
  // as the task's do (spec/README.md, section 2.4).

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
    return toCompletableFuture().thenApply(fn);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<U> thenApplyAsync(Function<? super T, ? extends U> fn) {
    return toCompletableFuture().thenApplyAsync(fn);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<U> thenApplyAsync(
      Function<? super T, ? extends U> fn, Executor executor) {
    return toCompletableFuture().thenApplyAsync(fn, executor);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
    return toCompletableFuture().thenAccept(action);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> thenAcceptAsync(Consumer<? super T> action) {
    return toCompletableFuture().thenAcceptAsync(action);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> thenAcceptAsync(Consumer<? super T> action, Executor executor) {
    return toCompletableFuture().thenAcceptAsync(action, executor);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> thenRun(Runnable action) {
    return toCompletableFuture().thenRun(action);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> thenRunAsync(Runnable action) {
    return toCompletableFuture().thenRunAsync(action);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> thenRunAsync(Runnable action, Executor executor) {
    return toCompletableFuture().thenRunAsync(action, executor);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U, V> CompletableFuture<V> thenCombine(
      CompletionStage<? extends U> other, BiFunction<? super T, ? super U, ? extends V> fn) {
    return toCompletableFuture().thenCombine(other, fn);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U, V> CompletableFuture<V> thenCombineAsync(
      CompletionStage<? extends U> other, BiFunction<? super T, ? super U, ? extends V> fn) {
    return toCompletableFuture().thenCombineAsync(other, fn);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U, V> CompletableFuture<V> thenCombineAsync(
      CompletionStage<? extends U> other,
      BiFunction<? super T, ? super U, ? extends V> fn,
      Executor executor) {
    return toCompletableFuture().thenCombineAsync(other, fn, executor);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<Void> thenAcceptBoth(
      CompletionStage<? extends U> other, BiConsumer<? super T, ? super U> action) {
    return toCompletableFuture().thenAcceptBoth(other, action);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<Void> thenAcceptBothAsync(
      CompletionStage<? extends U> other, BiConsumer<? super T, ? super U> action) {
    return toCompletableFuture().thenAcceptBothAsync(other, action);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<Void> thenAcceptBothAsync(
      CompletionStage<? extends U> other,
      BiConsumer<? super T, ? super U> action,
      Executor executor) {
    return toCompletableFuture().thenAcceptBothAsync(other, action, executor);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
    return toCompletableFuture().runAfterBoth(other, action);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action) {
    return toCompletableFuture().runAfterBothAsync(other, action);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> runAfterBothAsync(
      CompletionStage<?> other, Runnable action, Executor executor) {
    return toCompletableFuture().runAfterBothAsync(other, action, executor);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<U> applyToEither(
      CompletionStage<? extends T> other, Function<? super T, U> fn) {
    return toCompletableFuture().applyToEither(other, fn);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<U> applyToEitherAsync(
      CompletionStage<? extends T> other, Function<? super T, U> fn) {
    return toCompletableFuture().applyToEitherAsync(other, fn);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<U> applyToEitherAsync(
      CompletionStage<? extends T> other, Function<? super T, U> fn, Executor executor) {
    return toCompletableFuture().applyToEitherAsync(other, fn, executor);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> acceptEither(
      CompletionStage<? extends T> other, Consumer<? super T> action) {
    return toCompletableFuture().acceptEither(other, action);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> acceptEitherAsync(
      CompletionStage<? extends T> other, Consumer<? super T> action) {
    return toCompletableFuture().acceptEitherAsync(other, action);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> acceptEitherAsync(
      CompletionStage<? extends T> other, Consumer<? super T> action, Executor executor) {
    return toCompletableFuture().acceptEitherAsync(other, action, executor);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
    return toCompletableFuture().runAfterEither(other, action);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action) {
    return toCompletableFuture().runAfterEitherAsync(other, action);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<Void> runAfterEitherAsync(
      CompletionStage<?> other, Runnable action, Executor executor) {
    return toCompletableFuture().runAfterEitherAsync(other, action, executor);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<U> thenCompose(
      Function<? super T, ? extends CompletionStage<U>> fn) {
    return toCompletableFuture().thenCompose(fn);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<U> thenComposeAsync(
      Function<? super T, ? extends CompletionStage<U>> fn) {
    return toCompletableFuture().thenComposeAsync(fn);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<U> thenComposeAsync(
      Function<? super T, ? extends CompletionStage<U>> fn, Executor executor) {
    return toCompletableFuture().thenComposeAsync(fn, executor);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
    return toCompletableFuture().handle(fn);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn) {
    return toCompletableFuture().handleAsync(fn);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default <U> CompletableFuture<U> handleAsync(
      BiFunction<? super T, Throwable, ? extends U> fn, Executor executor) {
    return toCompletableFuture().handleAsync(fn, executor);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  @SuppressWarnings("keyfor") // the checker's JDK stub has ? super @KeyForBottom Throwable here
  default CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
    return toCompletableFuture().whenComplete(action);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  @SuppressWarnings("keyfor") // the checker's JDK stub has ? super @KeyForBottom Throwable here
  default CompletableFuture<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action) {
    return toCompletableFuture().whenCompleteAsync(action);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  @SuppressWarnings("keyfor") // the checker's JDK stub has ? super @KeyForBottom Throwable here
  default CompletableFuture<T> whenCompleteAsync(
      BiConsumer<? super T, ? super Throwable> action, Executor executor) {
    return toCompletableFuture().whenCompleteAsync(action, executor);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
    return toCompletableFuture().exceptionally(fn);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<T> exceptionallyAsync(Function<Throwable, ? extends T> fn) {
    return toCompletableFuture().exceptionallyAsync(fn);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<T> exceptionallyAsync(
      Function<Throwable, ? extends T> fn, Executor executor) {
    return toCompletableFuture().exceptionallyAsync(fn, executor);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<T> exceptionallyCompose(
      Function<Throwable, ? extends CompletionStage<T>> fn) {
    return toCompletableFuture().exceptionallyCompose(fn);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<T> exceptionallyComposeAsync(
      Function<Throwable, ? extends CompletionStage<T>> fn) {
    return toCompletableFuture().exceptionallyComposeAsync(fn);
  }

  /** {@inheritDoc} Typed as a {@link CompletableFuture}: see the note above. */
  @Override
  default CompletableFuture<T> exceptionallyComposeAsync(
      Function<Throwable, ? extends CompletionStage<T>> fn, Executor executor) {
    return toCompletableFuture().exceptionallyComposeAsync(fn, executor);
  }
}
