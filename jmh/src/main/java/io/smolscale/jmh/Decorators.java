package io.smolscale.jmh;

import io.smolscale.Scheduler;
import io.smolscale.TaskDecorator;
import io.smolscale.jmh.harness.ForkJvm;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of a {@code TaskDecorator} and of task names (issue 16), per task, next to the nearest
 * JDK equivalent: a decorating {@link Executor} in front of a {@link ForkJoinPool} (what
 * Micrometer's context-propagation and Spring's {@code TaskDecorator} do to any executor). Not in
 * the report (it measures a feature's overhead, not a scheduler): {@code java -jar
 * jmh/target/benchmarks.jar Decorators}.
 *
 * <p>{@code spawn_1000}: one outside thread spawns 1,000 empty tasks on a private 2-worker
 * scheduler and waits for the last; each task counts a latch down. {@code variant}: {@code plain}
 * (no decorator, unnamed); {@code decorated} (a decorator that captures one {@link ThreadLocal}
 * and sets and clears it around the task, the MDC pattern); {@code named} ({@code spawn(name,
 * body)}, names not in thread names); {@code namedInThreads} (the same with {@code
 * taskNamesInThreads(true)}: two thread renames per task); {@code fjp} and {@code fjpDecorated}
 * ({@code ForkJoinPool} of parallelism 2, {@code execute}, bare and behind the same decorator as
 * a wrapping executor).
 */
@Fork(value = 1, jvmArgsAppend = {ForkJvm.XMS, ForkJvm.XMX, ForkJvm.THP, ForkJvm.PRETOUCH})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class Decorators {
  private static final int TASKS = 1000;
  private static final ThreadLocal<String> CONTEXT = new ThreadLocal<>();

  /** Which variant; see the class comment. */
  @Param({"plain", "decorated", "named", "namedInThreads", "fjp", "fjpDecorated"})
  public String variant;

  private Scheduler scheduler;
  private ForkJoinPool fjp;
  private Executor fjpExecutor;

  /** The MDC pattern: capture on the submitting thread, set and clear around the run. */
  private static final TaskDecorator CARRY = task -> {
    String captured = CONTEXT.get();
    return () -> {
      CONTEXT.set(captured);
      try {
        task.run();
      } finally {
        CONTEXT.remove();
      }
    };
  };

  /** Builds the executor under test. */
  @Setup(Level.Trial)
  public void setUp() {
    CONTEXT.set("request-42");
    Scheduler.Builder b = Scheduler.builder().parallelism(2);
    if (variant.equals("decorated")) {
      b.taskDecorator(CARRY);
    } else if (variant.equals("namedInThreads")) {
      b.taskNamesInThreads(true);
    }
    scheduler = b.build();
    fjp = new ForkJoinPool(2);
    fjpExecutor = variant.equals("fjpDecorated") ? r -> fjp.execute(CARRY.decorate(r)) : fjp;
  }

  /** Closes both. */
  @TearDown(Level.Trial)
  public void tearDown() {
    scheduler.close();
    fjp.shutdown();
  }

  /**
   * Spawns 1,000 tasks and waits for them.
   *
   * @throws InterruptedException if interrupted
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void spawn_1000() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(TASKS);
    Runnable body = done::countDown;
    if (variant.startsWith("fjp")) {
      for (int i = 0; i < TASKS; i++) {
        fjpExecutor.execute(body);
      }
    } else if (variant.startsWith("named")) {
      for (int i = 0; i < TASKS; i++) {
        scheduler.spawn("task", body);
      }
    } else {
      for (int i = 0; i < TASKS; i++) {
        scheduler.spawn(body);
      }
    }
    done.await();
  }
}
