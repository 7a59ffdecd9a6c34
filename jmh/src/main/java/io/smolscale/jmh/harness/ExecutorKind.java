package io.smolscale.jmh.harness;

import io.smolscale.Smolscale;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kotlinx.coroutines.Dispatchers;
import kotlinx.coroutines.ExecutorsKt;

/**
 * The executors under test, named by the values of the benchmarks' {@code executor} parameter.
 *
 * <p>Every one is reached only as a {@link java.util.concurrent.Executor}: the harness submits
 * Runnables and nothing else, so the workloads, the channel and the continuation rules are the
 * same for all and only the scheduler differs.
 *
 * <ul>
 *   <li>{@code smolscale}: the global scheduler, {@link Smolscale#executor()}; wrapped by
 *       {@link PlantedDelay} only when the regression self-test plants its slowdown ({@code
 *       -Dsmolscale.debug.workerDelayNanos=N}).
 *   <li>{@code fjpCommon}: {@link ForkJoinPool#commonPool()} (LIFO local queues, parallelism
 *       cores - 1).
 *   <li>{@code fjpAsync}: a dedicated {@link ForkJoinPool} with parallelism = cores and {@code
 *       asyncMode = true}. Async (FIFO) mode is the mode documented for event-style tasks that are
 *       never joined, which is what message-passing tasks are; the common pool covers LIFO mode.
 *       This is the reference peer of the regression harness.
 *   <li>{@code threadPool}: a fixed {@link ThreadPoolExecutor} of cores threads over an unbounded
 *       {@link LinkedBlockingQueue} (one shared queue, no stealing).
 *   <li>{@code virtual}: one virtual thread per task ({@code
 *       Executors.newVirtualThreadPerTaskExecutor()}, JDK 21+), created through reflection so
 *       that this module compiles for release 17. On an older JDK it is {@linkplain #available()
 *       unavailable}: the report leaves it out and its setup throws {@link
 *       UnsupportedOperationException}.
 *   <li>{@code kotlinDefault}: Kotlin's {@code Dispatchers.Default} as an Executor ({@code
 *       Dispatchers.Default.asExecutor()}), the CoroutineScheduler.
 *   <li>{@code fjp1}: a dedicated {@link ForkJoinPool} of parallelism 1, {@code asyncMode =
 *       true} (FIFO, as {@code fjpAsync}): one worker, so no hand-off between threads, no
 *       stealing and no second worker to wake. The bar for work that is inherently sequential
 *       (ping-pong, rings): a scheduler that spreads such work over cores pays hand-offs this
 *       one never does. Its daemon workers come from the default factory.
 *   <li>{@code catsEffect}: Cats Effect's work-stealing compute pool, {@code
 *       IORuntime.global().compute()} (Cats Effect 3.6, a {@code WorkStealingThreadPool}, which
 *       is an {@code ExecutionContextExecutor}, i.e. an {@link Executor}). The global runtime is
 *       created on first use and never shut down (its worker threads are daemons).
 * </ul>
 *
 * <p>Three more are pools meant for blocking work ({@linkplain #blockingPool() blocking pools}):
 * they run only the blocking benchmarks ({@code blocking} and {@code BlockingThroughput}, see the
 * report's {@code Suite}), because on CPU-bound message passing a thread per blocked task is not a
 * configuration anyone would choose, and a cached pool given 300 tasks that yield forever grows a
 * thread per yield.
 *
 * <ul>
 *   <li>{@code smolscaleBlocking}: {@link Smolscale#blockingExecutor()}, the global scheduler's
 *       explicit blocking path (every runnable runs as {@code spawnBlocking} runs its body).
 *   <li>{@code cachedPool}: {@link Executors#newCachedThreadPool(ThreadFactory)} with daemon
 *       threads: a new thread whenever none is idle, idle threads kept 60 s. The classic JVM
 *       answer to blocking work, and the baseline of the blocking throughput targets on JDK 17.
 *   <li>{@code kotlinIO}: Kotlin's {@code Dispatchers.IO} as an Executor ({@code
 *       Dispatchers.IO.asExecutor()}): the CoroutineScheduler's blocking mode, at most 64 threads
 *       by default ({@code kotlinx.coroutines.io.parallelism}).
 * </ul>
 */
public enum ExecutorKind {
  SMOLSCALE("smolscale"),
  FJP_COMMON("fjpCommon"),
  FJP_ASYNC("fjpAsync"),
  THREAD_POOL("threadPool"),
  VIRTUAL("virtual"),
  KOTLIN_DEFAULT("kotlinDefault"),
  FJP_ONE("fjp1"),
  CATS_EFFECT("catsEffect"),
  SMOLSCALE_BLOCKING("smolscaleBlocking", true),
  CACHED_POOL("cachedPool", true),
  KOTLIN_IO("kotlinIO", true);

  /** The JMH parameter value. */
  public final String param;

  private final boolean blockingPool;

  ExecutorKind(String param) {
    this(param, false);
  }

  ExecutorKind(String param, boolean blockingPool) {
    this.param = param;
    this.blockingPool = blockingPool;
  }

  /**
   * Tells whether this is a pool meant for blocking work, run only by the blocking benchmarks.
   *
   * @return true for {@code smolscaleBlocking}, {@code cachedPool} and {@code kotlinIO}
   */
  public boolean blockingPool() {
    return blockingPool;
  }

