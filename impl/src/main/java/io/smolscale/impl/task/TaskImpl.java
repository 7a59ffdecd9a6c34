package io.smolscale.impl.task;

import io.smolscale.CheckedRunnable;
import io.smolscale.Task;
import io.smolscale.TaskDecorator;
import io.smolscale.TimeoutCancellationException;
import io.smolscale.impl.util.Durations;
import io.smolscale.impl.util.SharedTimer;
import java.time.Duration;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.checkerframework.checker.lock.qual.GuardSatisfied;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A task: the body, its run state, and its result (this object is the {@link
 * java.util.concurrent.CompletableFuture} that holds it). It is also the {@link Runnable} that
 * the scheduler queues, so a spawn allocates this object and nothing else.
 *
 * <h2>Implementation overview</h2>
 *
 * <p>Two state machines. The result is {@code CompletableFuture}'s: completed once, by the body
 * or by {@link #cancel}; whichever CAS wins is the outcome everybody sees. The run state, {@code
 * runState}, decides whether the body runs and keeps a cancelling interrupt from leaking into the
 * worker's next task (the problem {@code FutureTask} solves with its INTERRUPTING state):
 *
 * <pre>
 *   NEW ──run()──► RUNNING ──body returned──► FINISHED
 *    │                └──cancel(true)──► INTERRUPTING ──interrupt sent──► INTERRUPTED
 *    └──cancel()──► FINISHED (the body never runs)
 * </pre>
 *
 * <p>Cancel completes the result first and moves the run state second, so a run can win the
 * NEW→RUNNING CAS after the task is already seen cancelled (the canceller is between its two
 * CASes). The run therefore reads the result after its CAS and skips the body if it is done:
 * both steps on each side are volatile, so either the run's read sees the cancellation, or the
 * cancellation's result CAS comes after the run's read, when the body has started and it is a
 * cancel of a running task. Hence: a task observed cancelled before its body started never
 * starts it (jcstress {@code TaskCancelledThenRunTest}; before this check, a pending task past
 * its {@link #cancelAfter} timeout ran once in a whole-suite run, {@code TaskHandleTest}).
 *
 * <p>When {@code run()} ends and finds INTERRUPTING or INTERRUPTED, it waits for INTERRUPTED (the
 * canceller is between two instructions) and clears the thread's interrupt status, so the
 * interrupt is consumed by the task it was meant for.
 *
 * <p>Detached failures: {@code detached} and the result are both volatile, and each side writes
 * its own then reads the other's (completion: result and {@code thrown}, then {@code detached}; {@link #detach}:
 * {@code detached}, then {@code thrown}). So at least one side sees both, and {@code reported}'s CAS makes
 * the report happen exactly once.
 *
 * <p>Happens-before: spawning publishes the task through the queues (their release/acquire
 * edges), so the spawner's writes happen-before the body; the body's writes happen-before the
 * result's volatile CAS, which happens-before whoever reads the result.
 *
 * <p>Sealed against outside completion: the result belongs to the body. {@code CompletableFuture}
 * makes {@code complete}, {@code completeExceptionally}, {@code obtrude*}, {@code completeAsync},
 * {@code completeOnTimeout} and {@code orTimeout} public, and each would let outside code decide
 * (or later overwrite) the outcome while the body runs on, so a failure could vanish. This class
 * overrides all of them to throw, completes itself only through {@code super}, and hands out a
 * dependent copy from {@link #toCompletableFuture()} (as the JDK's {@code minimalCompletionStage}
 * does), which its holder may complete freely. {@code CompletableFuture}'s own machinery never
 * calls these public methods on this object: dependents are new {@link StageFuture}s.
 *
 * <p>Timeouts ({@link #cancelAfter}): an entry on the {@link SharedTimer} that calls the
 * cancel above with a {@code TimeoutCancellationException}; the task's completion removes the
 * entry. Scheduling the entry happens-before it fires (the timer's queue); the timer's cancel and
 * the body's completion race only on the result's CAS, as any cancel does, so nothing new is
 * shared.
 *
 * <p>Decoration ({@link TaskDecorator}) and names are fixed at creation, on the spawning thread.
 * A decorated task's body is a {@code Decorated} holding the real body; the decorator is called
 * with it once, in the factory, and the runnable it returns is what {@code run()} runs, with
 * everything it captured published by the queue hand-off like the body itself. The body still
 * runs through the state machine above: decoration changes what happens between the RUNNING CAS
 * and the FINISHED CAS, nothing else. A named task is a {@link NamedTask}.
 *
 * <p>Stopped, not just done: a task cancelled while it runs is done at once, but its body is
 * still unwinding on its worker. A nursery must not let {@code close()} return before that, so
 * {@link #whenStopped} counts two events, the result's completion and the end of the body
 * ({@code run()} left its {@code finally}, or the body will never run: cancelled while NEW), and
 * runs its hook on whichever thread brings the second one.
 *
 * @param <T> the result type
 */
public class TaskImpl<T> extends StageFuture<T> implements Task<T>, RunnableFuture<T> {
  private static final int NEW = 0;
  private static final int RUNNING = 1;
  private static final int FINISHED = 2;
  private static final int INTERRUPTING = 3;
  private static final int INTERRUPTED = 4;

  private static final byte KIND_CALLABLE = 0;
  private static final byte KIND_RUNNABLE = 1; // completes with null; a fixed result is a Callable
  private static final byte KIND_ASYNC = 2;
  private static final byte KIND_CHECKED = 3; // a CheckedRunnable: runChecked, failure unwrapped
  private static final byte KIND_DECORATED = 4; // a Decorated, around a body of another kind

  private static final VarHandle RUN_STATE;
  private static final VarHandle DETACHED;
  private static final VarHandle REPORTED;
  private static final VarHandle STOP_EVENTS;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      RUN_STATE = l.findVarHandle(TaskImpl.class, "runState", int.class);
      DETACHED = l.findVarHandle(TaskImpl.class, "detached", boolean.class);
      REPORTED = l.findVarHandle(TaskImpl.class, "reported", boolean.class);
      STOP_EVENTS = l.findVarHandle(TaskImpl.class, "stopEvents", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Consumer<Throwable> uncaught;

  /**
   * The body's class, kept after the body is dropped: a worker scores a blocking verdict against
   * it when the task has returned ({@code BlockingSites}), and reading it then, not before every
   * run, keeps the predictor off the task path while no site is warm. Written in the constructor,
   * where C2 elides the store's card mark (an initialising store into a new object); with {@code
   * kind} a byte the object stays 64 bytes (compressed oops).
   */
  private final Class<?> bodyClass;

  private final byte kind;

  /** The body; cleared when it has run, so a finished task does not retain it. */
  private @Nullable Object body;

  private volatile int runState;

  /** The thread running the body; written before the CAS to RUNNING, which publishes it. */
  private @Nullable Thread runner;

  /**
   * The body's own exception, unwrapped; written only by the thread whose exceptional completion
   * won, then read by {@link #detach} (volatile: one half of the Dekker pair described above).
   */
  private volatile @Nullable Throwable thrown;

  /** The stage an async body returned, cancelled with the task. */
  private volatile @Nullable CompletionStage<?> asyncStage;

  private volatile boolean detached;
  private volatile boolean reported;

  /** Runs once the task is done and its body has stopped; set before the task is queued. */
  private volatile @Nullable Runnable stoppedHook;

  /** How many of the two stop events (completion, body ended) have happened. */
  private volatile int stopEvents;

  TaskImpl(
      Compensator scheduler,
      Consumer<Throwable> uncaught,
      Object body,
      byte kind,
      Class<?> bodyClass) {
    super(scheduler);
    this.uncaught = uncaught;
    this.body = body;
    this.bodyClass = bodyClass;
    this.kind = kind;
  }

  /**
   * Every factory ends here: the decoration and the name are decided once, at creation, so that
   * an unnamed, undecorated task (the common case) costs exactly what it did before either
   * existed: one null check of the scheduler's decorator, and no field of its own.
   */
  private static <T> TaskImpl<T> create(
      Compensator scheduler,
      Consumer<Throwable> uncaught,
      Object body,
      byte kind,
      @Nullable String name) {
    // Checked here too, not only in spawn: AbstractExecutorService.invokeAll reaches us
    // through newTaskFor, and a task with no body would never complete (run() skips it).
    Objects.requireNonNull(body, "body");
    Class<?> site = body.getClass();
    TaskDecorator decorator = scheduler.taskDecorator();
    if (decorator == null) {
      return name == null
          ? new TaskImpl<>(scheduler, uncaught, body, kind, site)
          : new NamedTask<>(scheduler, uncaught, body, kind, site, name);
    }
    return createDecorated(scheduler, uncaught, body, kind, name, site, decorator);
  }

  /** {@link #create} with a decorator: apart, so that the common path stays small. */
  private static <T> TaskImpl<T> createDecorated(
      Compensator scheduler,
      Consumer<Throwable> uncaught,
      Object body,
      byte kind,
      @Nullable String name,
      Class<?> site,
      TaskDecorator decorator) {
    Decorated inner = new Decorated(body, kind);
    TaskImpl<T> task =
        name == null
            ? new TaskImpl<>(scheduler, uncaught, inner, KIND_DECORATED, site)
            : new NamedTask<>(scheduler, uncaught, inner, KIND_DECORATED, site, name);
    inner.task = task;
    // On the spawning thread, before the task is queued: the queue's release publishes both
    // plain fields of inner (and whatever the decorator captured) to the worker.
    inner.around = Objects.requireNonNull(decorator.decorate(inner), "taskDecorator returned null");
    return task;
  }

  /**
   * A decorated task's body: the runnable a {@link TaskDecorator} is given. Running it runs the
   * real body and completes the task, inside whatever the decorator set up around it, so that
   * dependents that run on completion see the same context; it never throws, so a decorator that
   * swallows exceptions cannot swallow a task's failure. {@code ran} tells the task afterwards
   * whether the decorator kept its promise to run it. All fields are confined to the spawning
   * thread until the task is queued and to the running thread afterwards (plain fields).
   */
  private static final class Decorated implements Runnable {
    final Object body;
    final byte kind;
    @Nullable TaskImpl<?> task;
    @Nullable Runnable around;
    boolean ran;

    Decorated(Object body, byte kind) {
      this.body = body;
      this.kind = kind;
    }

    @Override
    public void run() {
      TaskImpl<?> t = task;
      if (t == null) { // set by the factory before the decorator saw this object
        throw new IllegalStateException("a decorated body ran before its task was made");
      }
      if (ran) {
        throw new IllegalStateException("the task decorator ran the task twice: " + t);
      }
      if (t.runner != Thread.currentThread()) {
        // Run from decorate() itself, or handed to another thread: outside the task's run state
        // machine, where a cancel could not see or interrupt it. runner is this thread's own
        // write when the run is legitimate, so a plain read decides.
        throw new IllegalStateException(
            "the task decorator must run the task on the thread that runs its runnable: " + t);
      }
      ran = true;
      t.invokeCatching(body, kind);
    }

    @Override
    public String toString(@GuardSatisfied Decorated this) {
      return "decorated " + body.getClass().getName();
    }
  }

  /**
   * The task's name; an unnamed task has none ({@link NamedTask} overrides this).
   *
   * @return null
   */
  @Override
  public @Nullable String name() {
    return null;
  }

  /**
   * The class of the body, the task's <i>site</i> for the blocking predictor ({@code
   * BlockingSites}): callers such as an HTTP server submit one class per kind of work. Final, so
   * any thread may read it, before, during or after the run; it never touches the body.
   *
   * @return the body's class
   */
  public Class<?> bodyClass() {
    return bodyClass;
  }

  /**
   * A task that runs a {@link Callable}.
   *
   * @param scheduler runs it and its async continuations
   * @param uncaught receives the failure of a detached task
   * @param body the body
   * @param <T> the result type
   * @return the task, not yet queued
   */
  public static <T> TaskImpl<T> ofCallable(
      Compensator scheduler, Consumer<Throwable> uncaught, Callable<T> body) {
    return create(scheduler, uncaught, body, KIND_CALLABLE, null);
  }

  /**
   * A task that runs a {@link Callable}, with a name (see {@link Task#name()}).
   *
   * @param scheduler runs it and its async continuations
   * @param uncaught receives the failure of a detached task
   * @param body the body
   * @param name the name, or null for none
   * @param <T> the result type
   * @return the task, not yet queued
   * @throws IllegalArgumentException if {@code name} is empty
   */
  public static <T> TaskImpl<T> ofCallable(
      Compensator scheduler,
      Consumer<Throwable> uncaught,
      Callable<T> body,
      @Nullable String name) {
    return create(scheduler, uncaught, body, KIND_CALLABLE, checkName(name));
  }

  /**
   * A task that runs a {@link Runnable} and completes with a fixed result. A {@link
   * CheckedRunnable} with no fixed result is run through {@link CheckedRunnable#runChecked()}, so
   * that the task fails with the body's own exception.
   *
   * @param scheduler runs it and its async continuations
   * @param uncaught receives the failure of a detached task
   * @param body the body
   * @param result the result
   * @param <T> the result type
   * @return the task, not yet queued
   */
  public static <T> TaskImpl<T> ofRunnable(
      Compensator scheduler, Consumer<Throwable> uncaught, Runnable body, @Nullable T result) {
    if (result == null) {
      return ofRunnable(scheduler, uncaught, body, (String) null);
    }
    // A non-null fixed result (only ExecutorService.submit(Runnable, T) asks for one) costs an
    // adapter here rather than a field in every task (its site is the adapter's class).
    Objects.requireNonNull(body, "body");
    return create(scheduler, uncaught, Executors.callable(body, result), KIND_CALLABLE, null);
  }

  /**
   * A task that runs a {@link Runnable} and completes with null, with a name; a {@link
   * CheckedRunnable} is run through {@link CheckedRunnable#runChecked()}.
   *
   * @param scheduler runs it and its async continuations
   * @param uncaught receives the failure of a detached task
   * @param body the body
   * @param name the name, or null for none
   * @param <T> the result type (Void)
   * @return the task, not yet queued
   * @throws IllegalArgumentException if {@code name} is empty
   */
  public static <T> TaskImpl<T> ofRunnable(
      Compensator scheduler, Consumer<Throwable> uncaught, Runnable body, @Nullable String name) {
    // Told apart here, not by the overload that spawned it: a CheckedRunnable held in a
    // Runnable variable fails with its own exception too, as its javadoc promises.
    byte kind = body instanceof CheckedRunnable ? KIND_CHECKED : KIND_RUNNABLE;
    return create(scheduler, uncaught, body, kind, checkName(name));
  }

  private static @Nullable String checkName(@Nullable String name) {
    if (name != null && name.isEmpty()) {
      throw new IllegalArgumentException("task name must not be empty");
    }
    return name;
  }

  /**
   * A task whose body supplies a stage; the task completes when the stage does.
   *
   * @param scheduler runs it and its async continuations
   * @param uncaught receives the failure of a detached task
   * @param body the supplier
   * @param <T> the result type
   * @return the task, not yet queued
   */
  public static <T> TaskImpl<T> ofAsync(
      Compensator scheduler,
      Consumer<Throwable> uncaught,
      Supplier<? extends CompletionStage<T>> body) {
    return create(scheduler, uncaught, body, KIND_ASYNC, null);
  }

  /**
   * A task whose body supplies a stage, with a name (see {@link Task#name()}; the name is on the
   * thread while the supplier runs).
   *
   * @param scheduler runs it and its async continuations
   * @param uncaught receives the failure of a detached task
   * @param body the supplier
   * @param name the name, or null for none
   * @param <T> the result type
   * @return the task, not yet queued
   * @throws IllegalArgumentException if {@code name} is empty
   */
  public static <T> TaskImpl<T> ofAsync(
      Compensator scheduler,
      Consumer<Throwable> uncaught,
      Supplier<? extends CompletionStage<T>> body,
      @Nullable String name) {
    return create(scheduler, uncaught, body, KIND_ASYNC, checkName(name));
  }

  @Override
  public void run() {
    Object b = body;
    if (b == null || runState != NEW) {
      return;
    }
    runner = Thread.currentThread();
    if (!RUN_STATE.compareAndSet(this, NEW, RUNNING)) {
      runner = null;
      return; // cancelled before it started: the body never runs (cancel signalled the stop)
    }
    try {
      if (isDone()) {
        // Cancelled between its result CAS and its run-state CAS, which this run's CAS beat:
        // whoever saw the cancellation may already act on "it will never run" (see the class
        // comment), so the body does not start; the finally block below ends the run.
        return;
      }
      if (kind == KIND_DECORATED) {
        runDecorated((Decorated) b);
      } else {
        invoke(b, kind);
      }
    } catch (Throwable e) {
      fail(e);
    } finally {
      // Dropped so that a finished task does not retain what the body captured.
      body = null;
      runner = null;
      if (!RUN_STATE.compareAndSet(this, RUNNING, FINISHED)) {
        // A canceller is interrupting (or has interrupted) this very run: wait for it, and
        // consume the interrupt here so that it does not hit the worker's next task.
        while (runState == INTERRUPTING) {
          Thread.onSpinWait();
        }
        Thread.interrupted();
      }
      stopEvent();
    }
  }

  /** Runs a body of any kind but DECORATED and completes the task with its outcome. */
  @SuppressWarnings("unchecked") // body's type is fixed by the factory that set kind
  private void invoke(Object b, byte k) throws Throwable {
    switch (k) {
      case KIND_CALLABLE:
        super.complete(((Callable<T>) b).call());
        break;
      case KIND_RUNNABLE:
        ((Runnable) b).run();
        completeValue(null);
        break;
      case KIND_CHECKED:
        ((CheckedRunnable) b).runChecked();
        completeValue(null);
        break;
      default:
        CompletionStage<T> stage = ((Supplier<? extends CompletionStage<T>>) b).get();
        if (stage == null) {
          throw new NullPointerException("spawnAsync supplier returned null");
        }
        asyncStage = stage;
        stage.whenComplete(this::completeFromStage);
        if (isCancelled() && stage instanceof Future) {
          ((Future<?>) stage).cancel(false);
        }
        break;
    }
  }

  /** {@link #invoke} for {@link Decorated}: the body's failure is the task's, never thrown. */
  private void invokeCatching(Object b, byte k) {
    try {
      invoke(b, k);
    } catch (Throwable e) {
      fail(e);
    }
  }

  /**
   * Runs the decorator's runnable around the body. Before the body ran, whatever goes wrong is
   * the task's failure (the decorator threw, or returned without running it: the task must not
   * stay pending for ever); after, the task has its outcome, and an exception from the
   * decorator's own clean-up goes to the scheduler's reporter, as a raw runnable's would.
   */
  private void runDecorated(Decorated d) {
    Runnable around = d.around;
    try {
      if (around == null) { // set by the factory before the task was queued
        throw new IllegalStateException("a decorated task ran before its decoration was made");
      }
      around.run();
    } catch (Throwable e) {
      if (d.ran) {
        uncaught.accept(e);
      } else {
        fail(e);
      }
      return;
    }
    if (!d.ran) {
      fail(new IllegalStateException(
          "the task decorator's runnable returned without running the task"));
    }
  }

  /**
   * Runs {@code hook} once the task is done and its body is no longer running (see the class
   * comment). Call at most once, before the task is queued.
   *
   * @param hook what to run; it must not throw
   */
  void whenStopped(Runnable hook) {
    stoppedHook = hook;
    whenComplete((v, e) -> stopEvent());
  }

  private void stopEvent() {
    Runnable hook = stoppedHook;
    if (hook != null && (int) STOP_EVENTS.getAndAdd(this, 1) == 1) {
      hook.run();
    }
  }

  private void completeFromStage(@Nullable T value, @Nullable Throwable error) {
    if (error == null) {
      completeValue(value);
    } else {
      Throwable cause = error;
      if (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      fail(cause);
    }
  }

  // CompletableFuture admits null results (a Runnable's task completes with null); the
  // Checker Framework's stub for complete(T) does not say so for a type variable.
  @SuppressWarnings("nullness")
  private void completeValue(@Nullable T value) {
    super.complete(value);
  }

  private void fail(Throwable e) {
    if (super.completeExceptionally(e)) {
      thrown = e;
      if (detached) {
        reportOnce();
      }
    }
  }

  private void reportOnce() {
    Throwable t = thrown;
    if (t != null && REPORTED.compareAndSet(this, false, true)) {
      uncaught.accept(t);
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return cancel(mayInterruptIfRunning, new CancellationException());
  }

  /**
   * {@link #cancel(boolean)} with the exception to cancel with ({@link #cancelAfter}'s names its
   * timeout).
   */
  private boolean cancel(boolean mayInterruptIfRunning, CancellationException reason) {
    // Not super.cancel(): it returns true whenever the task is cancelled, also when another call
    // did it, and the contract is "true if this call moved the task". CompletableFuture's cancel
    // is exactly this completion (isCancelled() tests for a CancellationException result, a
    // subclass included), and completeExceptionally tells whether this call's CAS won.
    if (isDone() || !super.completeExceptionally(reason)) {
      return false;
    }
    if (RUN_STATE.compareAndSet(this, NEW, FINISHED)) {
      body = null;
      stopEvent(); // the body will never run
      return true;
    }
    if (mayInterruptIfRunning && RUN_STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
      try {
        Thread t = runner;
        if (t != null) {
          t.interrupt();
        }
      } finally {
        RUN_STATE.setVolatile(this, INTERRUPTED);
      }
    }
    CompletionStage<?> s = asyncStage;
    if (s instanceof Future) {
      ((Future<?>) s).cancel(mayInterruptIfRunning);
    }
    return true;
  }

  @Override
  public Task<T> cancelAfter(Duration timeout) {
    return cancelAfter(timeout, SharedTimer.INSTANCE);
  }

  /**
   * {@link #cancelAfter(Duration)} on a given timer (tests use one of their own, to watch its
   * thread exit). The entry holds this task until it fires or is removed; the completion of the
   * task removes it (the {@code whenComplete} below, on the completing thread), so no entry
   * outlives its task. When the entry fires first it cancels on the timer thread, so dependents
   * of the task that are not {@code *Async} run there, as they run on the JDK's delayer thread
   * after {@code CompletableFuture.orTimeout}. The race between the body's completion and the
   * timer is the result's CAS: whichever wins is the outcome (see the class comment).
   *
   * @param timeout how long from now
   * @param timer where to keep the entry
   * @return this task
   */
  Task<T> cancelAfter(Duration timeout, SharedTimer timer) {
    Objects.requireNonNull(timeout, "timeout");
    if (isDone()) {
      return this;
    }
    if (timeout.isNegative() || timeout.isZero()) {
      cancel(true, new TimeoutCancellationException(timeout));
      return this;
    }
    long nanos = Durations.saturatedNanos(timeout);
    if (nanos >= Durations.FOREVER) {
      return this; // "forever": a timer that never fires would only keep the timer thread alive
    }
    timer.scheduleFor(this, () -> cancel(true, new TimeoutCancellationException(timeout)), nanos);
    return this;
  }

  /**
   * Fails a task that never started because the scheduler could not run it (shut down with no
   * worker able to start). Like a cancel of a NEW task, the body never runs; unlike it, the task
   * is FAILED with {@code failure}, which a detached task reports.
   *
   * @param failure the reason, a {@link java.util.concurrent.RejectedExecutionException}
   * @return true if this call completed the task
   */
  public boolean failUnstarted(Throwable failure) {
    if (!RUN_STATE.compareAndSet(this, NEW, FINISHED)) {
      return false;
    }
    body = null;
    fail(failure);
    stopEvent(); // the body will never run
    return true;
  }

  @Override
  public Task<T> detach() {
    if (DETACHED.compareAndSet(this, false, true) && isCompletedExceptionally()) {
      reportOnce();
    }
    return this;
  }

  @Override
  public boolean isDetached() {
    return detached;
  }

  /**
   * The status and the body's class, for logs and debuggers: for example {@code
   * Task@1b6d3586[RUNNING, com.example.Fetch]} or {@code Task@4554617c[FAILED:
   * java.io.IOException: refused, com.example.Fetch, detached]}. Never the result (it may be large
   * or private). Replaces {@code CompletableFuture}'s form, which names no status a task has.
   */
  // Object.toString is lock-free to the Lock Checker; this reads volatile state only (no lock).
  @Override
  @SuppressWarnings("lock")
  public String toString(@GuardSatisfied TaskImpl<T> this) {
    Status s = status();
    StringBuilder b =
        new StringBuilder("Task@").append(Integer.toHexString(System.identityHashCode(this)))
            .append('[');
    String n = name();
    if (n != null) {
      b.append("name=").append(n).append(", ");
    }
    b.append(s);
    if (s == Status.FAILED) {
      b.append(": ").append(failure());
    }
    b.append(", ").append(bodyClass.getName());
    if (detached) {
      b.append(", detached");
    }
    return b.append(']').toString();
  }

  @Override
  public Status status() {
    if (isDone()) {
      if (isCancelled()) {
        return Status.CANCELLED;
      }
      return isCompletedExceptionally() ? Status.FAILED : Status.SUCCEEDED;
    }
    return runState == NEW ? Status.PENDING : Status.RUNNING;
  }

  @Override
  public @Nullable Throwable failure() {
    if (!isCompletedExceptionally()) {
      return null;
    }
    Throwable t = thrown;
    if (t != null) {
      return t;
    }
    try {
      join();
      return null;
    } catch (CancellationException e) {
      return cancelledWith(e);
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      return c != null ? c : e;
    }
  }

  /**
   * A new future completed with this task's outcome (a cancelled task gives a cancelled copy).
   * Completing or cancelling the copy does not change the task.
   */
  @Override
  public CompletableFuture<T> toCompletableFuture() {
    StageFuture<T> copy = new StageFuture<>(scheduler);
    whenComplete(
        (v, e) -> {
          if (e == null) {
            completeCopy(copy, v);
          } else {
            copy.completeExceptionally(e);
          }
        });
    return copy;
  }

  @SuppressWarnings("nullness") // a null result is legal; see completeValue
  private static <T> void completeCopy(StageFuture<T> copy, @Nullable T value) {
    copy.complete(value);
  }

  /** Refused: only the body decides a task's outcome (see the class comment). */
  @Override
  public boolean complete(T value) {
    throw sealed("complete");
  }

  /** Refused: only the body decides a task's outcome; cancel it with {@link #cancel}. */
  @Override
  public boolean completeExceptionally(Throwable ex) {
    throw sealed("completeExceptionally");
  }

  /** Refused: a task's outcome is never overwritten. */
  @Override
  public void obtrudeValue(T value) {
    throw sealed("obtrudeValue");
  }

  /** Refused: a task's outcome is never overwritten. */
  @Override
  public void obtrudeException(Throwable ex) {
    throw sealed("obtrudeException");
  }

  /** Refused: only the body decides a task's outcome. */
  @Override
  public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
    throw sealed("completeAsync");
  }

  /** Refused: only the body decides a task's outcome. */
  @Override
  public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier) {
    throw sealed("completeAsync");
  }

  /** Refused: a timeout would fail the task while its body runs on; time out a copy. */
  @Override
  public CompletableFuture<T> orTimeout(long timeout, TimeUnit unit) {
    throw sealed("orTimeout");
  }

  /** Refused: a timeout would decide the task's result while its body runs on; use a copy. */
  @Override
  public CompletableFuture<T> completeOnTimeout(T value, long timeout, TimeUnit unit) {
    throw sealed("completeOnTimeout");
  }

  private static UnsupportedOperationException sealed(String method) {
    return new UnsupportedOperationException(
        method + " is not allowed on a Task: only its body decides its outcome; call it on"
            + " task.toCompletableFuture(), a copy, or cancel the task with cancel()");
  }
}
