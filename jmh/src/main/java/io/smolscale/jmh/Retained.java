package io.smolscale.jmh;

import static io.smolscale.jmh.harness.Driver.check;

import io.smolscale.Smolscale;
import io.smolscale.jmh.harness.Driver;
import io.smolscale.jmh.harness.ExecutorKind;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Retained: heap bytes each task costs while it sits in the executor's queue, not yet run.
 *
 * <p>One operation, on the JMH thread:
 *
 * <ol>
 *   <li><b>Hold every worker.</b> {@code 2 x availableProcessors()} spinner tasks go in through
 *       {@code ex.execute}; each counts itself in {@code running} and busy-waits ({@link
 *       Thread#onSpinWait()}) on a volatile {@code release} flag. Twice the cores because
 *       smolscale's monitor replaces a worker that computes past its threshold while work waits,
 *       but never more than {@code parallelism} computing workers: 2 x cores spinners therefore
 *       occupy every smolscale worker, original and replacement, as well as every worker of the
 *       peers (spinners a peer cannot run stay queued before the first heap reading, so they are
 *       part of the baseline). The operation then waits until {@code running} has not changed for
 *       {@value #STABLE_MILLIS} ms (polled every millisecond), failing after {@value
 *       #HOLD_TIMEOUT_SECONDS} s. <i>Why a heuristic is acceptable here:</i> no executor says "all
 *       my workers are busy and I will start no other", and a pool may start a replacement at any
 *       later time; but a replacement is started within a few ticks of the monitor (1 ms tick, 20
 *       ms threshold for smolscale) or not at all (the peers never grow for busy CPU tasks), so
 *       200 ms of stability is far longer than any such reaction. And the guess is checked, not
 *       trusted: if a worker were still free, it would run queued tasks, and the validation below
 *       would fail the operation instead of producing a wrong number. <b>Then a probe:</b> one
 *       more spinner at a time, each waited for in the same way, until one has stayed queued for
 *       {@value #STABLE_MILLIS} ms. Needed for Cats Effect's pool, which moves queued external
 *       tasks to one worker's local queue as a batch and leaves another worker parked until the
 *       next submission: the spinners then settle with a worker free, and that worker would run
 *       the first queued tasks (seen on JDK 17 and 25 in about half of the runs). The submission
 *       of a probe wakes such a worker, which takes the probe (or steals a spinner) and is held;
 *       at most {@value #MAX_PROBES} probes, or the operation fails.
 *   <li><b>Measure.</b> Heap used after GC ({@code System.gc()} until the used value stops
 *       shrinking, then {@link MemoryMXBean#getHeapMemoryUsage()}), submit {@link #tasks} tasks,
 *       measure again. The result is the JMH auxiliary counter {@code retainedBytesPerTask} =
 *       (after - before) / tasks. Everything the operation itself needs (the counters, the
 *       latch, the handle array) is allocated before the first reading, so it is not counted.
 *   <li><b>Validate.</b> The queued tasks count themselves in {@code ran}, which must still be 0 at
 *       the second reading (the premise "the tasks were queued, not run"); then the spinners are
 *       released, every task must run within the harness timeout and {@code ran} must
 *       equal {@code tasks}; finally every spinner must have exited, so that the next iteration
 *       (or, in the in-process smoke run, the next benchmark) starts on an idle executor.
 * </ol>
 *
 * <p>The two benchmarks:
 *
 * <ul>
 *   <li>{@link #retained_execute}: {@code ex.execute(r)} with <b>one shared Runnable instance</b>
 *       for every task. The task itself costs nothing, so the figure is the executor's own cost
 *       per queued task: the wrapper it allocates (ForkJoinPool's adapter task, Kotlin's
 *       {@code TaskImpl}, a {@code LinkedBlockingQueue} node, a whole virtual thread; smolscale
 *       queues the Runnable itself) plus its queue slot, including the queue array's growth.
 *   <li>{@link #retained_spawn}: a submission that returns a handle, the handles kept reachable
 *       in an array until after the second reading: {@code Smolscale.spawn(r)} (a {@code Task})
 *       for smolscale, {@code CompletableFuture.runAsync(r, ex)} for every peer. The figure is the
 *       handle plus everything the submission allocates and the queue keeps (for runAsync: the
 *       CompletableFuture, its {@code AsyncRun} task, the executor's wrapper if any, the slot).
 *       The handle array itself is allocated before the first reading and not counted. For
 *       {@code fjpCommon} on a machine whose common pool has parallelism 1 (2 cores),
 *       {@code runAsync} would silently swap the common pool for a thread per task; the
 *       submission then goes through {@code ex::execute}, which reaches the common pool
 *       unchanged.
 * </ul>
 *
 * <p>Caveats (see the module README):
 *
 * <ul>
 *   <li>G1 counts an array of half a region or more as whole regions (a humongous object): a
 *       queue ring of 128 Ki references (512 KiB) shows as a 1 MiB region, about 10.5 B per task
 *       at 100,000 tasks, not 5.2 B.
 *   <li>The queue arrays of smolscale, ForkJoinPool and Kotlin's scheduler keep their capacity
 *       after they drain: only the first fill in a JVM shows the growth, a second iteration in
 *       the same JVM shows only the per-task objects (0 B for smolscale's {@code execute}). So
 *       each fork makes exactly one measurement ({@code @Fork(3)}, one iteration): the figure is
 *       what a backlog costs an executor that never had one.
 *   <li>JMH sums {@code EVENTS} counters over iterations and forks: the summary line of plain
 *       JMH shows the sum of the three forks; read the per-fork lines or divide by {@code Cnt}.
 *       The report takes the mean of the per-fork values itself.
 *   <li>The time score is meaningless (it is hold + two collections + submission + run).
 * </ul>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 3, jvmArgsAppend = "-Xmx2g")
@State(Scope.Benchmark)
public class Retained {
  /** How long {@code running} must stay unchanged before the workers count as held. */
  static final long STABLE_MILLIS = 200;
  /** The most extra spinners the probe may submit before the hold counts as failed. */
  static final int MAX_PROBES = 16;
  /** The longest the spinners may take to occupy the workers. */
  static final long HOLD_TIMEOUT_SECONDS = 10;
  /**
   * The longest the queued tasks may take to run once released (and the spinners to exit): the
   * harness timeout, 60 s by default ({@code -Dsmolscale.jmh.timeoutSeconds}; the report sets 10).
   */
  static final long RUN_TIMEOUT_SECONDS = Driver.TIMEOUT_SECONDS;

  /** Tasks queued per operation. */
  @Param("100000")
  public int tasks;

  /** The result, reported as a JMH auxiliary counter. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Counters {
    /** Heap bytes retained per queued task. */
    public double retainedBytesPerTask;

    /** Cleared before each iteration. */
    @Setup(Level.Iteration)
    public void clear() {
      retainedBytesPerTask = 0;
    }
  }

  /**
   * {@code ex.execute(r)} with one shared Runnable: the executor's own bytes per queued task
   * (its wrapper, if any, plus its queue slot and the queue's growth).
   *
   * @param s the executor
   * @param c where the result goes
   * @throws InterruptedException if interrupted
   */
  @Benchmark
  public void retained_execute(ExecutorState s, Counters c) throws InterruptedException {
    c.retainedBytesPerTask = measure(s, false);
  }

  /**
   * A handle-returning submission ({@code Smolscale.spawn(r)}, or {@code
   * CompletableFuture.runAsync(r, ex)} for the peers) with one shared Runnable, every handle kept:
   * the handle plus the executor's bytes per queued task. The handle array is not counted.
   *
   * @param s the executor
   * @param c where the result goes
   * @throws InterruptedException if interrupted
   */
  @Benchmark
  public void retained_spawn(ExecutorState s, Counters c) throws InterruptedException {
    c.retainedBytesPerTask = measure(s, true);
  }

  private double measure(ExecutorState s, boolean spawn) throws InterruptedException {
    Executor ex = s.ex;
    boolean smolscale = ExecutorKind.of(s.executor) == ExecutorKind.SMOLSCALE;
    int n = tasks;
    check(n > 0, "tasks must be positive, was " + n);
    Hold hold = new Hold(2 * Runtime.getRuntime().availableProcessors());
    AtomicInteger ran = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    Runnable task = () -> {
      ran.incrementAndGet();
      done.countDown();
    };
    Object[] handles = spawn ? new Object[n] : null;
    Executor via = ExecutorKind.forCompletableFuture(ex);
    Throwable failure = null;
    try {
      hold.start(ex);
      long before = usedAfterGc();
      if (!spawn) {
        for (int i = 0; i < n; i++) {
          ex.execute(task);
        }
      } else if (smolscale) {
        for (int i = 0; i < n; i++) {
          handles[i] = Smolscale.spawn(task);
        }
      } else {
        for (int i = 0; i < n; i++) {
          handles[i] = CompletableFuture.runAsync(task, via);
        }
      }
      long after = usedAfterGc();
      int early = ran.get();
      check(early == 0, "premise \"tasks were queued, not run\" failed: " + early + " of " + n
          + " tasks ran while every worker should have been held by " + hold.submitted
          + " spinners (" + hold.running.get() + " running); the executor had a free worker");
      hold.release();
      check(done.await(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS),
          "only " + ran.get() + " of " + n + " queued tasks ran within " + RUN_TIMEOUT_SECONDS
              + " s of the release");
      check(ran.get() == n, "ran " + ran.get() + " tasks, expected " + n);
      if (spawn) {
        // A handle completes just after its body returns: wait for each, within the timeout.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RUN_TIMEOUT_SECONDS);
        for (Object h : handles) {
          try {
            ((Future<?>) h).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          } catch (ExecutionException | TimeoutException e) {
            check(false, "a handle did not complete normally after its task ran: " + e);
          }
        }
      }
      Reference.reachabilityFence(handles);
      return (after - before) / (double) n;
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      // Never leave a worker spinning: in the in-process smoke run the next benchmark uses the
      // same global executors.
      hold.release();
      try {
        hold.awaitExit();
      } catch (RuntimeException e) {
        if (failure == null) {
          throw e;
        }
        failure.addSuppressed(e);
      }
    }
  }

  /**
   * Heap used after a full collection: {@code System.gc()} until the used value stops shrinking
   * (at least twice, at most ten times), the smallest value seen.
   *
   * @return bytes
   */
  static long usedAfterGc() {
    MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
    System.gc();
    long best = mx.getHeapMemoryUsage().getUsed();
    for (int i = 0; i < 9; i++) {
      System.gc();
      long used = mx.getHeapMemoryUsage().getUsed();
      if (used >= best) {
        break;
      }
      best = used;
    }
    return best;
  }

  /** The spinners that occupy every worker of the executor. */
  static final class Hold {
    final int count;
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger exited = new AtomicInteger();
    private volatile boolean release;
    private int submitted;

    Hold(int count) {
      this.count = count;
    }

    /**
     * Submits the spinners, waits until the number running has settled, then probes with one more
     * spinner at a time until a probe stays queued (see the class comment).
     */
    void start(Executor ex) throws InterruptedException {
      Runnable spinner = () -> {
        running.incrementAndGet();
        try {
          while (!release) {
            Thread.onSpinWait();
          }
        } finally {
          running.decrementAndGet();
          exited.incrementAndGet();
        }
      };
      for (int i = 0; i < count; i++) {
        ex.execute(spinner);
        submitted++;
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HOLD_TIMEOUT_SECONDS);
      int settled = settle(deadline);
      for (int probes = 0; ; probes++) {
        check(probes < MAX_PROBES, "the executor ran each of " + MAX_PROBES + " extra spinners:"
            + " its workers could not be held (" + running.get() + " running)");
        ex.execute(spinner);
        submitted++;
        int now = settle(deadline);
        if (now == settled) {
          return; // the probe stayed queued: no worker is free
        }
        settled = now;
      }
    }

    /**
     * Waits until {@code running} is positive and has not changed for {@value #STABLE_MILLIS} ms.
     *
     * @return the settled value
     */
    private int settle(long deadline) throws InterruptedException {
      long stableNanos = TimeUnit.MILLISECONDS.toNanos(STABLE_MILLIS);
      int last = running.get();
      long since = System.nanoTime();
      while (true) {
        Thread.sleep(1);
        long now = System.nanoTime();
        int r = running.get();
        if (r != last) {
          last = r;
          since = now;
        } else if (r > 0 && now - since >= stableNanos) {
          return r;
        }
        check(now - deadline < 0,
            "the executor's workers were not held within " + HOLD_TIMEOUT_SECONDS + " s: "
                + r + " of " + submitted + " spinners running, still changing or none started");
      }
    }

    void release() {
      release = true;
    }

    /** Waits until every submitted spinner has run and exited. */
    void awaitExit() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RUN_TIMEOUT_SECONDS);
      while (exited.get() < submitted) {
        check(System.nanoTime() - deadline < 0,
            "only " + exited.get() + " of " + submitted + " spinners exited within "
                + RUN_TIMEOUT_SECONDS + " s of the release");
        Thread.sleep(1);
      }
    }
  }
}
