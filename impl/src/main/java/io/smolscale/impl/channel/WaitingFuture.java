package io.smolscale.impl.channel;

import io.smolscale.impl.WorkerWaits;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of a channel operation and of every stage derived from it: a {@code
 * CompletableFuture} whose blocking waits ({@code join}, {@code get}) compensate when they run on
 * a smolscale worker ({@link WorkerWaits}), as a task handle's do. Without it, {@code
 * channel.receive().toCompletableFuture().join()} inside a task, on a scheduler with preemption
 * off, held the only worker while the sender waited in its queue: a deadlock (issue 16). Derived
 * stages ({@link #newIncompleteFuture}) are of this class too, so {@code
 * receive().thenApply(f).toCompletableFuture().join()} compensates as well. A completed stage
 * never compensates (nothing to wait for); the check is one volatile read.
 *
 * @param <V> the result type
 */
class WaitingFuture<V> extends CompletableFuture<V> {

  /**
   * A stage already completed with {@code value}, whose dependents are of this class.
   *
   * @param value the value
   * @param <V> the type
   * @return the stage
   */
  static <V> WaitingFuture<V> completed(V value) {
    WaitingFuture<V> f = new WaitingFuture<>();
    f.complete(value);
    return f;
  }

  /**
   * A stage already failed with {@code failure}, whose dependents are of this class.
   *
   * @param failure the exception
   * @param <V> the type
   * @return the stage
   */
  static <V> WaitingFuture<V> failed(Throwable failure) {
    WaitingFuture<V> f = new WaitingFuture<>();
    f.completeExceptionally(failure);
    return f;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new WaitingFuture<>();
  }

  @Override
  public V join() {
    if (isDone()) {
      return super.join();
    }
    boolean marked = WorkerWaits.begin();
    try {
      return super.join();
    } finally {
      if (marked) {
        WorkerWaits.end();
      }
    }
  }

  @Override
  public V get() throws InterruptedException, ExecutionException {
    if (isDone()) {
      return super.get();
    }
    boolean marked = WorkerWaits.begin();
    try {
      return super.get();
    } finally {
      if (marked) {
        WorkerWaits.end();
      }
    }
  }

  @Override
  public V get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (isDone()) {
      return super.get(timeout, unit);
    }
    boolean marked = WorkerWaits.begin();
    try {
      return super.get(timeout, unit);
    } finally {
      if (marked) {
        WorkerWaits.end();
      }
    }
  }
}
