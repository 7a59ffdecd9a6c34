package io.smolscale.jmh;

import static io.smolscale.jmh.harness.Driver.check;

import io.smolscale.jmh.harness.Driver;
import io.smolscale.jmh.harness.EchoServer;
import io.smolscale.jmh.harness.ExecutorKind;
import io.smolscale.jmh.harness.ForkJvm;
import io.smolscale.jmh.harness.IterationResults;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Blocking throughput (issue 15): how much blocking work an executor gets through, where {@link
 * Blocking} measures what blocking does to the latency of other tasks.
 *
 * <p>Every task makes one blocking call of {@value #BLOCK_MILLIS} ms, either {@link
 * Thread#sleep} (the pure case: the thread is parked, no CPU) or a real loopback TCP round trip
 * to an {@link EchoServer} that answers 5 ms after the request (connect, write a byte, read its
 * echo, close: what a JDBC or HTTP call does to its thread). The server runs on its own thread,
 * never on the executor under test, and costs a few microseconds per request (it reports its
 * CPU share, {@code serverUtil}, and how late its answers were, {@code serverLateMs}).
 *
 * <p>Two shapes, each with both calls:
 *
 * <ul>
 *   <li><b>Burst</b> ({@code burst_sleep}, {@code burst_socket}): the benchmark thread submits
 *       {@link Burst#tasks} tasks (1,000) at once with {@code execute} and waits until all are
 *       done. Score: time per burst (ms, single shot: 2 warm-up bursts, then 3 measured; the
 *       first bursts of a fresh JVM take 2-5x the later ones, JIT and pool growth). An executor
 *       that runs blocking tasks on a fixed set of workers needs tasks x 5 ms / workers (2.5 s on
 *       2 workers); one that gives each blocked task a thread needs little more than 5 ms plus
 *       the cost of its threads.
 *       Extra: {@code threadsPerTask}, platform threads started JVM-wide during the burst
 *       ({@link ThreadMXBean#getTotalStartedThreadCount()}, which counts no virtual thread) per
 *       task, mean of the measured bursts; {@code threadsPerTaskMax}, the worst of the second and
 *       later bursts (the second is a warm-up iteration, counted here); {@code
 *       firstBurstThreadsPerTask}, the trial's first burst. A pool that keeps its threads starts
 *       few after the first burst, one that creates a thread per blocked task one per task.
 *   <li><b>Closed loop</b> ({@code closed_loop_sleep}, {@code closed_loop_socket}): {@value
 *       #CLIENTS} client threads (JMH's, {@code @Threads(64)}), each submits one task, waits for
 *       it, and submits the next. Score: requests per second (JMH throughput, summed over the
 *       clients; iterations are synchronized, so every client runs in the measured window). At
 *       most 64 calls are in flight, so the ceiling is 64 / 5 ms = 12,800 requests/s; a pool of
 *       n blocked workers gets n / 5 ms.
 * </ul>
 *
 * <p>Validated: every task of a burst ran exactly once (a counter per task), every request of a
 * closed loop completed with its own value and no task ran twice (requests submitted = tasks run
 * at the end of each iteration), every echo is the byte sent. A burst waits at most the harness
 * timeout plus twice the time its tasks would take one after another, so a slow single-worker pool
 * completes and a lost task fails.
 */
@Fork(value = 1, jvmArgsAppend = {ForkJvm.XMS, ForkJvm.XMX, ForkJvm.THP, ForkJvm.PRETOUCH})
@State(Scope.Benchmark)
public class BlockingThroughput {
  /** How long each blocking call lasts (the sleep, the server's answer delay). */
  public static final long BLOCK_MILLIS = 5;

  /** Client threads of the closed loops. */
  public static final int CLIENTS = 64;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * The executor: every kind, the blocking pools included (unlike {@link ExecutorState}, whose
   * default list has only the general ones).
   */
  @Param({"smolscale", "smolscaleBlocking", "cachedPool", "kotlinIO", "virtual", "threadPool",
      "fjpCommon", "fjpAsync", "kotlinDefault", "fjp1", "catsEffect"})
  public String executor;

  private ExecutorKind.Lease lease;
  private Executor ex;

  /** One blocking call. */
  @FunctionalInterface
  interface Call {
    void block(int value) throws Exception;
  }

  private static final Call SLEEP = v -> Thread.sleep(BLOCK_MILLIS);

  /** Opens the executor; virtual threads on JDK 17 throw a documented skip here. */
  @Setup(Level.Trial)
  public void open() {
    lease = ExecutorKind.of(executor).open();
    ex = lease.executor;
  }

  /** Shuts down a dedicated pool. */
  @TearDown(Level.Trial)
  public void close() {
    if (lease != null) {
      lease.close();
    }
  }

  /** The echo server of the socket benchmarks, started for the trial, on its own thread. */
  @State(Scope.Benchmark)
  public static class Server {
    EchoServer server;
    private long cpu0;
    private long wall0;
    private long answered0;

    /**
     * Starts the server.
     *
     * @throws IOException if it cannot listen
     */
    @Setup(Level.Trial)
    public void start() throws IOException {
      int timeoutMillis = (int) TimeUnit.SECONDS.toMillis(Driver.TIMEOUT_SECONDS);
      server = new EchoServer(BLOCK_MILLIS, TimeUnit.MILLISECONDS, timeoutMillis);
    }

    /** Starts an iteration's server accounting. */
    @Setup(Level.Iteration)
    public void begin() {
      cpu0 = server.cpuNanos();
      wall0 = System.nanoTime();
      answered0 = server.answered();
    }

    /** The server's share of a core in the iteration; fails if the server died. */
    @TearDown(Level.Iteration)
    public void end() {
      check(server.failure() == null, "echo server failed: " + server.failure());
      long cpu = server.cpuNanos() - cpu0;
      long wall = System.nanoTime() - wall0;
      if (cpu0 >= 0) {
        IterationResults.put("serverUtil", (double) cpu / Math.max(1, wall), "cores");
      }
      check(server.answered() > answered0, "echo server answered nothing in an iteration");
      IterationResults.put("serverLateMs", server.meanLateNanos() / 1e6, "ms");
    }

    /** Stops the server and closes its sockets. */
    @TearDown(Level.Trial)
    public void stop() {
      if (server != null) {
        server.close();
      }
    }
  }

  /** A burst's size and its thread accounting. */
  @State(Scope.Benchmark)
  public static class Burst {
    /** Tasks per burst (the smoke run passes fewer). */
    @Param("1000")
    public int tasks;

    private long startedAt = -1;
    private double firstBurst = Double.NaN;
    private double laterWorst = Double.NaN;
    private int bursts;

    /** Reads the JVM's started-thread count before the trial's first burst. */
    @Setup(Level.Iteration)
    public void begin() {
      if (startedAt < 0) {
        startedAt = THREADS.getTotalStartedThreadCount();
      }
    }

    /**
     * Hands the threads started since the previous burst ended (or the first began) per task to
     * the profiler: the window covers the gaps between bursts too, so a thread a pool starts
     * after a burst's last task counts as well. Also the first burst's figure and the worst of
     * the later ones so far, which include the second burst, a warm-up iteration whose own
     * results JMH does not keep.
     */
    @TearDown(Level.Iteration)
    public void end() {
      long now = THREADS.getTotalStartedThreadCount();
      double perTask = (double) (now - startedAt) / tasks;
      startedAt = now;
      if (bursts++ == 0) {
        firstBurst = perTask;
      } else if (Double.isNaN(laterWorst) || perTask > laterWorst) {
        laterWorst = perTask;
      }
      IterationResults.put("threadsPerTask", perTask, "threads/task");
      IterationResults.put("firstBurstThreadsPerTask", firstBurst, "threads/task");
      if (bursts > 1) {
        IterationResults.put("threadsPerTaskMax", laterWorst, "threads/task");
      }
    }

    int run(Executor ex, Call call) throws InterruptedException {
      int n = tasks;
      AtomicIntegerArray ran = new AtomicIntegerArray(n);
      CountDownLatch done = new CountDownLatch(n);
      CompletableFuture<Void> trouble = new CompletableFuture<>();
      int salt = bursts * 131;
      for (int i = 0; i < n; i++) {
        int id = i;
        ex.execute(() -> {
          try {
            call.block(id + salt);
            ran.incrementAndGet(id);
          } catch (Throwable t) {
            trouble.completeExceptionally(t);
          } finally {
            done.countDown();
          }
        });
      }
      long limit = TimeUnit.SECONDS.toMillis(Driver.TIMEOUT_SECONDS) + 2 * n * BLOCK_MILLIS;
      if (!done.await(limit, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("burst did not complete within " + limit + " ms: "
            + done.getCount() + " of " + n + " tasks left");
      }
      if (trouble.isDone()) {
        Driver.join(trouble);
      }
      for (int i = 0; i < n; i++) {
        check(ran.get(i) == 1, "burst task " + i + " ran " + ran.get(i) + " times");
      }
      return n;
    }
  }

  /** The closed loops' accounting: requests submitted and tasks run. */
  @State(Scope.Benchmark)
  public static class Loop {
    final AtomicLong submitted = new AtomicLong();
    final AtomicLong ran = new AtomicLong();

    /**
     * Every request of the iteration completed exactly once: each client waits for its task
     * before it leaves the iteration, so none is in flight here.
     */
    @TearDown(Level.Iteration)
    public void end() {
      check(submitted.get() == ran.get(),
          "closed loop: " + submitted.get() + " requests submitted, " + ran.get() + " tasks run");
    }

    int request(Executor ex, Call call) {
      int id = (int) submitted.incrementAndGet();
      CompletableFuture<Integer> reply = new CompletableFuture<>();
      ex.execute(() -> {
        try {
          call.block(id);
          ran.incrementAndGet();
          reply.complete(id);
        } catch (Throwable t) {
          reply.completeExceptionally(t);
        }
      });
      int v = Driver.join(reply);
      check(v == id, "request " + id + " answered " + v);
      return v;
    }
  }

  /**
   * A burst of 1,000 tasks, each sleeping 5 ms.
   *
   * @param b the burst
   * @return the tasks run
   * @throws InterruptedException if interrupted
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2)
  @Measurement(iterations = 3)
  public int burst_sleep(Burst b) throws InterruptedException {
    return b.run(ex, SLEEP);
  }

  /**
   * A burst of 1,000 tasks, each a TCP round trip answered after 5 ms.
   *
   * @param b the burst
   * @param s the server
   * @return the tasks run
   * @throws InterruptedException if interrupted
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2)
  @Measurement(iterations = 3)
  public int burst_socket(Burst b, Server s) throws InterruptedException {
    EchoServer server = s.server;
    return b.run(ex, server::roundTrip);
  }

  /**
   * One request of one of 64 clients: a task that sleeps 5 ms, waited for.
   *
   * @param l the accounting
   * @return the request's value
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(CLIENTS)
  @Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
  @Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
  public int closed_loop_sleep(Loop l) {
    return l.request(ex, SLEEP);
  }

  /**
   * One request of one of 64 clients: a task that makes a TCP round trip answered after 5 ms,
   * waited for.
   *
   * @param l the accounting
   * @param s the server
   * @return the request's value
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(CLIENTS)
  @Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
  @Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
  public int closed_loop_socket(Loop l, Server s) {
    EchoServer server = s.server;
    return l.request(ex, server::roundTrip);
  }
}