  /**
   * Tells whether this is smolscale, by either of its entry points: the subject of the report,
   * whose failure (even a starved run) fails it.
   *
   * @return true for {@code smolscale} and {@code smolscaleBlocking}
   */
  public boolean subject() {
    return this == SMOLSCALE || this == SMOLSCALE_BLOCKING;
  }

  /**
   * The parameter values of every executor, or of the general ones only.
   *
   * @param withBlockingPools whether to include the {@linkplain #blockingPool() blocking pools}
   * @return the names, in declaration order
   */
  public static List<String> names(boolean withBlockingPools) {
    List<String> out = new ArrayList<>();
    for (ExecutorKind k : values()) {
      if (withBlockingPools || !k.blockingPool) {
        out.add(k.param);
      }
    }
    return List.copyOf(out);
  }

  /**
   * Finds a kind by its parameter value.
   *
   * @param param the value of the {@code executor} parameter
   * @return the kind
   * @throws IllegalArgumentException for an unknown name
   */
  public static ExecutorKind of(String param) {
    for (ExecutorKind k : values()) {
      if (k.param.equals(param)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown executor '" + param + "'");
  }

  /**
   * Tells whether this JVM can run the executor.
   *
   * @return false only for virtual threads before JDK 21
   */
  public boolean available() {
    return this != VIRTUAL || Runtime.version().feature() >= 21;
  }

  /** Worker count of the dedicated pools: one per core, as smolscale's default parallelism. */
  public static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Creates (or looks up, for the global ones) the executor.
   *
   * @return a lease whose {@code close()} shuts down what was created
   * @throws UnsupportedOperationException if this JVM lacks the executor (virtual threads on 17)
   */
  public Lease open() {
    switch (this) {
      case SMOLSCALE:
        return new Lease(PlantedDelay.wrap(Smolscale.executor()), null);
      case FJP_COMMON:
        return new Lease(ForkJoinPool.commonPool(), null);
      case FJP_ASYNC:
        {
          ForkJoinPool pool =
              new ForkJoinPool(cores(), ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
          return new Lease(pool, pool);
        }
      case THREAD_POOL:
        {
          ThreadPoolExecutor pool =
              new ThreadPoolExecutor(
                  cores(), cores(), 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                  daemonThreads("bench-tpe-"));
          return new Lease(pool, pool);
        }
      case VIRTUAL:
        {
          ExecutorService vt = newVirtualThreadPerTaskExecutor();
          return new Lease(vt, vt);
        }
      case KOTLIN_DEFAULT:
        return new Lease(ExecutorsKt.asExecutor(Dispatchers.getDefault()), null);
      case FJP_ONE:
        {
          ForkJoinPool pool =
              new ForkJoinPool(1, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
          return new Lease(pool, pool);
        }
      case CATS_EFFECT:
        return new Lease(catsEffectCompute(), null);
      case SMOLSCALE_BLOCKING:
        return new Lease(Smolscale.blockingExecutor(), null);
      case CACHED_POOL:
        {
          ExecutorService pool = Executors.newCachedThreadPool(daemonThreads("bench-cached-"));
          return new Lease(pool, pool);
        }
      case KOTLIN_IO:
        return new Lease(ExecutorsKt.asExecutor(Dispatchers.getIO()), null);
      default:
        throw new AssertionError(this);
    }
  }

  private static ExecutorService newVirtualThreadPerTaskExecutor() {
    if (!VIRTUAL.available()) {
      throw new UnsupportedOperationException(
          "skipped: virtual threads need JDK 21+, this is JDK " + Runtime.version());
    }
    try {
      return (ExecutorService)
          java.util.concurrent.Executors.class
              .getMethod("newVirtualThreadPerTaskExecutor")
              .invoke(null);
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new UnsupportedOperationException("virtual threads unavailable: " + e, e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Cats Effect's global compute pool. The static forwarder {@code IORuntime.global()} calls the
   * companion object's {@code global}, a lazily created runtime shared by the JVM.
   */
  private static Executor catsEffectCompute() {
    scala.concurrent.ExecutionContext ec = cats.effect.unsafe.IORuntime.global().compute();
    return ec instanceof Executor ? (Executor) ec : ec::execute;
  }

  /**
   * The executor to pass to {@code CompletableFuture}'s async methods: the common pool at
   * parallelism below 2 is replaced there by a new thread per task, so it is passed as {@code
   * commonPool()::execute}, which reaches the common pool unchanged; every other executor is
   * passed as it is.
   *
   * @param ex the executor under test
   * @return what to pass to {@code supplyAsync}, {@code thenApplyAsync}, ...
   */
  public static Executor forCompletableFuture(Executor ex) {
    if (ex == ForkJoinPool.commonPool() && ForkJoinPool.getCommonPoolParallelism() < 2) {
      return ex::execute;
    }
    return ex;
  }

  /** Daemon threads, so that a hung benchmark can never keep a forked JVM alive. */
  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public String toString() {
    return param;
  }

  /** An executor plus what to shut down when the benchmark is done with it. */
  public static final class Lease implements AutoCloseable {
    /** The executor under test. */
    public final Executor executor;

    private final ExecutorService owned;

    Lease(Executor executor, ExecutorService owned) {
      this.executor = executor;
      this.owned = owned;
    }

    /**
     * Shuts down a dedicated pool; the global ones (smolscale and its blocking path, common pool,
     * Kotlin's two dispatchers, Cats Effect) stay.
     */
    @Override
    public void close() {
      if (owned != null) {
        owned.shutdownNow();
        try {
          owned.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
