package io.smolscale.impl.task;

import io.smolscale.CheckedRunnable;
import io.smolscale.ChildFailedException;
import io.smolscale.ErrorPolicy;
import io.smolscale.JoinSet;
import io.smolscale.Nursery;
import io.smolscale.Task;
import io.smolscale.impl.util.Durations;
import io.smolscale.impl.util.SharedTimer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.checkerframework.checker.lock.qual.GuardSatisfied;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A nursery: the children spawned into it, their failures, and the wait for all of them.
 *
 * <h2>Implementation overview</h2>
 *
 * <p>One lock guards the set of live children and the nursery's state (accepting, closing,
 * failed, cancelled). Each child carries a callback ({@link #childDone}) that runs once the child
 * is done <em>and</em> its body has stopped ({@link TaskImpl#whenStopped}: a child cancelled
 * while running is done at once but still unwinding, and no child may outlive {@code close()}),
 * on the thread that brought the later of the two: it applies the child's {@link ErrorPolicy} outside the lock,
 * records a propagated failure (the first one wins and cancels the remaining children; later ones
 * are kept as suppressed), removes the child, and completes {@code outcome} when the nursery is
 * closing and no child is left. {@link #close()} waits on {@code outcome}, compensating on a worker
 * (see {@link Compensator}); {@link #closeAsync()} returns it.
 *
 * <p>Unlike the original smolscale's nursery, a propagated failure cancels the siblings (the
 * BRIEF lists this as one of its weaknesses), and a deadline cancels whatever is still running.
 * Deadlines use the implementation's one timer thread ({@link SharedTimer}), shared with {@code
 * Task.cancelAfter}, which exits after a second without timers, so a program with no pending
 * deadline or timeout has no timer thread.
 *
 * <p>Happens-before: the lock orders spawns, completions and the close; a child's completion
 * happens-before {@code outcome}'s completion (same thread or ordered by the lock), which
 * happens-before {@code close()} returning.
 */
public final class NurseryImpl implements Nursery {
  /** Runs the children (and their async continuations); compensates the blocking close. */
  private final Compensator pool;

  /** Receives failures of detached children. */
  private final Consumer<Throwable> reporter;
  private final @Nullable Duration deadline;
  private final long deadlineAt;
  private final StageFuture<Void> outcome;
  /**
   * Guards the fields below it. The Lock Checker's {@code @GuardedBy} types every value read from
   * such a field, which rules out copying a guarded collection even under the lock, so the
   * discipline is kept by hand: every access below is inside {@code synchronized (lock)}.
   */
  private final Object lock = new Object();

  private final Set<TaskImpl<?>> children = new LinkedHashSet<>();

  private boolean closing;

  private boolean cancelled;

  /** The deadline passed (guarded by lock). */
  private boolean expired;

  private @Nullable String cancelReason;

  private @Nullable Throwable firstFailure;

  /** The name of the child whose failure is firstFailure, if it had one (guarded by lock). */
  private @Nullable String firstFailedName;

  private final List<Throwable> laterFailures = new ArrayList<>();

  private volatile @Nullable ScheduledFuture<?> deadlineTimer;

  /**
   * Opens a nursery.
   *
   * @param pool the scheduler its children run on
   * @param reporter receives the failures of detached children (the scheduler's reporter)
   * @param deadline when to cancel the remaining children, or null
   */
  public NurseryImpl(
      Compensator pool, Consumer<Throwable> reporter, @Nullable Duration deadline) {
    this.pool = pool;
    this.reporter = reporter;
    this.deadline = deadline;
    this.outcome = new StageFuture<>(pool);
    if (deadline != null) {
      this.deadlineAt = System.nanoTime() + Durations.saturatedNanos(deadline);
      this.deadlineTimer =
          SharedTimer.INSTANCE.schedule(
              () -> expire("the nursery's deadline of " + deadline + " passed"),
              Durations.saturatedNanos(deadline));
    } else {
      this.deadlineAt = 0;
    }
  }

  @Override
  public <T> Task<T> spawn(Callable<T> body) {
    return spawn(body, ErrorPolicy.PROPAGATE);
  }

  @Override
  public <T> Task<T> spawn(Callable<T> body, ErrorPolicy policy) {
    Objects.requireNonNull(body, "body");
    return adopt(TaskImpl.ofCallable(pool, reporter, body), policy);
  }

  @Override
  public Task<Void> spawn(Runnable body) {
    return spawn(body, ErrorPolicy.PROPAGATE);
  }

  @Override
  public Task<Void> spawn(Runnable body, ErrorPolicy policy) {
    Objects.requireNonNull(body, "body");
    // A CheckedRunnable becomes a task that calls runChecked (TaskImpl.ofRunnable).
    return adopt(TaskImpl.ofRunnable(pool, reporter, body, null), policy);
  }

  @Override
  public Task<Void> spawn(CheckedRunnable body) {
    return spawn((Runnable) body, ErrorPolicy.PROPAGATE);
  }

  @Override
  public Task<Void> spawn(CheckedRunnable body, ErrorPolicy policy) {
    return spawn((Runnable) body, policy);
  }

  @Override
  public <T> Task<T> spawn(String name, Callable<T> body, ErrorPolicy policy) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    return adopt(TaskImpl.ofCallable(pool, reporter, body, name), policy);
  }

  @Override
  public <T> Task<T> spawn(String name, Callable<T> body) {
    return spawn(name, body, ErrorPolicy.PROPAGATE);
  }

  @Override
  public Task<Void> spawn(String name, CheckedRunnable body, ErrorPolicy policy) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    return adopt(TaskImpl.ofRunnable(pool, reporter, body, name), policy);
  }

  @Override
  public Task<Void> spawn(String name, CheckedRunnable body) {
    return spawn(name, body, ErrorPolicy.PROPAGATE);
  }

  @Override
  public Task<Void> spawn(String name, Runnable body) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    return adopt(TaskImpl.ofRunnable(pool, reporter, body, name), ErrorPolicy.PROPAGATE);
  }

  @Override
  public <T> Task<T> spawnAsync(Supplier<? extends CompletionStage<T>> body, ErrorPolicy policy) {
    Objects.requireNonNull(body, "body");
    return adopt(TaskImpl.ofAsync(pool, reporter, body), policy);
  }

  @Override
  public <T> Task<T> spawnAsync(Supplier<? extends CompletionStage<T>> body) {
    return spawnAsync(body, ErrorPolicy.PROPAGATE);
  }

  @Override
  public <T> JoinSet<T> joinSet(ErrorPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    return new JoinSetImpl<T>(
        pool,
        new JoinSetImpl.Spawner<T>() {
          @Override
          public Task<T> spawn(@Nullable String name, Callable<T> body) {
            return adopt(TaskImpl.ofCallable(pool, reporter, body, name), policy);
          }

          @Override
          public Task<T> spawnAsync(
              @Nullable String name, Supplier<? extends CompletionStage<T>> body) {
            return adopt(TaskImpl.ofAsync(pool, reporter, body, name), policy);
          }
        });
  }

  private <T> Task<T> adopt(TaskImpl<T> child, ErrorPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    // Before the child is visible to cancel(): a cancel of the pending child must find the hook.
    child.whenStopped(() -> childDone(child, policy));
    synchronized (lock) {
      if (firstFailure != null) {
        throw new IllegalStateException("nursery failed: no more children", firstFailure);
      }
      if (cancelled) {
        throw new IllegalStateException("nursery was cancelled: " + cancelReason);
      }
      if (closing && children.isEmpty()) {
        throw new IllegalStateException("nursery is closed");
      }
      if (expired) {
        throw new IllegalStateException("nursery's deadline has passed");
      }
      children.add(child);
    }
    try {
      pool.execute(child);
    } catch (RuntimeException e) {
      child.cancel(false); // runs childDone, which removes it
      throw e;
    }
    return child;
  }

  private void childDone(TaskImpl<?> child, ErrorPolicy policy) {
    Throwable propagate = null;
    if (!child.isCancelled()) {
      Throwable failure = child.failure();
      if (failure != null) {
        try {
          propagate = policy.onError(failure);
        } catch (Throwable policyFailure) {
          propagate = policyFailure;
        }
      }
    }
    List<TaskImpl<?>> toCancel = null;
    boolean finished;
    synchronized (lock) {
      children.remove(child);
      if (propagate != null) {
        if (firstFailure == null) {
          firstFailure = propagate;
          firstFailedName = child.name();
          toCancel = new ArrayList<>(children);
        } else {
          laterFailures.add(propagate);
        }
      }
      finished = closing && children.isEmpty();
    }
    if (toCancel != null) {
      stopTimer();
      for (TaskImpl<?> c : toCancel) {
        c.cancel(true);
      }
    }
    if (finished) {
      finish();
    }
  }

  private void finish() {
    Throwable first;
    @Nullable String firstName;
    List<Throwable> later;
    String reason;
    boolean wasCancelled;
    synchronized (lock) {
      first = firstFailure;
      firstName = firstFailedName;
      later = new ArrayList<>(laterFailures);
      wasCancelled = cancelled;
      reason = cancelReason;
    }
    stopTimer();
    if (first != null) {
      ChildFailedException e = new ChildFailedException(firstName, first);
      later.forEach(e::addSuppressed);
      outcome.completeExceptionally(e);
    } else if (wasCancelled) {
      outcome.completeExceptionally(
          new CancellationException(reason == null ? "nursery cancelled" : reason));
    } else {
      outcome.complete(null);
    }
  }

  private void stopTimer() {
    ScheduledFuture<?> t = deadlineTimer;
    if (t != null) {
      deadlineTimer = null;
      t.cancel(false);
    }
  }

  /**
   * The deadline passed: children still running are cancelled and the nursery takes no more;
   * if no child was running, nothing was cancelled and close() reports no cancellation.
   */
  private void expire(String reason) {
    boolean anyLive;
    synchronized (lock) {
      expired = true;
      anyLive = !children.isEmpty();
    }
    if (anyLive) {
      cancelWith(reason);
    }
  }

  @Override
  public void cancel() {
    cancelWith("nursery cancelled");
  }

  private void cancelWith(String reason) {
    List<TaskImpl<?>> toCancel;
    synchronized (lock) {
      if (!cancelled && firstFailure == null) {
        cancelled = true;
        cancelReason = reason;
      }
      toCancel = new ArrayList<>(children);
    }
    for (TaskImpl<?> c : toCancel) {
      c.cancel(true);
    }
  }

  @Override
  public int liveChildren() {
    synchronized (lock) {
      return children.size();
    }
  }

  @Override
  public @Nullable Duration remaining() {
    if (deadline == null) {
      return null;
    }
    return Duration.ofNanos(Math.max(0, deadlineAt - System.nanoTime()));
  }

  @Override
  public CompletionStage<Void> closeAsync() {
    beginClose();
    return outcome;
  }

  private void beginClose() {
    boolean finished;
    synchronized (lock) {
      finished = !closing && children.isEmpty();
      closing = true;
    }
    if (finished) {
      finish();
    }
  }

  /**
   * The state and the live children, for logs and debuggers: for example {@code Nursery[open,
   * live=2, deadline=PT1S]}; the state is the first of failed, cancelled, expired, closed (closing
   * with no child left), closing, open.
   */
  // Object.toString is lock-free to the Lock Checker; this takes the nursery's own lock for a
  // consistent snapshot and calls nothing else under it.
  @Override
  @SuppressWarnings("lock")
  public String toString(@GuardSatisfied NurseryImpl this) {
    synchronized (lock) {
      String state =
          firstFailure != null
              ? "failed"
              : cancelled
                  ? "cancelled"
                  : expired
                      ? "expired"
                      : closing ? (children.isEmpty() ? "closed" : "closing") : "open";
      return "Nursery[" + state + ", live=" + children.size()
          + (deadline == null ? "" : ", deadline=" + deadline) + "]";
    }
  }

  // AutoCloseable declares a @GuardSatisfied receiver; a nursery is guarded by no outside lock
  // (its state is behind its own lock), so calling its methods from here is safe.
  @Override
  @SuppressWarnings("lock")
  public void close(@GuardSatisfied NurseryImpl this) {
    beginClose();
    try {
      outcome.get();
      return;
    } catch (InterruptedException e) {
      cancelWith("the thread closing the nursery was interrupted");
      // Structured concurrency: the children must be gone before close() returns.
      try {
        outcome.join();
      } catch (RuntimeException ignored) {
        // the outcome is reported below as the interruption
      }
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while closing the nursery");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      throw new IllegalStateException(c);
    }
  }

}
