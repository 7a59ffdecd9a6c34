package io.smolscale.impl.task;

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
      return super.join();
    }
    boolean marked = scheduler.beginBlocking();
    try {
      return super.join();
    } finally {
      if (marked) {
        scheduler.endBlocking();
      }
    }
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    if (isDone()) {
      return super.get();
    }
    boolean marked = scheduler.beginBlocking();
    try {
      return super.get();
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
      return super.get(timeout, unit);
    }
    boolean marked = scheduler.beginBlocking();
    try {
      return super.get(timeout, unit);
    } finally {
      if (marked) {
        scheduler.endBlocking();
      }
    }
  }
}
