package io.smolscale.impl.task;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link CompletableFuture} whose default executor is a smolscale scheduler, so that {@code
 * thenApplyAsync(fn)} and the other {@code *Async} methods without an executor run on it, and
 * whose dependent stages are of this class too. Its blocking waits ({@code join}, {@code get})
 * compensate on a worker thread (see {@link Compensator}).
 *
 * @param <T> the result type
 */
public class StageFuture<T> extends CompletableFuture<T> {
  /** The default executor and the compensator of blocking waits (one object, one field). */
  final Compensator scheduler;

  /**
   * Creates an incomplete stage.
   *
   * @param scheduler the default executor and compensator
   */
  public StageFuture(Compensator scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public Executor defaultExecutor() {
    return scheduler;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new StageFuture<>(scheduler);
  }

  @Override
  public T join() {
    if (isDone()) {
      return joinUnwrapped();
    }
    boolean marked = scheduler.beginBlocking();
    try {
      return joinUnwrapped();
    } finally {
      if (marked) {
        scheduler.endBlocking();
      }
    }
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    if (isDone()) {
      return getUnwrapped();
    }
    boolean marked = scheduler.beginBlocking();
    try {
      return getUnwrapped();
    } finally {
      if (marked) {
        scheduler.endBlocking();
      }
    }
  }

  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (isDone()) {
      return getUnwrapped(timeout, unit);
    }
    boolean marked = scheduler.beginBlocking();
    try {
      return getUnwrapped(timeout, unit);
    } finally {
      if (marked) {
        scheduler.endBlocking();
      }
    }
  }

  /**
   * The exception a cancelled stage was cancelled with. From JDK 23 on, {@code
   * CompletableFuture}'s {@code join} and {@code get} throw a new {@link CancellationException}
   * whose cause is the stored one (for the waiter's stack trace); a task cancelled with a reason
   * ({@code TimeoutCancellationException}) must throw that reason on every JDK, as the API says.
   * A {@link QuietCancellation} is the exception: it has no stack, and the waiter gets one.
   *
   * @param e what the JDK threw
   * @return the stored exception if {@code e} wraps one, else {@code e}
   */
  static CancellationException cancelledWith(CancellationException e) {
    Throwable c = e.getCause();
    CancellationException stored =
        c instanceof CancellationException ? (CancellationException) c : e;
    if (stored instanceof QuietCancellation) {
      // Stackless: the waiter gets its own trace, the JDK's wrapper (23+) or a new one (17-22).
      return stored != e ? e : ((QuietCancellation) stored).forWaiter();
    }
    return stored;
  }

  private T joinUnwrapped() {
    try {
      return super.join();
    } catch (CancellationException e) {
      throw cancelledWith(e);
    }
  }

  private T getUnwrapped() throws InterruptedException, ExecutionException {
    try {
      return super.get();
    } catch (CancellationException e) {
      throw cancelledWith(e);
    }
  }

  private T getUnwrapped(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return super.get(timeout, unit);
    } catch (CancellationException e) {
      throw cancelledWith(e);
    }
  }
}
