package io.smolscale;

/**
 * Carries context from the thread that submits work to the thread that runs it: logging MDC,
 * tracing spans, security principals, any {@link ThreadLocal}. Set one with {@link
 * Scheduler.Builder#taskDecorator(TaskDecorator)}; the shape is Spring's {@code TaskDecorator},
 * so existing decorators fit.
 *
 * <p>The scheduler calls {@link #decorate} once per unit of work, <em>on the submitting
 * thread</em>, at the moment of submission: every {@code spawn}, {@code spawnBlocking} and
 * {@code spawnAsync} (also a nursery's and a join set's), every {@link
 * java.util.concurrent.Executor#execute} (so a {@code CompletableFuture}'s {@code *Async} stage on
 * the scheduler is decorated on the thread that completed the stage before it) and the blocking
 * executor's. The returned runnable is what the scheduler later runs on a worker: it restores the
 * captured context, runs the given runnable, and clears it again:
 *
 * <pre>{@code
 * Scheduler s = Scheduler.builder()
 *     .taskDecorator(task -> {
 *       Map<String, String> mdc = MDC.getCopyOfContextMap();   // on the spawning thread
 *       return () -> {
 *         if (mdc != null) MDC.setContextMap(mdc); else MDC.clear();
 *         try { task.run(); } finally { MDC.clear(); }          // on the worker
 *       };
 *     })
 *     .build();
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>The returned runnable must call {@code run()} on the given one exactly once, on the thread
 *       that runs it. The given runnable never throws: a task's outcome, failure included, goes to
 *       its handle, and a raw runnable's exception to the uncaught-exception handler, so a
 *       decorator's {@code finally} is not needed for the task's sake, only for its own clean-up.
 *       A task whose decorator returned without running it fails with {@link
 *       IllegalStateException}; a raw runnable's is reported as uncaught. Neither is lost.
 *   <li>What the decorator's own code throws on the worker, after the task ran, goes to the
 *       uncaught-exception handler. What {@code decorate} throws on the submitting thread
 *       propagates to the submitter, and nothing is queued.
 *   <li>{@code decorate} must not return null ({@link NullPointerException} to the submitter).
 *   <li>The returned runnable may never run: a task cancelled before it starts, a submission the
 *       scheduler then refuses (shut down, a closed nursery), work dropped by {@code
 *       shutdownNow}. So {@code decorate} should only capture; acquire resources (a span, a
 *       permit) in the returned runnable, not in {@code decorate}.
 *   <li>The scheduler's {@code invokeAny} and {@code invokeAll} decorate each task once. Work
 *       queued through an {@code ExecutorCompletionService} over the scheduler is decorated
 *       twice, nested, on the same thread (it wraps the scheduler's task in a {@code FutureTask}
 *       of its own, which reaches {@code execute} as a raw runnable): harmless for a decorator
 *       that sets and clears, as above.
 *   <li>A task's dependents that are not {@code *Async} run on the thread that completes it,
 *       inside the restored context when the task's body completes it.
 *   <li>Work the scheduler queues for its own reasons is not decorated again: a task moved
 *       between workers, run on the blocking path, or handed to a spare thread keeps its one
 *       decoration. {@link Scheduler#delay} decorates its completion at the call, so that the
 *       stage's dependents see the caller's context, not the timer thread's.
 * </ul>
 *
 * <p>Cost: nothing when no decorator is set (one null check per submission). With one, the
 * decorator's own allocations plus one small object per task (two per raw runnable); see the
 * JMH benchmark {@code Decorators} and spec/README.md §2.6.
 *
 * <p>{@code ScopedValue} bindings (JDK 21+ preview, final in JDK 25) cannot be carried by a
 * decorator: a binding lives only for the dynamic extent of {@code ScopedValue.where(...).run},
 * so a decorator that captures {@code SV.get()} on the spawning thread can only re-bind the
 * captured <em>value</em> around the task ({@code ScopedValue.where(SV, captured).run(task)}),
 * which is what JDK 25 programs should do; on JDK 17 there are no scoped values.
 */
@FunctionalInterface
public interface TaskDecorator {

  /**
   * Decorates one unit of work; called on the submitting thread.
   *
   * @param task what the scheduler would run; the result must run it once
   * @return what the scheduler runs instead, not null
   */
  Runnable decorate(Runnable task);
}
