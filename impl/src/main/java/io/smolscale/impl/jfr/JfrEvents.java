package io.smolscale.impl.jfr;

import io.smolscale.impl.BlockCause;
import io.smolscale.impl.MoveCause;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Emits the scheduler's Flight Recorder events, if {@code jdk.jfr} is there.
 *
 * <p>The implementation module only {@code requires static jdk.jfr}: a runtime image built
 * without it (jlink) must still run the scheduler. So every event class is touched only after
 * {@link #AVAILABLE} said the module is readable; on the class path (the unnamed module reads
 * everything) it is enough that the class exists. Until Flight Recorder has started, an event
 * costs two static reads and makes no object; once it has, an event object (usually removed by
 * escape analysis when the event is disabled) and {@code shouldCommit}. The callers are the
 * balancer thread and blocking paths only. The causes are the scheduler's own vocabulary ({@link
 * BlockCause}, {@link MoveCause}), recorded as their lower-case labels.
 *
 * <p>Record them with, for example, {@code -XX:StartFlightRecording:filename=rec.jfr} (the
 * default settings enable them) and read them with {@code jfr print --events
 * io.smolscale.WorkerBlocked rec.jfr}.
 */
public final class JfrEvents {
  /** Whether the event classes can be used (the {@code jdk.jfr} module is present and read). */
  public static final boolean AVAILABLE = available();

  private JfrEvents() {}

  private static boolean available() {
    try {
      Class<?> event = Class.forName("jdk.jfr.Event", false, JfrEvents.class.getClassLoader());
      Module self = JfrEvents.class.getModule();
      return !self.isNamed() || self.canRead(event.getModule());
    } catch (ClassNotFoundException | LinkageError | SecurityException e) {
      return false;
    }
  }

  /**
   * A worker was marked blocked.
   *
   * @param scheduler the scheduler's thread name prefix
   * @param worker the worker's thread, if it has one yet
   * @param cause why it was marked
   * @param stalledNanos how long it had been in the task (0 if unknown)
   * @param tasksMoved tasks moved off its local queue
   */
  public static void workerBlocked(
      String scheduler,
      @Nullable Thread worker,
      BlockCause cause,
      long stalledNanos,
      int tasksMoved,
      @Nullable String taskName) {
    if (AVAILABLE && Emit.recorderStarted()) {
      Emit.workerBlocked(scheduler, worker, cause.label, stalledNanos, tasksMoved, taskName);
    }
  }

  /** How many of the blocked worker's top stack frames the event records. */
  static final int STACK_FRAMES = 8;

  /** The worker's method that runs a task (see {@link #describe}). */
  private static final String RUN_TASK_CLASS = "io.smolscale.impl.Worker";

  private static final String RUN_TASK_METHOD = "runTask";

  /**
   * What the blocked task is, for a human reading the event, from its worker's stack (the worker
   * does not publish its task: see {@code Worker}'s {@code verdictPending}): the class of the first
   * frame above the worker's {@code runTask} that is not the implementation's own, so a task
   * handle's body (a lambda shows as the class that declares it) or a raw runnable's class.
   *
   * @param st the worker's stack, top first
   * @return the class name, or empty if the stack does not show the task boundary
   */
  static String describe(StackTraceElement[] st) {
    for (int i = 0; i < st.length; i++) {
      if (RUN_TASK_CLASS.equals(st[i].getClassName())
          && RUN_TASK_METHOD.equals(st[i].getMethodName())) {
        for (int j = i - 1; j >= 0; j--) {
          String c = st[j].getClassName();
          if (!isWrapper(c)) {
            return c;
          }
        }
        return "";
      }
    }
    return "";
  }

  /**
   * Whether a frame between the worker and the task's body belongs to the code that wraps the
   * body: the task handles ({@code io.smolscale.impl.task}), the worker and the blocking path's
   * wrapper, the API's default adapters (package {@code io.smolscale} itself).
   */
  private static boolean isWrapper(String c) {
    return c.startsWith("io.smolscale.impl.task.")
        || c.startsWith(RUN_TASK_CLASS)
        || c.startsWith("io.smolscale.impl.Blocking")
        || (c.startsWith("io.smolscale.") && c.indexOf('.', "io.smolscale.".length()) < 0);
  }

  /**
   * The top frames of a stack, one per line.
   *
   * @param st the stack, top first
   * @return the frames, empty if none
   */
  static String topFrames(StackTraceElement[] st) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(STACK_FRAMES, st.length); i++) {
      b.append(i == 0 ? "" : "\n").append(st[i]);
    }
    return b.toString();
  }

  /**
   * The balancer moved tasks off a worker.
   *
   * @param scheduler the scheduler's thread name prefix
   * @param worker the worker's thread, if it has one yet
   * @param cause why they moved
   * @param tasksMoved how many
   */
  public static void tasksMoved(
      String scheduler, @Nullable Thread worker, MoveCause cause, int tasksMoved) {
    if (AVAILABLE && Emit.recorderStarted()) {
      Emit.tasksMoved(scheduler, worker, cause.label, tasksMoved);
    }
  }

  /** The only class that names the event types: loaded only when {@link #AVAILABLE}. */
  private static final class Emit {
    private Emit() {}

    /**
     * Whether Flight Recorder has been started in this JVM (a recording can only run then). Until
     * it has, no event object is made: the first use of an event class loads and instruments it,
     * which took the balancer thread away for long enough (on a loaded 2-core machine) that the
     * JMH {@code Retained} benchmark saw its spinners settle with two replacement workers not yet
     * started, and then the queued tasks run. With a recording started, that one-time cost falls
     * on the first event, which the user asked for.
     */
    static boolean recorderStarted() {
      return jdk.jfr.FlightRecorder.isInitialized();
    }

    static void workerBlocked(
        String scheduler,
        @Nullable Thread worker,
        String cause,
        long stalledNanos,
        int moved,
        @Nullable String taskName) {
      WorkerBlockedEvent e = new WorkerBlockedEvent();
      if (e.shouldCommit()) {
        StackTraceElement[] st = worker == null ? new StackTraceElement[0] : worker.getStackTrace();
        e.stalled = stalledNanos;
        e.task = describe(st);
        e.taskName = taskName == null ? "" : taskName;
        e.stack = topFrames(st);
        fill(e, scheduler, worker, cause, moved).commit();
      }
    }

    static void tasksMoved(String scheduler, @Nullable Thread worker, String cause, int moved) {
      TasksMovedEvent e = new TasksMovedEvent();
      if (e.shouldCommit()) {
        fill(e, scheduler, worker, cause, moved).commit();
      }
    }

    private static WorkerEvent fill(
        WorkerEvent e, String scheduler, @Nullable Thread worker, String cause, int moved) {
      e.scheduler = scheduler;
      e.workerThread = worker == null ? "" : worker.getName();
      e.cause = cause;
      e.tasksMoved = moved;
      return e;
    }
  }
}
