package io.smolscale.jmh.harness;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * A benchmark task written as a state machine: the JVM stand-in for a Rust future.
 *
 * <h2>How it maps the original</h2>
 *
 * <p>A Rust task is a future polled by its executor; when it awaits something that is not ready
 * it returns {@code Pending}, and the thing it waits for later calls its waker, which schedules
 * the task again. Here {@link #run()} is one poll: it calls {@link #step()}, which advances the
 * task's own state until it must wait. Waiting is {@link #suspend}: the job registers itself as
 * the stage's continuation and returns; when the stage completes, on whatever thread completes
 * it (a channel completes a waiting receiver on the sender's thread), the job is handed back to
 * its executor with {@code executor.execute(this)}: the waker. Nothing of the task ever runs
 * inline on another task's thread, so every executor does the scheduling it is measured for.
 *
 * <p>As in Rust, a stage that is already complete when it is awaited does not reschedule the
 * task: {@code suspend} returns false and the step goes on at once ({@code Poll::Ready}). A
 * yield is {@code executor.execute(this)} followed by returning from the step ({@code
 * yield_now}: wake yourself, return Pending).
 *
 * <h2>Inline detection without allocation</h2>
 *
 * <p>{@code suspend} must tell whether the stage called back synchronously, inside {@code
 * whenComplete}. The callback records the thread it ran on in {@link #inlineThread} only when it
 * runs on the registering thread while that thread is still inside {@code whenComplete}; in
 * every other case it dispatches. A dispatched poll may already run on another thread while the
 * registering thread is still returning from {@code suspend}, so the registering thread decides
 * from {@code inlineThread == itself}: another thread can only ever write its own identity
 * there. The registering fields are plain: {@code whenComplete}'s hand-off orders the writes
 * before the registration ahead of the callback, and a stale value after it can only turn an
 * inline continuation into a dispatch, which is still correct.
 *
 * <p>A failure thrown from a step (a failed check, an unexpected exception) completes {@link
 * #outcome} exceptionally, so the benchmark thread waiting on it fails the iteration instead of
 * hanging or losing the exception inside an executor.
 */
public abstract class Job implements Runnable, BiConsumer<Object, Throwable> {
  /** Where this job runs, and where it is resumed after a wait. */
  protected final Executor executor;

  /** What the benchmark waits on; completed exceptionally when a step throws. */
  protected final CompletableFuture<?> outcome;

  private Thread registrar;
  private boolean registering;
  private Thread inlineThread;
  private Object value;
  private Throwable failure;

  /**
   * Creates a job.
   *
   * @param executor where it runs
   * @param outcome completed exceptionally if a step throws
   */
  protected Job(Executor executor, CompletableFuture<?> outcome) {
    this.executor = executor;
    this.outcome = outcome;
  }

  /** Spawns the job on its executor. */
  public final void start() {
    executor.execute(this);
  }

  /**
   * Advances the job until it waits or ends.
   *
   * @throws Exception to fail the benchmark
   */
  protected abstract void step() throws Exception;

  @Override
  public final void run() {
    try {
      step();
    } catch (Throwable t) {
      outcome.completeExceptionally(t);
    }
  }

  /**
   * Waits for a stage.
   *
   * @param stage what to wait for
   * @return true if the job is suspended (the step must return; it is polled again when the stage
   *     completes), false if the stage was already complete (the result is ready for {@link
   *     #take()})
   */
  protected final boolean suspend(CompletionStage<?> stage) {
    Thread me = Thread.currentThread();
    inlineThread = null;
    registrar = me;
    registering = true;
    stage.whenComplete(this);
    registering = false;
    return inlineThread != me;
  }

  /** Reschedules the job behind the work already queued: Rust's {@code yield_now}. */
  protected final void yieldNow() {
    executor.execute(this);
  }

  /** The stage's callback: continue inline if still inside {@code suspend}, otherwise wake. */
  @Override
  public final void accept(Object v, Throwable e) {
    value = v;
    failure = e;
    Thread me = Thread.currentThread();
    if (registering && registrar == me) {
      inlineThread = me;
    } else {
      executor.execute(this);
    }
  }

  /**
   * The result of the last stage waited for.
   *
   * @param <T> its type
   * @return the value
   * @throws CompletionException wrapping the stage's failure
   */
  @SuppressWarnings("unchecked")
  protected final <T> T take() {
    Throwable f = failure;
    if (f != null) {
      failure = null;
      throw f instanceof CompletionException ? (CompletionException) f : new CompletionException(f);
    }
    T v = (T) value;
    value = null;
    return v;
  }

  /**
   * Tells whether the last stage failed because its channel was closed (the normal end of the
   * long-lived tasks), consuming the failure.
   *
   * @return true if closed
   */
  protected final boolean closed() {
    Throwable f = failure;
    while (f instanceof CompletionException && f.getCause() != null) {
      f = f.getCause();
    }
    if (f instanceof io.smolscale.ChannelClosedException) {
      failure = null;
      return true;
    }
    return false;
  }
}
