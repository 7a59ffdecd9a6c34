package io.smolscale.impl.task;

import io.smolscale.TaskDecorator;
import java.util.Objects;
import java.util.function.Consumer;
import org.checkerframework.checker.lock.qual.GuardSatisfied;

/**
 * A raw runnable (an {@code execute}, a {@code CompletableFuture}'s async stage) wrapped in its
 * scheduler's {@link TaskDecorator} at submission. Tasks with a handle are decorated inside
 * {@link TaskImpl} instead; this is the handle-less counterpart, with the same promises: the
 * decorator is given a runnable that never throws (the raw runnable's exception goes to the
 * reporter, as it would undecorated) and runs at most once, and a decorator that returns without
 * running it is reported, so the runnable is never dropped without a word.
 *
 * <p>It keeps the raw runnable: the blocking predictor scores the runnable's class, not the
 * decorator's lambda (one class for every runnable, which would make one blocking runnable brand
 * them all), and {@code shutdownNow} returns what the user submitted.
 *
 * <p>Threads: made and decorated on the submitting thread, run on one worker; the queue's
 * release/acquire hand-off publishes the fields (all final but {@code ran}, which only the
 * running thread touches).
 */
public final class DecoratedRunnable implements Runnable {
  private final Once once;
  private final Runnable around;

  /**
   * Decorates {@code task} now, on this thread.
   *
   * @param task the raw runnable
   * @param decorator the scheduler's decorator
   * @param reporter receives the raw runnable's exception
   * @throws NullPointerException if the decorator returns null
   */
  public DecoratedRunnable(Runnable task, TaskDecorator decorator, Consumer<Throwable> reporter) {
    this.once = new Once(Objects.requireNonNull(task, "task"), reporter);
    this.around =
        Objects.requireNonNull(decorator.decorate(once), "taskDecorator returned null");
  }

  /**
   * What was submitted.
   *
   * @return the raw runnable
   */
  public Runnable task() {
    return once.task;
  }

  /**
   * Runs the decorator's runnable. Its own exception propagates (the worker reports it, as any
   * raw runnable's), and so does a decorator that never ran the task.
   *
   * @throws IllegalStateException if the decorator's runnable returned without running the task
   */
  @Override
  public void run() {
    around.run();
    if (!once.ran) {
      throw new IllegalStateException(
          "the task decorator's runnable returned without running " + once.task);
    }
  }

  /** The runnable the decorator is given; not this object, whose run() is the decorated one. */
  private static final class Once implements Runnable {
    final Runnable task;
    private final Consumer<Throwable> reporter;
    boolean ran;

    Once(Runnable task, Consumer<Throwable> reporter) {
      this.task = task;
      this.reporter = reporter;
    }

    @Override
    public void run() {
      if (ran) {
        throw new IllegalStateException("the task decorator ran the task twice: " + task);
      }
      ran = true;
      try {
        task.run();
      } catch (Throwable t) {
        reporter.accept(t);
      }
    }

    @Override
    public String toString(@GuardSatisfied Once this) {
      return task.toString();
    }
  }

  @Override
  public String toString(@GuardSatisfied DecoratedRunnable this) {
    return "decorated " + once.task;
  }
}
