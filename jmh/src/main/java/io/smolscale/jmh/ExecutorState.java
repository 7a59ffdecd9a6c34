package io.smolscale.jmh;

import io.smolscale.jmh.harness.ExecutorKind;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Executor;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The executor under test: one JMH parameter shared by every benchmark, so that each benchmark
 * runs on every executor in its own fork. See {@link ExecutorKind} for the list and the reasons
 * for each configuration.
 */
@State(Scope.Benchmark)
public class ExecutorState {
  /** The executor's name; {@link ExecutorKind#of(String)}. */
  @Param({"smolscale", "fjpCommon", "fjpAsync", "threadPool", "virtual", "kotlinDefault", "fjp1",
      "catsEffect"})
  public String executor;

  /** The executor. */
  public Executor ex;

  /** Live threads before the executor was touched: the idle benchmark's zero. */
  public int threadsBefore;

  private ExecutorKind.Lease lease;

  /** Opens the executor; virtual threads on JDK 17 throw a documented skip here. */
  @Setup(Level.Trial)
  public void open() {
    threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
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
}
