package io.smolscale.impl.task;

import java.util.function.Consumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A task with a name. A subclass rather than a field of {@link TaskImpl}: most tasks have no
 * name, and one more reference field would take every task from 64 to 72 bytes (compressed oops),
 * an eighth more allocation on the spawn path, to serve a few.
 *
 * <p>Around its run it tells its scheduler the name ({@link Compensator#swapRunningName}: a
 * worker keeps it for the monitor's diagnostics) and, when the scheduler asks for it, appends
 * the name to the thread's name. Both are undone in a {@code finally}, restoring what was there,
 * so a named task run inside another one (a direct {@code run()} call) leaves the outer one's
 * name in place. Nothing here is shared between threads: the name is final, and the thread name
 * and the worker's slot are the running thread's own (the slot's reader, the monitor, reads it
 * opaque, for display only).
 *
 * @param <T> the result type
 */
final class NamedTask<T> extends TaskImpl<T> {
  private final String name;

  NamedTask(
      Compensator scheduler,
      Consumer<Throwable> uncaught,
      Object body,
      byte kind,
      Class<?> bodyClass,
      String name) {
    super(scheduler, uncaught, body, kind, bodyClass);
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void run() {
    Compensator s = scheduler;
    Thread t = Thread.currentThread();
    @Nullable String threadName = null;
    if (s.taskNamesInThreads()) {
      threadName = t.getName();
      t.setName(threadName + " [" + name + "]");
    }
    @Nullable String outer = s.swapRunningName(name);
    try {
      super.run();
    } finally {
      s.swapRunningName(outer);
      if (threadName != null) {
        t.setName(threadName);
      }
    }
  }
}
