package io.smolscale;

import io.smolscale.spi.SmolscaleProvider;
import java.lang.Thread.UncaughtExceptionHandler;
import java.time.Duration;
import org.checkerframework.checker.lock.qual.GuardSatisfied;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A work-balancing, auto-scaling, preemptive scheduler.
 *
 * <p>The global one ({@link Smolscale#global()}) needs no set-up and ignores shutdown ({@code
 * shutdown} and {@code close} do nothing, {@code shutdownNow} returns an empty list, {@code
 * awaitTermination} returns false at once); private ones come from {@link #builder()} and should
 * be shut down or closed.
 *
 * <p>Where a task goes: spawned or woken on a worker thread of this scheduler, it goes to that
 * worker's local queue; from any other thread, to the global queue, and at most one parked worker
 * is woken. Ordering is not guaranteed between tasks, beyond this: a worker runs its local queue
 * in FIFO order, and every task eventually runs (<a
 * href="https://github.com/smolscale-java/smolscale-java/blob/main/spec/README.md#3-ordering-and-fairness">specification,
 * section 3</a>).
 *
 * <p>Threads: none until the first spawn; workers start while work waits, up to {@link
 * SchedulerConfig#parallelism()}, and retire after {@link SchedulerConfig#keepAlive()} idle. A
 * worker stuck in one task for longer than the preemption threshold (or visibly waiting, sleeping
 * or blocked on a monitor) is replaced, up to {@link SchedulerConfig#maxThreads()}. All threads
 * are daemon threads.
 *
 * <p>Bodies passed to the spawn family must not be null ({@link NullPointerException}); after
 * shutdown they are refused with {@link RejectedExecutionException}.
 */
public interface Scheduler extends ExecutorService, AutoCloseable {

  /**
   * A builder for a private scheduler, starting from the defaults.
   *
   * @return a new builder
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Spawns a task that returns a value.
   *
   * @param body the task body
   * @param <T> the result type
   * @return the task's handle
   * @throws NullPointerException if {@code body} is null
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  <T> Task<T> spawn(Callable<T> body);

  /**
   * Spawns a task with no result.
   *
   * @param body the task body
   * @return the task's handle, completed with null
   * @throws NullPointerException if {@code body} is null
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  Task<Void> spawn(Runnable body);

  /**
   * Spawns a task with no result whose body may throw a checked exception: {@code spawn(() -> {
   * Thread.sleep(5); })}. The task FAILS with the body's exception, unwrapped (see {@link
   * CheckedRunnable}). A lambda with a {@code void} body resolves to this overload; one that
   * returns a value, to {@link #spawn(Callable)}.
   *
   * <p>The default implementation spawns an adapter through {@link #spawn(Callable)}; smolscale's
   * schedulers override it to run the body itself.
   *
   * @param body the task body
   * @return the task's handle, completed with null
   * @throws NullPointerException if {@code body} is null
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  default Task<Void> spawn(CheckedRunnable body) {
    return spawn(asCallable(body));
  }

  /** The adapter of the default {@code CheckedRunnable} spawns: a body that returns null. */
  private static Callable<Void> asCallable(CheckedRunnable body) {
    Objects.requireNonNull(body, "body");
    return () -> {
      body.runChecked();
      return null;
    };
  }

  /**
   * Spawns a named task. The name is for people reading diagnostics: {@link Task#name()}, the
   * task's {@code toString()}, the {@code io.smolscale.WorkerBlocked} Flight Recorder event and the
   * starvation warning name it, and with {@link Builder#taskNamesInThreads(boolean)} the thread's
   * name carries it while the body runs. Names need not be unique; the scheduler does not look
   * tasks up by name.
   *
   * <p>The default implementation checks the name and spawns the body unnamed; smolscale's
   * schedulers keep the name.
   *
   * @param name the task's name, not empty
   * @param body the task body
   * @param <T> the result type
   * @return the task's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  default <T> Task<T> spawn(String name, Callable<T> body) {
    ConfigRules.taskName(name);
    return spawn(body);
  }

  /**
   * Spawns a named task with no result: see {@link #spawn(String, Callable)}.
   *
   * @param name the task's name, not empty
   * @param body the task body
   * @return the task's handle, completed with null
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  default Task<Void> spawn(String name, Runnable body) {
    ConfigRules.taskName(name);
    return spawn(body);
  }

  /**
   * Spawns a named task with no result whose body may throw a checked exception: see {@link
   * #spawn(String, Callable)} and {@link #spawn(CheckedRunnable)}.
   *
   * @param name the task's name, not empty
   * @param body the task body
   * @return the task's handle, completed with null
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  default Task<Void> spawn(String name, CheckedRunnable body) {
    ConfigRules.taskName(name);
    return spawn(body);
  }

  /**
   * Spawns an asynchronous task: the supplier runs on the scheduler and the task completes when
   * the stage it returns completes.
   *
   * @param body supplies the stage
   * @param <T> the result type
   * @return the task's handle
   * @throws NullPointerException if {@code body} is null
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  <T> Task<T> spawnAsync(Supplier<? extends CompletionStage<T>> body);

  /**
   * Spawns a task that is expected to block (a JDBC call, a file, an HTTP client, {@code
   * Thread.sleep}): its body starts at once on a thread of its own, a parked spare thread of this
   * scheduler or a new one, never waiting behind the workers' queues and never holding a
   * parallelism slot while it blocks (Tokio's {@code spawn_blocking}, Kotlin's {@code
   * Dispatchers.IO}). The thread is a virtual thread or a platform thread as {@link
   * Builder#blockingThreads} chose (by default virtual on JDK 24+); it counts against {@code
   * maxThreads} either way, and when all of them are in use the task waits in the global queue
   * and the worker that takes it marks itself blocked before running it. When the body returns, a
   * platform thread joins the workers if a parallelism slot is free, otherwise it stays as a spare
   * for the keep-alive; a virtual thread ends. Tasks it spawns go to the global queue. See <a
   * href="https://github.com/smolscale-java/smolscale-java/blob/main/spec/README.md#7-blocking-and-preemption">the specification,
   * section 7</a>.
   *
   * @param body the task body
   * @param <T> the result type
   * @return the task's handle
   * @throws NullPointerException if {@code body} is null
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  <T> Task<T> spawnBlocking(Callable<T> body);

  /**
   * Spawns a task with no result that is expected to block: see {@link #spawnBlocking(Callable)}.
   *
   * @param body the task body
   * @return the task's handle, completed with null
   * @throws NullPointerException if {@code body} is null
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  Task<Void> spawnBlocking(Runnable body);

  /**
   * Spawns a task with no result that is expected to block and may throw a checked exception
   * ({@code spawnBlocking(() -> Files.delete(path))}): see {@link #spawnBlocking(Callable)} and
   * {@link #spawn(CheckedRunnable)}.
   *
   * <p>The default implementation spawns an adapter through {@link #spawnBlocking(Callable)};
   * smolscale's schedulers override it to run the body itself.
   *
   * @param body the task body
   * @return the task's handle, completed with null
   * @throws NullPointerException if {@code body} is null
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  default Task<Void> spawnBlocking(CheckedRunnable body) {
    return spawnBlocking(asCallable(body));
  }

  /**
   * Spawns a named task that is expected to block: see {@link #spawnBlocking(Callable)} and, for
   * the name, {@link #spawn(String, Callable)}.
   *
   * @param name the task's name, not empty
   * @param body the task body
   * @param <T> the result type
   * @return the task's handle
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  default <T> Task<T> spawnBlocking(String name, Callable<T> body) {
    ConfigRules.taskName(name);
    return spawnBlocking(body);
  }

  /**
   * Spawns a named task with no result that is expected to block: see {@link
   * #spawnBlocking(String, Callable)}.
   *
   * @param name the task's name, not empty
   * @param body the task body
   * @return the task's handle, completed with null
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  default Task<Void> spawnBlocking(String name, Runnable body) {
    ConfigRules.taskName(name);
    return spawnBlocking(body);
  }

  /**
   * Spawns a named task with no result that is expected to block and may throw a checked
   * exception: see {@link #spawnBlocking(String, Callable)} and {@link
   * #spawnBlocking(CheckedRunnable)}.
   *
   * @param name the task's name, not empty
   * @param body the task body
   * @return the task's handle, completed with null
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  default Task<Void> spawnBlocking(String name, CheckedRunnable body) {
    ConfigRules.taskName(name);
    return spawnBlocking(body);
  }

  /**
   * This scheduler's blocking path as a plain {@link java.util.concurrent.Executor}: every
   * runnable given to it runs as {@link #spawnBlocking(Runnable)} runs its body, for libraries
   * that take an executor for blocking work (an HTTP server's handler executor, a JDBC pool's).
   * A runnable that throws is reported as a raw {@code execute} runnable is: to the scheduler's
   * uncaught-exception handler, else the JVM's default one, else standard error.
   *
   * @return the executor (the same instance on every call)
   */
  java.util.concurrent.Executor blockingExecutor();

  /**
   * Opens a nursery whose children run on this scheduler.
   *
   * @return a new nursery
   */
  Nursery nursery();

  /**
   * Opens a nursery that cancels its remaining children after the deadline.
   *
   * @param deadline how long the children may run, positive
   * @return a new nursery
   * @throws IllegalArgumentException if {@code deadline} is not positive
   */
  Nursery nursery(Duration deadline);

  /**
   * Creates an empty {@link JoinSet} whose tasks run on this scheduler, owned by no nursery.
   *
   * <p>A {@code default} method only so that the API stays compatible for other implementations
   * of this interface, which throw {@link UnsupportedOperationException}; smolscale's schedulers
   * implement it.
   *
   * @param <T> the tasks' result type
   * @return a new join set
   * @throws UnsupportedOperationException if this implementation has no join sets
   */
  default <T> JoinSet<T> joinSet() {
    throw new UnsupportedOperationException(getClass().getName() + " has no join sets");
  }

  /**
   * Yields: the returned stage completes from a task queued behind the work already queued on
   * this worker (or globally), so continuations chained on it run after that work has had its
   * turn: on a single worker, after it has run; on several, after some worker has taken it (it may
   * still be running there).
   *
   * @return a stage completed once the scheduler has run the yield
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  CompletionStage<Void> yieldNow();

  /**
   * A stage that completes {@code delay} from now, from a task on this scheduler: dependents that
   * are not {@code *Async} run on a worker, never on a timer thread, so a chain that waits (Kotlin's
   * {@code delay}, Tokio's {@code sleep}) costs no thread while it waits. smolscale keeps every
   * pending delay on one shared timer thread that exits when no timer is pending; cancelling or
   * completing the returned future before the delay passes removes its timer.
   *
   * <p>Zero or negative: completes as soon as the scheduler runs it, as {@link #yieldNow()}. A
   * delay of about 292 years or more never completes and keeps no timer. If the scheduler is shut
   * down when the delay passes, the stage completes exceptionally with a {@link
   * RejectedExecutionException} (it never hangs silently).
   *
   * <p>The default implementation uses {@link
   * java.util.concurrent.CompletableFuture#delayedExecutor(long, java.util.concurrent.TimeUnit,
   * java.util.concurrent.Executor)} with this scheduler; smolscale's schedulers override it.
   *
   * @param delay how long from now
   * @return a future completed with null after the delay; its holder may cancel it
   * @throws NullPointerException if {@code delay} is null
   * @throws RejectedExecutionException if the scheduler is shut down
   */
  default java.util.concurrent.CompletableFuture<Void> delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (isShutdown()) {
      throw new RejectedExecutionException("scheduler is shut down");
    }
    long nanos;
    try {
      nanos = Math.max(0, delay.toNanos());
    } catch (ArithmeticException e) {
      return new java.util.concurrent.CompletableFuture<>(); // about 292 years or more: never
    }
    return java.util.concurrent.CompletableFuture.runAsync(
        () -> {},
        java.util.concurrent.CompletableFuture.delayedExecutor(
            nanos, java.util.concurrent.TimeUnit.NANOSECONDS, this));
  }

  /**
   * Blocks the calling thread until the stage completes and returns its result. On a worker
   * thread the wait is compensated at once: the worker hands its queue to the global queue and a
   * replacement worker may start.
   *
   * @param stage the stage to wait for
   * @param <T> the result type
   * @return the result
   * @throws CompletionException wrapping the stage's exception
   * @throws java.util.concurrent.CancellationException if the stage was cancelled
   * @throws NullPointerException if {@code stage} is null
   */
  <T> T blockOn(CompletionStage<T> stage);

  /**
   * A snapshot of the scheduler's counters.
   *
   * @return the snapshot
   */
  Stats stats();

  /**
   * The configuration the scheduler runs with.
   *
   * @return the configuration
   */
  SchedulerConfig config();

  /**
   * Tells whether the calling thread is a worker of this scheduler.
   *
   * @return true on one of this scheduler's worker threads
   */
  boolean isWorkerThread();

  /**
   * Submits a value-returning task; the same as {@link #spawn(Callable)}.
   *
   * @param body the task body
   * @param <T> the result type
   * @return the task's handle
   */
  @Override
  <T> Task<T> submit(Callable<T> body);

  /**
   * Submits a task; the same as {@link #spawn(Runnable)}.
   *
   * @param body the task body
   * @return the task's handle
   */
  @Override
  Task<@Nullable ?> submit(Runnable body);

  /**
   * Submits a task that completes with the given result.
   *
   * @param body the task body
   * @param result the result
   * @param <T> the result type
   * @return the task's handle
   */
  @Override
  <T> Task<T> submit(Runnable body, T result);

  /**
   * Shuts down and waits for the tasks already accepted to finish, with the contract of JDK 19+
   * {@code ExecutorService.close()} on every JDK: if the calling thread is interrupted before or
   * while it waits, the scheduler stops the executing tasks as {@link #shutdownNow()} does (tasks
   * still queued are cancelled and never run), goes on waiting until the executing ones have
   * ended, and re-asserts the interrupt status before returning. Idempotent. Called from one of
   * the scheduler's own tasks it only shuts down (a task cannot wait for itself to end). Ignored
   * by the global scheduler.
   */
  @Override
  void close(@GuardSatisfied Scheduler this);

  /**
   * Builds private schedulers. Every setter validates its argument: a null argument throws {@link
   * NullPointerException} and a value out of range {@link IllegalArgumentException}, each naming
   * the parameter; {@link #build()} checks the combination. Durations longer than about 292 years
   * are taken as "forever".
   */
  final class Builder {
    /** Default keep-alive of an idle worker. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(3);
    /** Default preemption threshold. */
    public static final Duration DEFAULT_PREEMPTION_THRESHOLD = Duration.ofMillis(20);
    /** Default balancer period. */
    public static final Duration DEFAULT_BALANCER_INTERVAL = Duration.ofMillis(1);
    /**
     * Default pre-park spin: 50 µs, chosen with the JMH suite on a 2-core VM (see <a
     * href="https://github.com/smolscale-java/smolscale-java/blob/main/spec/PERFORMANCE.md">PERFORMANCE.md</a>).
     */
    public static final Duration DEFAULT_SPIN_BEFORE_PARK = Duration.ofNanos(50_000);
    /** Default thread cap. */
    public static final int DEFAULT_MAX_THREADS = 512;

    private int parallelism = Runtime.getRuntime().availableProcessors();
    private int maxThreads = -1;
    private Duration keepAlive = DEFAULT_KEEP_ALIVE;
    private boolean preemption = true;
    private Duration preemptionThreshold = DEFAULT_PREEMPTION_THRESHOLD;
    private Duration balancerInterval = DEFAULT_BALANCER_INTERVAL;
    private Duration spinBeforePark = DEFAULT_SPIN_BEFORE_PARK;
    private String threadNamePrefix = "smolscale-worker-";
    private @Nullable ThreadFactory threadFactory;
    private @Nullable UncaughtExceptionHandler handler;
    private BlockingThreads blockingThreads = BlockingThreads.AUTO;
    private @Nullable TaskDecorator taskDecorator;
    private boolean taskNamesInThreads;
    private @Nullable String jmxName;

    /**
     * The system property (name='value') that set {@link #parallelism} or {@link #maxThreads},
     * null when a setter did: a combination that {@link #toConfig()} rejects then names it.
     */
    private @Nullable String parallelismProperty;
    private @Nullable String maxThreadsProperty;

    /** Every {@code smolscale.*} property the library reads, in the order of the docs. */
    private static final List<String> KNOWN_PROPERTIES =
        List.of(
            "smolscale.parallelism",
            "smolscale.maxThreads",
            "smolscale.keepAliveMillis",
            "smolscale.preemption",
            "smolscale.preemptionThresholdMillis",
            "smolscale.balancerIntervalMicros",
            "smolscale.spinBeforeParkMicros",
            "smolscale.threadNamePrefix",
            "smolscale.blockingThreads",
            "smolscale.taskNamesInThreads");

    /** Unknown keys already warned about: one warning per key and JVM, however often read. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    Builder() {}

    /**
     * Sets the number of workers that run tasks at once. Default: available processors.
     *
     * @param parallelism at least 1
     * @return this builder
     */
    public Builder parallelism(int parallelism) {
      this.parallelism = ConfigRules.parallelism(parallelism);
      this.parallelismProperty = null;
      return this;
    }

    /**
     * Sets the cap on worker threads, blocked ones included. Default: the larger of {@value
     * #DEFAULT_MAX_THREADS} and parallelism.
     *
     * @param maxThreads at least the parallelism (checked by {@link #build()})
     * @return this builder
     */
    public Builder maxThreads(int maxThreads) {
      this.maxThreads = ConfigRules.maxThreads(maxThreads);
      this.maxThreadsProperty = null;
      return this;
    }

    /**
     * Sets how long an idle worker waits before it retires. Default 3 s.
     *
     * @param keepAlive positive
     * @return this builder
     */
    public Builder keepAlive(Duration keepAlive) {
      this.keepAlive = ConfigRules.positive("keepAlive", keepAlive);
      return this;
    }

    /**
     * Turns the monitor's preemption on or off. Default on. With it off, the monitor never marks a
     * worker blocked (work queued behind a long task is still balanced to other workers), but
     * explicit waits on a worker ({@link Task#join()}, {@code get}, {@link #blockOn}, {@link
     * Nursery#close()}) still compensate, because without that a task waiting for a task queued
     * behind it could deadlock a small pool.
     *
     * @param enabled whether to preempt
     * @return this builder
     */
    public Builder preemption(boolean enabled) {
      this.preemption = enabled;
      return this;
    }

    /**
     * Sets how long a worker may run one task before it is deemed blocked. Default 20 ms.
     *
     * @param threshold positive
     * @return this builder
     */
    public Builder preemptionThreshold(Duration threshold) {
      this.preemptionThreshold = ConfigRules.positive("preemptionThreshold", threshold);
      return this;
    }

    /**
     * Sets the balancer's period. Default 1 ms.
     *
     * @param interval positive, at most 1 s
     * @return this builder
     */
    public Builder balancerInterval(Duration interval) {
      this.balancerInterval = ConfigRules.balancerInterval(interval);
      return this;
    }

    /**
     * Sets how long a worker that ran out of work may spin, watching the global queue, before it
     * parks. Default 50 µs. The spin is adaptive: a worker spins only if its last park was short
     * (it was woken within this time, so a spin would have caught the work) or its last spin
     * found work, and only while every other worker is parked: requests farther apart than the
     * limit turn it off, and it never takes a CPU from a running worker. A spinning worker takes
     * the next task from another thread without a wake-up; zero turns spinning off.
     *
     * @param spin zero to at most {@link SchedulerConfig#MAX_SPIN_BEFORE_PARK}
     * @return this builder
     */
    public Builder spinBeforePark(Duration spin) {
      this.spinBeforePark = ConfigRules.spinBeforePark(spin);
      return this;
    }

    /**
     * Sets the prefix of worker thread names.
     *
     * @param prefix not empty
     * @return this builder
     */
    public Builder threadNamePrefix(String prefix) {
      this.threadNamePrefix = ConfigRules.threadNamePrefix(prefix);
      return this;
    }

    /**
     * Sets the factory of worker threads. The scheduler names the threads it gets and makes them
     * daemon threads if they are not started yet.
     *
     * @param factory the factory
     * @return this builder
     */
    public Builder threadFactory(ThreadFactory factory) {
      this.threadFactory = Objects.requireNonNull(factory, "threadFactory");
      return this;
    }

    /**
     * Sets the handler that receives failures of detached tasks. Default: the thread's default
     * uncaught-exception handler.
     *
     * @param handler the handler
     * @return this builder
     */
    public Builder uncaughtExceptionHandler(UncaughtExceptionHandler handler) {
      this.handler = Objects.requireNonNull(handler, "uncaughtExceptionHandler");
      return this;
    }

    /**
     * Chooses the threads of the blocking path ({@link Scheduler#spawnBlocking(Callable)}, {@link
     * Scheduler#blockingExecutor()}, tasks learnt to block). Default {@link BlockingThreads#AUTO}:
     * virtual threads on JDK 24+ unless a thread factory is set, platform threads otherwise.
     *
     * @param mode the choice
     * @return this builder
     * @throws IllegalArgumentException if {@code mode} is {@link BlockingThreads#VIRTUAL} on a JDK
     *     without virtual threads
     */
    public Builder blockingThreads(BlockingThreads mode) {
      this.blockingThreads = ConfigRules.blockingThreads(mode);
      return this;
    }

    /**
     * Sets the decorator that carries context (MDC, tracing, thread locals) from each submitting
     * thread to the task it submits; see {@link TaskDecorator} for when it is called and its rules.
     * Default: none, which costs nothing.
     *
     * @param decorator the decorator
     * @return this builder
     */
    public Builder taskDecorator(TaskDecorator decorator) {
      this.taskDecorator = Objects.requireNonNull(decorator, "taskDecorator");
      return this;
    }

    /**
     * Whether a named task ({@link Scheduler#spawn(String, Callable)} and the other named spawns)
     * appends its name to its thread's name while it runs, {@code smolscale-worker-3 [fetch
     * user 42]}, so that thread dumps, profilers and log patterns that print the thread name show
     * the task. Default off, as Kotlin shows coroutine names in thread names only in its debug
     * mode: renaming a thread costs about 0.6 µs each way on Linux (the JDK also renames the OS
     * thread), several times a small task's own cost. Unnamed tasks never pay it. Task names are
     * always in {@code Task.toString()}, {@link Task#name()} and the {@code
     * io.smolscale.WorkerBlocked} Flight Recorder event, whatever this says.
     *
     * @param enabled whether to rename
     * @return this builder
     */
    public Builder taskNamesInThreads(boolean enabled) {
      this.taskNamesInThreads = enabled;
      return this;
    }

    /**
     * Registers the scheduler's statistics as an MXBean, {@code
     * io.smolscale:type=Scheduler,name=<name>}, when it is built (the global scheduler's is {@code
     * name=global}); its termination removes the bean. Each attribute is one {@link Stats} field,
     * read fresh. Default: no bean.
     *
     * @param name letters, digits, '-' and '_', not {@code global}
     * @return this builder
     * @throws IllegalArgumentException if the name has other characters or is {@code global}
     */
    public Builder jmxName(String name) {
      this.jmxName = ConfigRules.jmxName(name);
      return this;
    }

    /**
     * Reads the global scheduler's system properties into this builder. Each is optional:
     * <ul>
     *   <li>{@code smolscale.parallelism}: integer, at least 1
     *   <li>{@code smolscale.maxThreads}: integer, at least the parallelism
     *   <li>{@code smolscale.keepAliveMillis}: positive integer
     *   <li>{@code smolscale.preemption}: {@code true} or {@code false}
     *   <li>{@code smolscale.preemptionThresholdMillis}: positive integer
     *   <li>{@code smolscale.balancerIntervalMicros}: positive integer, at most 1,000,000
     *   <li>{@code smolscale.spinBeforeParkMicros}: integer, 0 (no spin) to 1,000
     *   <li>{@code smolscale.threadNamePrefix}: non-empty string
     *   <li>{@code smolscale.blockingThreads}: {@code auto}, {@code platform} or {@code virtual}
     *       (any case; {@code virtual} needs JDK 21+)
     *   <li>{@code smolscale.taskNamesInThreads}: {@code true} or {@code false}
     * </ul>
     *
     *
     * <p>Any other key that starts with {@code smolscale.} is most likely a misspelling (say,
     * {@code smolscale.paralellism}): it is ignored, with one {@link System.Logger.Level#WARNING}
     * per key and JVM on the {@code io.smolscale} system logger naming it and the known keys.
     * Keys under {@code smolscale.debug.} are for the project's own benchmarks and are not
     * warned about.
     *
     * @param properties where to read them
     * @return this builder
     * @throws IllegalArgumentException naming the property whose value is bad; a parallelism and
     *     maxThreads that do not fit together are reported by {@link #toConfig()}, naming the
     *     property that set each
     */
    public Builder fromProperties(Properties properties) {
      Objects.requireNonNull(properties, "properties");
      warnUnknown(properties);
      String v;
      if ((v = properties.getProperty("smolscale.parallelism")) != null) {
        String p = v;
        property("smolscale.parallelism", v, () -> parallelism(intProperty(p)));
        parallelismProperty = "smolscale.parallelism='" + v + "'";
      }
      if ((v = properties.getProperty("smolscale.maxThreads")) != null) {
        String p = v;
        property("smolscale.maxThreads", v, () -> maxThreads(intProperty(p)));
        maxThreadsProperty = "smolscale.maxThreads='" + v + "'";
      }
      if ((v = properties.getProperty("smolscale.keepAliveMillis")) != null) {
        String p = v;
        property("smolscale.keepAliveMillis", v,
            () -> keepAlive(Duration.ofMillis(intProperty(p))));
      }
      if ((v = properties.getProperty("smolscale.preemption")) != null) {
        String p = v.trim();
        property("smolscale.preemption", v, () -> preemption(bool(p)));
      }
      if ((v = properties.getProperty("smolscale.preemptionThresholdMillis")) != null) {
        String p = v;
        property("smolscale.preemptionThresholdMillis", v,
            () -> preemptionThreshold(Duration.ofMillis(intProperty(p))));
      }
      if ((v = properties.getProperty("smolscale.balancerIntervalMicros")) != null) {
        String p = v;
        property("smolscale.balancerIntervalMicros", v,
            () -> balancerInterval(Duration.ofNanos(1000L * intProperty(p))));
      }
      if ((v = properties.getProperty("smolscale.spinBeforeParkMicros")) != null) {
        String p = v;
        property("smolscale.spinBeforeParkMicros", v,
            () -> spinBeforePark(Duration.ofNanos(1000L * intProperty(p))));
      }
      if ((v = properties.getProperty("smolscale.threadNamePrefix")) != null) {
        String p = v;
        property("smolscale.threadNamePrefix", v, () -> threadNamePrefix(p));
      }
      if ((v = properties.getProperty("smolscale.blockingThreads")) != null) {
        String p = v.trim().toUpperCase(Locale.ROOT);
        property("smolscale.blockingThreads", v, () -> {
          BlockingThreads mode;
          try {
            mode = BlockingThreads.valueOf(p);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be auto, platform or virtual", e);
          }
          blockingThreads(mode);
        });
      }
      if ((v = properties.getProperty("smolscale.taskNamesInThreads")) != null) {
        String p = v.trim();
        property("smolscale.taskNamesInThreads", v, () -> taskNamesInThreads(bool(p)));
      }
      return this;
    }

    /**
     * Reads the {@code smolscale.*} system properties; see {@link #fromProperties(Properties)}.
     *
     * @return this builder
     * @throws IllegalArgumentException naming the property whose value is bad
     */
    public Builder fromSystemProperties() {
      return fromProperties(System.getProperties());
    }

    /** Warns once per key about {@code smolscale.*} keys this library does not read. */
    private static void warnUnknown(Properties properties) {
      for (String key : properties.stringPropertyNames()) {
        if (key.startsWith("smolscale.")
            && !key.startsWith("smolscale.debug.")
            && !key.startsWith("smolscale.jmh.") // the benchmark harness's own switches
            && !KNOWN_PROPERTIES.contains(key)
            && WARNED.add(key)) {
          System.getLogger("io.smolscale")
              .log(
                  System.Logger.Level.WARNING,
                  "unknown system property " + key + " ignored (a misspelling?); the known ones: "
                      + String.join(", ", KNOWN_PROPERTIES));
        }
      }
    }

    /** Applies one property, naming it and its value in any error. */
    private static void property(String name, String value, Runnable apply) {
      try {
        apply.run();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "bad system property " + name + "='" + value + "': " + e.getMessage(), e);
      }
    }

    private static boolean bool(String value) {
      if (!value.equals("true") && !value.equals("false")) {
        throw new IllegalArgumentException("must be true or false");
      }
      return Boolean.parseBoolean(value);
    }

    private static int intProperty(String value) {
      try {
        return Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("must be an integer", e);
      }
    }

    private static String source(@Nullable String property, String name) {
      return property != null ? "from " + property : name + " set by the builder or its default";
    }

    /**
     * The validated configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException if the values do not fit together
     */
    public SchedulerConfig toConfig() {
      int max = maxThreads < 0 ? Math.max(DEFAULT_MAX_THREADS, parallelism) : maxThreads;
      if (max < parallelism && (parallelismProperty != null || maxThreadsProperty != null)) {
        // The record would say "maxThreads must be ..." and name no property: say which set what.
        throw new IllegalArgumentException(
            "bad system properties: maxThreads=" + max + " is below parallelism=" + parallelism
                + " (" + source(maxThreadsProperty, "maxThreads") + ", "
                + source(parallelismProperty, "parallelism") + ")");
      }
      return new SchedulerConfig(
          parallelism,
          max,
          keepAlive,
          preemption,
          preemptionThreshold,
          balancerInterval,
          spinBeforePark,
          threadNamePrefix,
          threadFactory,
          handler,
          blockingThreads,
          taskDecorator,
          taskNamesInThreads,
          jmxName);
    }

    /**
     * Builds a private scheduler. It starts no thread until its first task.
     *
     * @return the scheduler
     * @throws IllegalArgumentException if the values do not fit together
     * @throws IllegalStateException if no implementation is on the class or module path, or if
     *     {@link #jmxName} is set and the bean cannot be registered (the name is taken, or the JVM
     *     has no platform MBean server)
     */
    public Scheduler build() {
      return SmolscaleProvider.get().newScheduler(toConfig());
    }
  }
}
