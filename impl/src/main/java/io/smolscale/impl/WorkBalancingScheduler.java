package io.smolscale.impl;

import io.smolscale.CheckedRunnable;
import io.smolscale.JoinSet;
import io.smolscale.Nursery;
import io.smolscale.Scheduler;
import io.smolscale.SchedulerConfig;
import io.smolscale.Stats;
import io.smolscale.Task;
import io.smolscale.TaskDecorator;
import io.smolscale.impl.queue.GlobalQueue;
import io.smolscale.impl.task.Compensator;
import io.smolscale.impl.task.DecoratedRunnable;
import io.smolscale.impl.task.DelayStage;
import io.smolscale.impl.task.JoinSetImpl;
import io.smolscale.impl.task.NurseryImpl;
import io.smolscale.impl.task.StageFuture;
import io.smolscale.impl.task.TaskImpl;
import io.smolscale.impl.util.Durations;
import io.smolscale.impl.util.SharedTimer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.checkerframework.checker.lock.qual.GuardSatisfied;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The work-balancing scheduler's public face: the {@link Scheduler} and {@code ExecutorService}
 * methods, and nothing of the machinery, which is in {@link Pool} and the parts it holds.
 *
 * <h2>Where each protocol lives</h2>
 *
 * <table>
 *   <caption>the core, one protocol per file</caption>
 *   <tr><td>{@link Pool}</td><td>shared state; where a task goes; who is woken; the run state</td></tr>
 *   <tr><td>{@link Ctl}</td><td>the worker counts: one method per state-machine edge</td></tr>
 *   <tr><td>{@link Worker}</td><td>the run loop and the park protocol</td></tr>
 *   <tr><td>{@link AdaptiveSpin}</td><td>the pre-park spin policy</td></tr>
 *   <tr><td>{@link Lifecycle}</td><td>start, failed start, exit, termination, the registry</td></tr>
 *   <tr><td>{@link Blocking}</td><td>a worker that blocks: mark, hand over, rejoin or retire</td></tr>
 *   <tr><td>{@link Balancer}</td><td>the monitor thread: balancing and preemption</td></tr>
 *   <tr><td>{@link StallDetector}</td><td>the preemption decision table, pure</td></tr>
 *   <tr><td>{@link Counters}</td><td>statistics</td></tr>
 * </table>
 *
 * <p>Life cycle here: {@link #shutdown()} moves the run state and wakes the sleepers so that they
 * see it; {@link #shutdownNow()} also empties the queues (best effort, with the local queues'
 * try-lock), cancels the queued tasks and interrupts the workers; {@link #close()} has JDK 19+
 * {@code ExecutorService.close()}'s contract on every JDK. Termination itself is {@link
 * Lifecycle}'s.
 *
 * <p>Decoration ({@code TaskDecorator}) happens here and in {@code TaskImpl}'s factories, at the
 * API's doors only: {@link #execute} and the blocking executor decorate a raw runnable ({@code
 * DecoratedRunnable}), a task is decorated when it is made (it asks {@link #taskDecorator()}),
 * and the machinery behind the doors ({@code Pool.dispatch}, the balancer, the blocking path)
 * never decorates, so a task moved around keeps its one decoration. Everything a decorator
 * captured is published to the running thread by the queue's release/acquire hand-off, the same
 * edge that publishes the task. {@code invokeAll} queues tasks made by {@link #newTaskFor}, and
 * {@code invokeAny} is our own, over a join set of tasks, so neither decorates twice (the JDK's
 * {@code invokeAny} put a {@code FutureTask} of its own around our task). It adds no shared state:
 * it relies on the join set's edges only (a task's completion happens-before the take that
 * returns it, through the set's lock).
 */
public final class WorkBalancingScheduler extends AbstractExecutorService
    implements Scheduler, Compensator {

  private final Pool pool;

  /**
   * Creates a scheduler. No thread starts until the first task.
   *
   * @param config the configuration
   * @param global whether this is the global scheduler (which ignores shutdown)
   */
  public WorkBalancingScheduler(SchedulerConfig config, boolean global) {
    this.pool = new Pool(Objects.requireNonNull(config, "config"), global);
    this.decorator = config.taskDecorator();
    this.namesInThreads = config.taskNamesInThreads();
    this.blockingExecutor = new BlockingExecutor(pool, decorator);
  }

  /** The config's decorator, in a field of its own: read on every spawn and execute. */
  private final @Nullable TaskDecorator decorator;

  private final boolean namesInThreads;

  /** {@link #blockingExecutor()}: made once, so that every call returns the same instance. */
  private final BlockingExecutor blockingExecutor;

  /** The blocking path as an executor: the run state, then {@link Blocking#submit}. */
  private static final class BlockingExecutor implements Executor {
    private final Pool pool;
    private final @Nullable TaskDecorator decorator;
    /**
     * Made here: toString may not call the config's accessors (the Lock Checker sees a method of
     * another compilation unit as possibly taking locks, and toString must be lock-free).
     */
    private final String name;

    BlockingExecutor(Pool pool, @Nullable TaskDecorator decorator) {
      this.pool = pool;
      this.decorator = decorator;
      this.name = "blocking executor of " + pool.config.threadNamePrefix() + "*";
    }

    @Override
    public void execute(Runnable task) {
      Objects.requireNonNull(task, "task");
      if (!pool.isRunning()) {
        throw new RejectedExecutionException("scheduler is shut down");
      }
      TaskDecorator d = decorator;
      pool.blocking.submit(
          d == null || task instanceof TaskImpl ? task : new DecoratedRunnable(task, d, pool.reporter));
    }

    @Override
    public String toString(@GuardSatisfied BlockingExecutor this) {
      return name;
    }
  }

  /**
   * Sets what runs once this scheduler has terminated (the provider removes a private
   * scheduler's MXBean so). Call before the first task.
   *
   * @param hook what to run, on the thread that terminates the scheduler
   */
  public void onTermination(Runnable hook) {
    pool.lifecycle.onTermination(Objects.requireNonNull(hook, "hook"));
  }

  /** The machinery, for the mechanism tests of this package. */
  Pool pool() {
    return pool;
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (!pool.isRunning()) {
      throw new RejectedExecutionException("scheduler is shut down");
    }
    // Kept apart so that this method stays small (it is inlined into every hand-off): with no
    // decorator, one field load and a branch.
    pool.dispatch(decorator == null ? task : decorateRaw(task));
  }

  /** A raw runnable in its decoration; a TaskImpl was decorated when it was made (its factory). */
  private Runnable decorateRaw(Runnable task) {
    TaskDecorator d = decorator;
    return d == null || task instanceof TaskImpl
        ? task
        : new DecoratedRunnable(task, d, pool.reporter);
  }

  /** {@link #execute} of a runnable that is already decorated (or must not be): no decoration. */
  private void executeUndecorated(Runnable task) {
    if (!pool.isRunning()) {
      throw new RejectedExecutionException("scheduler is shut down");
    }
    pool.dispatch(task);
  }

  /** The decoration {@link #execute} would give {@code task}, done now, on this thread. */
  private Runnable decorateNow(Runnable task) {
    TaskDecorator d = decorator;
    return d == null ? task : new DecoratedRunnable(task, d, pool.reporter);
  }

  @Override
  public @Nullable TaskDecorator taskDecorator() {
    return decorator;
  }

  @Override
  public boolean taskNamesInThreads() {
    return namesInThreads;
  }

  @Override
  public @Nullable String swapRunningName(@Nullable String name) {
    Worker w = Worker.current();
    return w == null ? null : w.swapRunningName(name);
  }

  /**
   * The reporter of failures that have no handle (detached tasks, raw runnables).
   *
   * @return the reporter
   */
  public Consumer<Throwable> reporter() {
    return pool.reporter;
  }

  /**
   * Compensates for a blocking wait on the current thread if it is a worker of any smolscale
   * scheduler (the wait blocks that worker, whichever scheduler the awaited task belongs to).
   */
  @Override
  public boolean beginBlocking() {
    return Blocking.beginCompensation();
  }

  @Override
  public void endBlocking() {
    Blocking.endCompensation();
  }

  // ------------------------------------------------------------------ Scheduler API

  @Override
  public <T> Task<T> spawn(Callable<T> body) {
    Objects.requireNonNull(body, "body");
    TaskImpl<T> task = TaskImpl.ofCallable(this, pool.reporter, body);
    execute(task);
    return task;
  }

  @Override
  public Task<Void> spawn(Runnable body) {
    Objects.requireNonNull(body, "body");
    TaskImpl<Void> task = TaskImpl.ofRunnable(this, pool.reporter, body, null);
    execute(task);
    return task;
  }

  /** A TaskImpl of a CheckedRunnable calls runChecked itself (see TaskImpl.ofRunnable). */
  @Override
  public Task<Void> spawn(CheckedRunnable body) {
    return spawn((Runnable) body);
  }

  @Override
  public <T> Task<T> spawn(String name, Callable<T> body) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    TaskImpl<T> task = TaskImpl.ofCallable(this, pool.reporter, body, name);
    execute(task);
    return task;
  }

  @Override
  public Task<Void> spawn(String name, Runnable body) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    TaskImpl<Void> task = TaskImpl.ofRunnable(this, pool.reporter, body, name);
    execute(task);
    return task;
  }

  @Override
  public Task<Void> spawn(String name, CheckedRunnable body) {
    return spawn(name, (Runnable) body);
  }

  @Override
  public <T> Task<T> spawnAsync(Supplier<? extends CompletionStage<T>> body) {
    Objects.requireNonNull(body, "body");
    TaskImpl<T> task = TaskImpl.ofAsync(this, pool.reporter, body);
    execute(task);
    return task;
  }

  @Override
  public <T> Task<T> spawnBlocking(Callable<T> body) {
    Objects.requireNonNull(body, "body");
    TaskImpl<T> task = TaskImpl.ofCallable(this, pool.reporter, body);
    executeBlocking(task);
    return task;
  }

  @Override
  public Task<Void> spawnBlocking(Runnable body) {
    Objects.requireNonNull(body, "body");
    TaskImpl<Void> task = TaskImpl.ofRunnable(this, pool.reporter, body, null);
    executeBlocking(task);
    return task;
  }

  @Override
  public Task<Void> spawnBlocking(CheckedRunnable body) {
    return spawnBlocking((Runnable) body);
  }

  @Override
  public <T> Task<T> spawnBlocking(String name, Callable<T> body) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    TaskImpl<T> task = TaskImpl.ofCallable(this, pool.reporter, body, name);
    executeBlocking(task);
    return task;
  }

  @Override
  public Task<Void> spawnBlocking(String name, Runnable body) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    TaskImpl<Void> task = TaskImpl.ofRunnable(this, pool.reporter, body, name);
    executeBlocking(task);
    return task;
  }

  @Override
  public Task<Void> spawnBlocking(String name, CheckedRunnable body) {
    return spawnBlocking(name, (Runnable) body);
  }

  @Override
  public Executor blockingExecutor() {
    return blockingExecutor;
  }

  private void executeBlocking(Runnable task) {
    blockingExecutor.execute(task);
  }

  @Override
  public Nursery nursery() {
    return new NurseryImpl(this, pool.reporter, null);
  }

  @Override
  public Nursery nursery(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("nursery deadline must be positive, was " + deadline);
    }
    return new NurseryImpl(this, pool.reporter, deadline);
  }

  @Override
  public <T> JoinSet<T> joinSet() {
    return new JoinSetImpl<T>(
        this,
        new JoinSetImpl.Spawner<T>() {
          @Override
          public Task<T> spawn(@Nullable String name, Callable<T> body) {
            TaskImpl<T> task =
                TaskImpl.ofCallable(WorkBalancingScheduler.this, pool.reporter, body, name);
            execute(task);
            return task;
          }

          @Override
          public Task<T> spawnAsync(
              @Nullable String name, Supplier<? extends CompletionStage<T>> body) {
            TaskImpl<T> task =
                TaskImpl.ofAsync(WorkBalancingScheduler.this, pool.reporter, body, name);
            execute(task);
            return task;
          }
        });
  }

  @Override
  public CompletionStage<Void> yieldNow() {
    StageFuture<Void> done = new StageFuture<>(this);
    execute(() -> done.complete(null));
    return done;
  }

  @Override
  public CompletableFuture<Void> delay(Duration delay) {
    return delay(delay, SharedTimer.INSTANCE);
  }

  /**
   * {@link #delay(Duration)} on a given timer (tests use one of their own). The timer's action
   * only queues the completion here (the timer thread runs no user code); a completion the
   * scheduler refuses (shut down meanwhile) fails the stage instead. The stage's completion
   * removes the timer entry (on the completing thread), so a delay cancelled by its holder keeps
   * neither the entry nor the timer thread. Happens-before: the timer's queue orders the schedule
   * before the action, the scheduler's queue the action before the completion.
   *
   * @param delay how long from now
   * @param timer where to keep the entry
   * @return the stage
   */
  CompletableFuture<Void> delay(Duration delay, SharedTimer timer) {
    Objects.requireNonNull(delay, "delay");
    if (isShutdown()) {
      throw new RejectedExecutionException("scheduler is shut down");
    }
    StageFuture<Void> done = new DelayStage(this);
    if (delay.isNegative() || delay.isZero()) {
      execute(() -> done.complete(null));
      return done;
    }
    long nanos = Durations.saturatedNanos(delay);
    if (nanos >= Durations.FOREVER) {
      return done; // never: a timer that never fires would only keep the timer thread alive
    }
    // Decorated here, on the caller's thread: decorated on the timer thread, the dependents
    // would see the timer thread's (empty) context instead of the caller's.
    Runnable complete = decorateNow(() -> done.complete(null));
    timer.scheduleFor(
        done,
        () -> {
          try {
            executeUndecorated(complete);
          } catch (RejectedExecutionException e) {
            done.completeExceptionally(e);
          }
        },
        nanos);
    return done;
  }

  @Override
  public <T> T blockOn(CompletionStage<T> stage) {
    Objects.requireNonNull(stage, "stage");
    CompletableFuture<T> f = stage.toCompletableFuture();
    if (f.isDone()) {
      return f.join();
    }
    boolean marked = beginBlocking();
    try {
      return f.join();
    } finally {
      if (marked) {
        endBlocking();
      }
    }
  }

  @Override
  public <T> Task<T> submit(Callable<T> body) {
    return spawn(body);
  }

  @Override
  public Task<@Nullable ?> submit(Runnable body) {
    return spawn(body);
  }

  @Override
  public <T> Task<T> submit(Runnable body, T result) {
    Objects.requireNonNull(body, "body");
    TaskImpl<T> task = TaskImpl.ofRunnable(this, pool.reporter, body, result);
    execute(task);
    return task;
  }

  /**
   * Our own, not {@link AbstractExecutorService}'s: that one goes through an {@code
   * ExecutorCompletionService}, whose {@code FutureTask} around our task reaches {@link #execute}
   * as a raw runnable, so a {@code TaskDecorator} decorated the work twice, nested. Here every
   * body is one task of a join set (decorated once, when it is made), raced as {@link
   * JoinSet#firstSuccess()} races them; see {@link #invokeAny(Collection, boolean, long)}.
   */
  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks)
      throws InterruptedException, ExecutionException {
    try {
      return invokeAny(tasks, false, 0L);
    } catch (TimeoutException e) {
      throw new AssertionError("an untimed invokeAny timed out", e);
    }
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    Objects.requireNonNull(unit, "unit");
    return invokeAny(tasks, true, unit.toNanos(timeout));
  }

  /**
   * The race of {@code invokeAny}: every body is checked before any is queued (a null one: NPE,
   * none: IAE, nothing ran), then all are spawned into one join set and taken in completion
   * order until one succeeded. However the call ends (a success, every task failed, the time
   * ran out, the caller was interrupted, a submission refused) the {@code finally} cancels every
   * task still held, interrupting the running ones, so none outlives the call. When every task
   * failed, the {@link ExecutionException} is the last one taken's, as {@link Future#get} threw
   * it (its cause is the body's exception; a {@link CancellationException} for a task cancelled
   * from outside, through a decorator, say). The waits are the join set's: compensated on a
   * worker thread, and the set's lock orders each task's completion before the take that
   * returns it, so the result is safely published to the caller; no state of its own here.
   */
  private <T> T invokeAny(Collection<? extends Callable<T>> tasks, boolean timed, long nanos)
      throws InterruptedException, ExecutionException, TimeoutException {
    Objects.requireNonNull(tasks, "tasks");
    List<Callable<T>> bodies = new ArrayList<>(tasks.size());
    for (Callable<T> body : tasks) {
      bodies.add(Objects.requireNonNull(body, "a task of invokeAny is null"));
    }
    if (bodies.isEmpty()) {
      throw new IllegalArgumentException("invokeAny needs at least one task");
    }
    long deadline = timed ? System.nanoTime() + nanos : 0L;
    JoinSet<T> set = joinSet();
    try {
      for (Callable<T> body : bodies) {
        set.spawn(body);
      }
      ExecutionException failure = null;
      for (int left = bodies.size(); left > 0; left--) {
        Task<T> done;
        if (timed) {
          done = set.poll(Duration.ofNanos(deadline - System.nanoTime()));
          if (done == null) {
            throw new TimeoutException("invokeAny: no task succeeded in time");
          }
        } else {
          done = set.next();
        }
        try {
          return done.get(); // done: does not wait
        } catch (ExecutionException e) {
          failure = e;
        } catch (CancellationException e) {
          failure = new ExecutionException(e);
        }
      }
      if (failure == null) {
        throw new AssertionError("invokeAny took no task");
      }
      throw failure;
    } finally {
      set.cancelAll();
    }
  }

  @Override
  protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
    return TaskImpl.ofCallable(this, pool.reporter, callable);
  }

  @Override
  protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
    return TaskImpl.ofRunnable(this, pool.reporter, runnable, value);
  }

  @Override
  public boolean isWorkerThread() {
    Worker w = Worker.current();
    return w != null && w.pool == pool;
  }

  @Override
  public SchedulerConfig config() {
    return pool.config;
  }

  @Override
  public Stats stats() {
    return pool.lifecycle.snapshot();
  }

  // ------------------------------------------------------------------ life cycle

  @Override
  public void shutdown() {
    if (pool.isGlobal) {
      return;
    }
    pool.toShutdown();
    pool.wakeAllIdle();
    pool.spares.popAllToExit();
    if (pool.ctl.threads() == 0) {
      pool.lifecycle.tryTerminate();
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    if (pool.isGlobal) {
      return new ArrayList<>();
    }
    pool.toStop();
    GlobalQueue global = pool.global;
    List<Runnable> never = new ArrayList<>(global.drain());
    GlobalQueue spill = new GlobalQueue();
    for (Worker w : pool.lifecycle.workers()) {
      for (int tries = 0; tries < 1000 && !w.local.isEmpty(); tries++) {
        if (w.local.drainAllTo(spill) == 0) {
          Thread.onSpinWait();
        }
      }
      Thread t = w.thread;
      if (t != null && t != Thread.currentThread()) {
        t.interrupt();
      }
    }
    // Before the interrupts: an interrupted body returns, and its thread would run the next
    // waiting body instead of leaving it to this list.
    never.addAll(pool.blocking.drainWaiting());
    pool.blocking.interruptVirtualBodies();
    never.addAll(spill.drain());
    never.addAll(global.drain());
    never.replaceAll(Blocking::unwrap); // the user's runnables, not our blocking-path wrappers
    for (Runnable r : never) {
      if (r instanceof TaskImpl) {
        ((TaskImpl<?>) r).cancel(false);
      }
    }
    pool.wakeAllIdle();
    pool.spares.popAllToExit();
    if (pool.ctl.threads() == 0) {
      pool.lifecycle.tryTerminate();
    }
    return never;
  }

  @Override
  public boolean isShutdown() {
    return pool.isShuttingDown();
  }

  @Override
  public boolean isTerminated() {
    return pool.lifecycle.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    if (pool.isGlobal) {
      return false;
    }
    return pool.lifecycle.awaitTermination(timeout, unit);
  }

  // AutoCloseable declares a @GuardSatisfied receiver; this object is guarded by no lock (its
  // state is lock-free or locked inside), so calling its ordinary methods from here is safe.
  @Override
  @SuppressWarnings("lock")
  public void close(@GuardSatisfied WorkBalancingScheduler this) {
    if (pool.isGlobal) {
      return;
    }
    shutdown();
    if (isWorkerThread()) {
      return; // a task cannot wait for its own scheduler to finish it
    }
    // JDK 19+ ExecutorService.close(), on every JDK: an interrupt before or during the wait
    // stops the executing tasks as shutdownNow() does (queued ones never run), the wait goes on
    // until they have ended, and the interrupt status is re-asserted on return.
    boolean interrupted = false;
    while (!isTerminated()) {
      try {
        pool.lifecycle.awaitTermination(1, TimeUnit.DAYS);
      } catch (InterruptedException e) {
        if (!interrupted) {
          shutdownNow();
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The kind, the run state and a few live counts, for logs and debuggers: for example {@code
   * Scheduler[global, running, parallelism=2, threads=3, queued=0]}. {@code threads} counts every
   * thread the scheduler holds (workers, blocked ones, spares); {@code queued} the global queue.
   * Racy snapshots, as {@link #stats()}.
   */
  // Object.toString is lock-free to the Lock Checker; this reads volatile state only (no lock).
  @Override
  @SuppressWarnings("lock")
  public String toString(@GuardSatisfied WorkBalancingScheduler this) {
    String state = isTerminated() ? "terminated" : isShutdown() ? "shut down" : "running";
    return "Scheduler[" + (pool.isGlobal ? "global" : "private") + ", " + state
        + ", parallelism=" + pool.parallelism + ", threads=" + pool.ctl.threads()
        + ", queued=" + pool.global.size() + "]";
  }
}
