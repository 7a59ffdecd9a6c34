package io.smolscale.impl;

import io.smolscale.Nursery;
import io.smolscale.Scheduler;
import io.smolscale.SchedulerConfig;
import io.smolscale.Stats;
import io.smolscale.Task;
import io.smolscale.impl.jfr.JfrEvents;
import io.smolscale.impl.jfr.JfrEvents.Cause;
import io.smolscale.impl.park.IdleSet;
import io.smolscale.impl.park.Parker;
import io.smolscale.impl.queue.GlobalQueue;
import io.smolscale.impl.queue.LocalQueue;
import io.smolscale.impl.task.Compensator;
import io.smolscale.impl.task.NurseryImpl;
import io.smolscale.impl.task.StageFuture;
import io.smolscale.impl.task.TaskImpl;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.checkerframework.checker.lock.qual.GuardSatisfied;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The work-balancing scheduler.
 *
 * <h2>Implementation overview</h2>
 *
 * <p>The parts, each in its own class: {@link LocalQueue} (one per worker), {@link GlobalQueue},
 * {@link IdleSet} and {@link Parker} (sleeping and waking), {@link Worker} (the run loop and the
 * life cycle), {@link Balancer} (balancing, blocking detection and preemption). This class holds
 * them together: where a task goes, when a worker is woken or started, and the counters.
 *
 * <p><b>Where a task goes.</b> Spawned or woken on a worker of this scheduler, it goes to that
 * worker's local queue and nobody is woken: a message-passing wake runs on the waker's thread
 * after the waker's current task, which is what message-passing programs want. Two exceptions:
 * if the local queue is full, half of it and the task go to the global queue (overflow); and if
 * the worker has a backlog ({@value #SHARE_THRESHOLD} or more tasks) while some worker sleeps and
 * none is searching, half of the backlog goes to the global queue and one sleeper is woken
 * (sharing: the producer fixes the imbalance it creates, instead of idle workers stealing). From
 * any other thread, or from a worker marked blocked, the task goes to the global queue and at
 * most one sleeper is woken.
 *
 * <p><b>Waking.</b> {@link #wakeOne()}: if a worker is searching, nothing (it will find the work);
 * else pop the most recently parked worker and unpark it; else, if fewer than {@code parallelism}
 * workers are counted, start one. A woken worker that finds work and was the last searcher wakes
 * the next one if more work waits (Tokio's chain).
 *
 * <p><b>No lost wake-up.</b> Dekker's pattern over volatile variables, in the synchronization
 * order that the JMM makes total: a submitter does (1) publish the task (the global queue's
 * volatile {@code size} store) then (2) read the searching count and the idle set. A worker going
 * idle does (a) stop searching (volatile decrement), (b) publish idleness (push, a volatile
 * {@code size} store under the IdleSet lock), then (c) read the global queue's size. If (c) does
 * not see the task, (c) precedes (1), so (b) precedes (2): the submitter sees either the worker
 * in the set or a searcher that has not yet done (a) and will do its own re-check after (a). The
 * formal model in {@code spec/tla} checks this argument, including the searching count.
 *
 * <p><b>No stranded task.</b> A task can sit in a local queue only while its owner is (i) running
 * a task: the owner will come back to it, and if the task is long the balancer moves it within a
 * tick; (ii) blocked: the balancer drains the queue at once and at every tick; (iii) retiring:
 * a worker retires only from the idle state (its queue is empty: only the owner pushes to it) or
 * after a blocked task, when it drains the queue itself first. Parked workers have empty queues.
 *
 * <p><b>Counts.</b> {@code counted}: workers that count towards parallelism (not blocked, not
 * retired); never above parallelism. {@code threads}: live worker threads, never above {@code
 * maxThreads}; both reserved with CAS before a thread starts. {@code awake}: workers not parked,
 * for the balancer's sleep decision.
 */
public final class WorkBalancingScheduler extends AbstractExecutorService
    implements Scheduler, Compensator {

  /** A local backlog of this many tasks is shared when a worker sleeps and none is searching. */
  static final int SHARE_THRESHOLD = 4;

  private static final VarHandle COUNTED;
  private static final VarHandle THREADS;
  private static final VarHandle RUN_STATE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      COUNTED = l.findVarHandle(WorkBalancingScheduler.class, "counted", int.class);
      THREADS = l.findVarHandle(WorkBalancingScheduler.class, "threads", int.class);
      RUN_STATE = l.findVarHandle(WorkBalancingScheduler.class, "runState", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int RUNNING = 0;
  private static final int SHUTDOWN = 1;
  private static final int STOP = 2;

  private final SchedulerConfig config;
  private final boolean isGlobal;
  private final int parallelism;
  private final int maxThreads;
  private final long keepAliveNanos;
  private final long spinNanos;
  final GlobalQueue global;
  final IdleSet<Worker> idle = new IdleSet<>();
  private final Balancer balancer;
  private final Consumer<Throwable> reporter;

  private volatile int counted;
  private volatile int threads;
  private final AtomicInteger awake = new AtomicInteger();
  private volatile int runState = RUNNING;
  private final CountDownLatch terminated = new CountDownLatch(1);

  /**
   * The last failure to start a worker, null after a successful start: marks a failure episode
   * (reported once) and is what queued tasks fail with when the scheduler is shut down with no
   * worker able to start. Written by starters, read by starters and {@link #tryTerminate}.
   */
  private volatile @Nullable Throwable startFailure;
  private final AtomicInteger workerIds = new AtomicInteger();

  /** Copy-on-write registry of live workers, for the balancer and statistics. */
  private volatile Worker[] workers = new Worker[0];

  private final Object registryLock = new Object();

  // Counters for rarer events, and totals of retired workers' own counters.
  private final LongAdder externalPushes = new LongAdder();
  private final LongAdder overflowPushes = new LongAdder();
  private final LongAdder sharedBatches = new LongAdder();
  private final LongAdder balancerMoves = new LongAdder();
  private final LongAdder balancerTicks = new LongAdder();
  private final LongAdder preemptions = new LongAdder();
  private final LongAdder compensations = new LongAdder();
  private final LongAdder threadsStarted = new LongAdder();
  private final LongAdder threadsRetired = new LongAdder();
  private final LongAdder wakeups = new LongAdder();
  private final LongAdder spinHits = new LongAdder();
  private final LongAdder spinMisses = new LongAdder();
  private final LongAdder retiredLocalPushes = new LongAdder();
  private final LongAdder retiredCompleted = new LongAdder();

  /**
   * Creates a scheduler. No thread starts until the first task.
   *
   * @param config the configuration
   * @param global whether this is the global scheduler (which ignores shutdown)
   */
  // The Balancer keeps `this` under initialization; it reads the config at once (set above) and
  // uses the rest only after its thread starts, long after this constructor returned.
  @SuppressWarnings("nullness")
  public WorkBalancingScheduler(SchedulerConfig config, boolean global) {
    this.config = Objects.requireNonNull(config, "config");
    this.isGlobal = global;
    this.parallelism = config.parallelism();
    this.maxThreads = config.maxThreads();
    this.keepAliveNanos = Durations.saturatedNanos(config.keepAlive());
    this.spinNanos = config.spinBeforePark().toNanos(); // at most 1 ms: validated by the config
    this.global = new GlobalQueue();
    this.reporter = new UncaughtReporter(config.uncaughtExceptionHandler());
    this.balancer = new Balancer(this);
  }

  // ------------------------------------------------------------------ dispatch

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (runState != RUNNING) {
      throw new RejectedExecutionException("scheduler is shut down");
    }
    dispatch(task);
  }

  /** Puts a task where it belongs: see the class comment. */
  private void dispatch(Runnable task) {
    Worker w = Worker.current();
    if (w != null && w.pool == this && !w.isBlockedOpaque()) {
      LocalQueue local = w.local;
      if (!local.offerOrOverflow(task, global)) {
        overflowPushes.increment();
        wakeOne();
        return;
      }
      w.countLocalPush();
      if (local.size() >= SHARE_THRESHOLD && idle.size() > 0 && idle.searching() == 0) {
        if (local.shareHalfTo(global) > 0) {
          sharedBatches.increment();
          wakeOne();
        }
      }
      return;
    }
    global.offer(task);
    externalPushes.increment();
    wakeOne();
  }

  /** Wakes one sleeper, or starts a worker, unless a worker is already searching. */
  void wakeOne() {
    if (idle.searching() > 0) {
      return;
    }
    Worker w = idle.popToSearch();
    if (w != null) {
      if (spinNanos > 0) {
        w.stampWoken(System.nanoTime()); // how long it slept: the adaptive spin's evidence
      }
      Parker p = w.parker;
      if (p != null) {
        p.unpark();
      }
      wakeups.increment();
      return;
    }
    maybeStartWorker();
  }

  /**
   * Starts a worker if fewer than parallelism are counted and the thread cap (and, beyond
   * parallelism, the token bucket) allows.
   */
  private void maybeStartWorker() {
    while (true) {
      int t = threads;
      if (counted >= parallelism || t >= maxThreads) {
        return;
      }
      if (t >= parallelism && !balancer.tryAcquireToken()) {
        return; // the balancer retries at its next tick
      }
      if (!THREADS.compareAndSet(this, t, t + 1)) {
        continue;
      }
      int c;
      do {
        c = counted;
        if (c >= parallelism) {
          THREADS.getAndAdd(this, -1);
          return;
        }
      } while (!COUNTED.compareAndSet(this, c, c + 1));
      startWorker();
      return;
    }
  }

  /**
   * Starts a worker thread; {@code threads} and {@code counted} are already reserved.
   *
   * <p>A start can fail: the factory throws, returns null or a thread it already started, or the
   * JVM cannot make a thread. Then the counts are undone and the work stays queued (it was
   * accepted: the submitter is not failed), and the start is retried by the balancer, which this
   * method makes sure is running: it may have no other reason to exist, since no worker does. A
   * retry must never depend on a thread that does not exist. The first failure of an episode is
   * reported (the next success ends the episode), so a factory that keeps failing is neither
   * silent nor a flood of reports. If the scheduler is shut down while no worker can be started,
   * {@link #tryTerminate} fails the queued tasks with this failure instead of terminating with
   * them pending.
   */
  private void startWorker() {
    Worker w = new Worker(this, workerIds.incrementAndGet());
    String name = config.threadNamePrefix() + w.id;
    Thread t;
    try {
      ThreadFactory f = config.threadFactory();
      if (f == null) {
        t = new Worker.WorkerThread(w, name);
      } else {
        Thread made = f.newThread(w);
        if (made == null) {
          throw new IllegalStateException("thread factory " + f + " returned null");
        }
        if (made.getState() != Thread.State.NEW) {
          // It may be running our worker already: w is not admitted, so that run returns at once.
          throw new IllegalThreadStateException(
              "thread factory " + f + " returned a thread that was already started: " + made);
        }
        t = made;
        t.setName(name);
        t.setDaemon(true);
      }
      w.thread = t;
      w.parker = new Parker(t);
      idle.incrementSearching();
      awake.incrementAndGet();
      register(w);
      threadsStarted.increment();
      balancer.ensureRunning();
      w.admit();
      t.start();
      startFailure = null;
    } catch (RuntimeException | Error e) {
      // Undo, so that the counts stay true (see the method comment).
      unregister(w);
      COUNTED.getAndAdd(this, -1);
      THREADS.getAndAdd(this, -1);
      if (w.thread != null) {
        idle.decrementSearching();
        awake.decrementAndGet();
      }
      IllegalStateException failure =
          new IllegalStateException("smolscale could not start a worker thread", e);
      boolean firstOfEpisode = startFailure == null;
      startFailure = failure;
      if (firstOfEpisode) {
        reportUncaught(failure);
      }
      if (runState != RUNNING && threads == 0) {
        // Shut down, no worker left, and none can start: nothing will ever run the queued
        // tasks, so fail them and terminate now. (Not through tryTerminate: it would try this
        // start again, and a start that fails there would come back here.) Any caller can be
        // the one whose start fails last: shutdown(), the balancer's retry, a worker's exit.
        failQueuedAndTerminate();
        return;
      }
      try {
        balancer.ensureRunning(); // the retry
      } catch (RuntimeException | Error again) {
        // No thread at all can be made now: the next submission or worker exit retries.
      }
    }
  }

  private void register(Worker w) {
    synchronized (registryLock) {
      Worker[] old = workers;
      Worker[] grown = new Worker[old.length + 1];
      System.arraycopy(old, 0, grown, 0, old.length);
      grown[old.length] = w;
      workers = grown;
    }
  }

  private void unregister(Worker w) {
    synchronized (registryLock) {
      Worker[] old = workers;
      int i = Arrays.asList(old).indexOf(w);
      if (i < 0) {
        return;
      }
      Worker[] shrunk = new Worker[old.length - 1];
      System.arraycopy(old, 0, shrunk, 0, i);
      System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
      workers = shrunk;
    }
  }

  // ------------------------------------------------------------------ worker callbacks

  Worker[] workers() {
    return workers;
  }

  int countedWorkers() {
    return counted;
  }

  int liveThreads() {
    return threads;
  }

  int awakeWorkers() {
    return awake.get();
  }

  long keepAliveNanos() {
    return keepAliveNanos;
  }

  /** The longest pre-park spin in nanoseconds, 0 for none; see {@code Worker.idle}. */
  long spinNanos() {
    return spinNanos;
  }

  /**
   * Counts the outcome of a pre-park spin.
   *
   * @param hit whether the spin found work
   */
  void countSpin(boolean hit) {
    (hit ? spinHits : spinMisses).increment();
  }

  boolean isShuttingDown() {
    return runState != RUNNING;
  }

  /** Whether {@link #shutdownNow} was called: tasks that still start, start interrupted. */
  boolean isStopping() {
    return runState == STOP;
  }

  /** Work waits in the global queue and no worker thread is alive (a start failed). */
  boolean needsStartRetry() {
    return threads == 0 && !global.isEmpty();
  }

  /** The balancer's retry of a failed start (see {@link #startWorker}). */
  void retryStart() {
    if (needsStartRetry()) {
      maybeStartWorker();
    }
  }

  void workerParking() {
    awake.decrementAndGet();
  }

  void workerWoke() {
    awake.incrementAndGet();
  }

  /** An idle worker's keep-alive passed and it left the idle set: it retires. */
  void retireIdle() {
    COUNTED.getAndAdd(this, -1);
  }

  /** A worker woken with nothing to do after shutdown retires (it was counted as searching). */
  void retireOnShutdown() {
    idle.decrementSearching();
    COUNTED.getAndAdd(this, -1);
  }

  /**
   * Marks a worker blocked: it stops counting towards parallelism, its local queue goes to the
   * global queue, and a replacement is woken or started if work waits.
   *
   * @param w the worker
   * @param cause why: {@link Cause#COMPENSATION} when the worker marks itself, otherwise the
   *     monitor's {@link Cause#WAITING} or {@link Cause#COMPUTING}
   * @param stalledNanos how long the worker has been inside its task (0 for compensation), for
   *     the Flight Recorder event only
   * @return true if this call marked it
   */
  boolean markBlocked(Worker w, Cause cause, long stalledNanos) {
    if (!w.markBlocked()) {
      return false;
    }
    boolean self = cause == Cause.COMPENSATION;
    COUNTED.getAndAdd(this, -1);
    (self ? compensations : preemptions).increment();
    int moved = self ? drainOwn(w) : w.local.drainAllTo(global);
    if (moved > 0) {
      balancerMoves.add(moved);
    }
    JfrEvents.workerBlocked(config.threadNamePrefix(), w.thread, cause, stalledNanos, moved);
    if (!global.isEmpty()) {
      wakeOne();
    }
    return true;
  }

  private int drainOwn(Worker w) {
    int before = w.local.size();
    w.drainLocalToGlobal();
    return before;
  }

  /**
   * A task returned on a worker marked blocked.
   *
   * @return true if the worker rejoins, false if it retires (its queue handed over)
   */
  boolean afterBlockedTask(Worker w) {
    if (tryRejoin(w)) {
      return true;
    }
    w.drainLocalToGlobal();
    if (!global.isEmpty()) {
      wakeOne();
    }
    return false;
  }

  private boolean tryRejoin(Worker w) {
    int c;
    do {
      c = counted;
      if (c >= parallelism || runState == STOP) {
        return false;
      }
    } while (!COUNTED.compareAndSet(this, c, c + 1));
    w.clearBlocked(); // it was running a task, so it is not searching: nothing else to reset
    return true;
  }

  /** The worker's thread is about to exit. */
  void onWorkerExit(Worker w, boolean normally) {
    if (!normally) {
      // An Error escaped the loop itself (not a task: those are caught). Keep the counts true.
      if (!w.isBlocked()) {
        COUNTED.getAndAdd(this, -1);
      }
      w.drainLocalToGlobal();
    }
    if (!w.retiredWhileParked) {
      awake.decrementAndGet();
    }
    synchronized (registryLock) {
      // One step for stats(): the worker's counts move from the live registry to the retired
      // totals together, so a snapshot never misses them nor counts them twice.
      retiredLocalPushes.add(w.localPushes());
      retiredCompleted.add(w.tasksRun());
      unregister(w);
    }
    threadsRetired.increment();
    int left = (int) THREADS.getAndAdd(this, -1) - 1;
    if (!global.isEmpty()) {
      wakeOne();
    }
    if (left == 0 && runState != RUNNING) {
      tryTerminate();
    }
  }

  void countBalancerTick() {
    balancerTicks.increment();
  }

  void countBalancerMoves(int n) {
    balancerMoves.add(n);
  }

  /** Reports a failure that has no handle to hold it. Never throws. */
  void reportUncaught(Throwable failure) {
    reporter.accept(failure);
  }

  /** Sends failures to the configured handler, else the default one, else standard error. */
  private static final class UncaughtReporter implements Consumer<Throwable> {
    private final Thread.@Nullable UncaughtExceptionHandler handler;

    UncaughtReporter(Thread.@Nullable UncaughtExceptionHandler handler) {
      this.handler = handler;
    }

    @Override
    public void accept(Throwable failure) {
      try {
        Thread me = Thread.currentThread();
        Thread.UncaughtExceptionHandler h = handler;
        if (h == null) {
          h = Thread.getDefaultUncaughtExceptionHandler();
        }
        if (h != null) {
          h.uncaughtException(me, failure);
        } else {
          System.err.println("Exception in a smolscale task on thread \"" + me.getName() + "\":");
          failure.printStackTrace();
        }
      } catch (Throwable ignored) {
        // A failing handler must not kill the worker; there is nowhere left to report to.
      }
    }
  }

  // ------------------------------------------------------------------ compensation

  /**
   * The reporter of failures that have no handle (detached tasks, raw runnables).
   *
   * @return the reporter
   */
  public Consumer<Throwable> reporter() {
    return reporter;
  }

  /**
   * Compensates for a blocking wait on the current thread if it is a worker of any smolscale
   * scheduler (the wait blocks that worker, whichever scheduler the awaited task belongs to).
   */
  @Override
  public boolean beginBlocking() {
    Worker w = Worker.current();
    return w != null && w.pool.markBlocked(w, Cause.COMPENSATION, 0L);
  }

  @Override
  public void endBlocking() {
    Worker w = Worker.current();
    if (w != null && w.isBlocked()) {
      w.pool.tryRejoin(w);
    }
  }

  // ------------------------------------------------------------------ Scheduler API

  @Override
  public <T> Task<T> spawn(Callable<T> body) {
    Objects.requireNonNull(body, "body");
    TaskImpl<T> task = TaskImpl.ofCallable(this, reporter, body);
    execute(task);
    return task;
  }

  @Override
  public Task<Void> spawn(Runnable body) {
    Objects.requireNonNull(body, "body");
    TaskImpl<Void> task = TaskImpl.ofRunnable(this, reporter, body, null);
    execute(task);
    return task;
  }

  @Override
  public <T> Task<T> spawnAsync(Supplier<? extends CompletionStage<T>> body) {
    Objects.requireNonNull(body, "body");
    TaskImpl<T> task = TaskImpl.ofAsync(this, reporter, body);
    execute(task);
    return task;
  }

  @Override
  public Nursery nursery() {
    return new NurseryImpl(this, null);
  }

  @Override
  public Nursery nursery(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("nursery deadline must be positive, was " + deadline);
    }
    return new NurseryImpl(this, deadline);
  }

  @Override
  public CompletionStage<Void> yieldNow() {
    StageFuture<Void> done = new StageFuture<>(this);
    execute(() -> done.complete(null));
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
    TaskImpl<T> task = TaskImpl.ofRunnable(this, reporter, body, result);
    execute(task);
    return task;
  }

  @Override
  protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
    return TaskImpl.ofCallable(this, reporter, callable);
  }

  @Override
  protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
    return TaskImpl.ofRunnable(this, reporter, runnable, value);
  }

  @Override
  public boolean isWorkerThread() {
    Worker w = Worker.current();
    return w != null && w.pool == this;
  }

  @Override
  public SchedulerConfig config() {
    return config;
  }

  @Override
  public Stats stats() {
    Worker[] ws;
    long localPushes;
    long completed;
    synchronized (registryLock) { // see onWorkerExit
      ws = workers;
      localPushes = retiredLocalPushes.sum();
      completed = retiredCompleted.sum();
    }
    long queuedLocal = 0;
    int blocked = 0;
    for (Worker w : ws) {
      localPushes += w.localPushes();
      completed += w.tasksRun();
      queuedLocal += w.local.size();
      if (w.isBlocked()) {
        blocked++;
      }
    }
    int parked = idle.size();
    long external = externalPushes.sum();
    return new Stats(
        threads,
        Math.max(0, counted - parked),
        parked,
        blocked,
        global.size(),
        queuedLocal,
        localPushes + external + overflowPushes.sum(),
        completed,
        localPushes,
        external + overflowPushes.sum(),
        sharedBatches.sum(),
        balancerMoves.sum(),
        balancerTicks.sum(),
        preemptions.sum(),
        compensations.sum(),
        threadsStarted.sum(),
        threadsRetired.sum(),
        wakeups.sum(),
        spinHits.sum(),
        spinMisses.sum());
  }

  // ------------------------------------------------------------------ life cycle

  @Override
  public void shutdown() {
    if (isGlobal) {
      return;
    }
    RUN_STATE.compareAndSet(this, RUNNING, SHUTDOWN);
    wakeAllIdle();
    if (threads == 0) {
      tryTerminate();
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    if (isGlobal) {
      return new ArrayList<>();
    }
    int s;
    do {
      s = runState;
    } while (s != STOP && !RUN_STATE.compareAndSet(this, s, STOP));
    List<Runnable> never = new ArrayList<>(global.drain());
    GlobalQueue spill = new GlobalQueue();
    for (Worker w : workers) {
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
    never.addAll(spill.drain());
    never.addAll(global.drain());
    for (Runnable r : never) {
      if (r instanceof TaskImpl) {
        ((TaskImpl<?>) r).cancel(false);
      }
    }
    wakeAllIdle();
    if (threads == 0) {
      tryTerminate();
    }
    return never;
  }

  private void wakeAllIdle() {
    Worker w;
    while ((w = idle.popToSearch()) != null) {
      Parker p = w.parker;
      if (p != null) {
        p.unpark();
      }
    }
  }

  /**
   * Terminates if shut down and no worker is left, but never with an accepted task pending:
   * queued work still runs (a worker is started for it), and if no worker can be started, the
   * queued tasks fail with the start failure ({@link #failQueued}) before the scheduler reports
   * itself terminated.
   */
  void tryTerminate() {
    if (runState != RUNNING && threads == 0) {
      if (!global.isEmpty()) {
        if (runState == SHUTDOWN) {
          // Accepted work must still run: a shutdown scheduler drains its queue first.
          maybeStartWorker();
          if (threads != 0) {
            return;
          }
        }
      }
      failQueuedAndTerminate();
    }
  }

  private void failQueuedAndTerminate() {
    if (!global.isEmpty()) {
      failQueued();
    }
    terminated.countDown();
  }

  /**
   * Completes every queued task that can no longer run: a {@link TaskImpl} fails with a {@link
   * RejectedExecutionException} caused by the start failure (or is cancelled after {@link
   * #shutdownNow}); a raw runnable, which has no handle, is reported with the same exception.
   */
  private void failQueued() {
    Throwable cause = startFailure;
    for (Runnable r : global.drain()) {
      if (runState == STOP) {
        if (r instanceof TaskImpl) {
          ((TaskImpl<?>) r).cancel(false);
        }
        continue; // shutdownNow: "tasks that were awaiting execution are not executed"
      }
      RejectedExecutionException e =
          new RejectedExecutionException(
              "the scheduler shut down with this task queued and no worker thread could be"
                  + " started to run it",
              cause);
      if (r instanceof TaskImpl) {
        ((TaskImpl<?>) r).failUnstarted(e);
      } else {
        reportUncaught(e);
      }
    }
  }

  @Override
  public boolean isShutdown() {
    return runState != RUNNING;
  }

  @Override
  public boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    if (isGlobal) {
      return false;
    }
    return terminated.await(timeout, unit);
  }

  // AutoCloseable declares a @GuardSatisfied receiver; this object is guarded by no lock (its
  // state is lock-free or locked inside), so calling its ordinary methods from here is safe.
  @Override
  @SuppressWarnings("lock")
  public void close(@GuardSatisfied WorkBalancingScheduler this) {
    if (isGlobal) {
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
        terminated.await(1, TimeUnit.DAYS);
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

  @Override
  public String toString(@GuardSatisfied WorkBalancingScheduler this) {
    return "WorkBalancingScheduler[" + (isGlobal ? "global" : "private")
        + ", parallelism=" + parallelism + "]";
  }
}
