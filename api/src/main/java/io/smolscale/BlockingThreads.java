package io.smolscale;

/**
 * Which threads run the blocking path ({@link Scheduler#spawnBlocking(java.util.concurrent.Callable)},
 * {@link Scheduler#blockingExecutor()}, and the tasks the scheduler has learnt to block).
 *
 * <p>Either way the blocking bodies count against {@code maxThreads}: a body holds one of the
 * scheduler's thread places while it runs, platform or virtual, so the cap still bounds how much
 * blocking work runs at once (a database pool sized to it is not overrun), and a body that finds
 * no place waits in the global queue and runs on a worker that marks itself blocked.
 */
public enum BlockingThreads {
  /**
   * {@link #VIRTUAL} on JDK 24 and later when no {@link Scheduler.Builder#threadFactory thread
   * factory} is set, otherwise {@link #PLATFORM}. JDK 24 is where a virtual thread blocked inside
   * {@code synchronized} stopped pinning its carrier (JEP 491), the common case in JDBC drivers;
   * a scheduler given a thread factory keeps every thread it runs on the factory's.
   */
  AUTO,

  /**
   * Platform threads of the scheduler: a parked spare or a new thread (from the thread factory,
   * if set). When its body returns the thread joins the workers if a parallelism slot is free,
   * otherwise it stays parked as a spare for the keep-alive.
   */
  PLATFORM,

  /**
   * A new virtual thread per body (JDK 21+), named by the thread-name prefix followed by {@code
   * blocking-} and a number; the thread factory is not used for it. A body started this way costs
   * about a microsecond and no platform thread. On JDK 21-23 a body that blocks inside {@code
   * synchronized} or a native frame pins the carrier thread it runs on (the JDK's virtual-thread
   * scheduler has one carrier per core), which can stall every other virtual thread of the JVM.
   */
  VIRTUAL
}
