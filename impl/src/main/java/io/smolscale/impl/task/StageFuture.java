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
  final Executor executor;
  final Compensator compensator;

  /**
   * Creates an incomplete stage.
   *
   * @param scheduler the default executor and compensator
   * @param <S> the scheduler type
   */
  public <S extends Executor & Compensator> StageFuture(S scheduler) {
    this.executor = scheduler;
    this.compensator = scheduler;
  }

  StageFuture(Executor executor, Compensator compensator) {
    this.executor = executor;
    this.compensator = compensator;
  }

  @Override
  public Executor defaultExecutor() {
    return executor;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new StageFuture<>(executor, compensator);
  }

  @Override
  public T join() {
    if (isDone()) {
      return super.join();
    }
    boolean marked = compensator.beginBlocking();
    try {
      return super.join();
    } finally {
      if (marked) {
        compensator.endBlocking();
      }
    }
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    if (isDone()) {
      return super.get();
    }
    boolean marked = compensator.beginBlocking();
    try {
      return super.get();
    } finally {
      if (marked) {
        compensator.endBlocking();
      }
    }
  }

  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (isDone()) {
      return super.get(timeout, unit);
    }
    boolean marked = compensator.beginBlocking();
    try {
      return super.get(timeout, unit);
    } finally {
      if (marked) {
        compensator.endBlocking();
      }
    }
  }
}
