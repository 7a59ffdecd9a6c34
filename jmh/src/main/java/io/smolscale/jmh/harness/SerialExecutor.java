package io.smolscale.jmh.harness;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A lightweight executor with no thread of its own: it runs its tasks one at a time on a parent
 * executor. The per-level executor of {@code spawn_executors_recursively}.
 *
 * <p>The same idea as Guava's {@code MoreExecutors.newSequentialExecutor} and Kotlin's {@code
 * Dispatchers.Default.limitedParallelism(1)}: a queue plus a "drain scheduled" flag; the first
 * task submitted to an idle instance schedules one drain on the parent, and the drain runs
 * until the queue is empty. Creating one costs two small objects and no thread, as creating a
 * Rust {@code async_executor::Executor} costs one allocation and no thread, and the parent (the
 * executor under test) does the actual scheduling, as the task that runs a nested Rust executor
 * does.
 *
 * <p>Progress: lock-free submission; a task is never stranded, because a drain that finds the
 * queue empty clears the flag and then re-checks the queue before it ends.
 */
public final class SerialExecutor implements Executor, Runnable {
  private final Executor parent;
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  /**
   * Creates a serial executor over a parent.
   *
   * @param parent the executor that runs the drains
   */
  public SerialExecutor(Executor parent) {
    this.parent = parent;
  }

  @Override
  public void execute(Runnable task) {
    queue.add(task);
    if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
      parent.execute(this);
    }
  }

  /** The drain: runs queued tasks until none is left. */
  @Override
  public void run() {
    for (;;) {
      Runnable r;
      while ((r = queue.poll()) != null) {
        r.run();
      }
      scheduled.set(false);
      // A task added after the last poll but before the flag was cleared saw the flag set and
      // scheduled nothing: take it over, unless another drain already has.
      if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
        return;
      }
    }
  }
}
