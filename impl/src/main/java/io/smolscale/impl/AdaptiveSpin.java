package io.smolscale.impl;

import io.smolscale.impl.queue.GlobalQueue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The pre-park spin policy of one worker: whether to spin before parking, and the spin itself. A
 * named, swappable object (Agrona's IdleStrategy habit) because it is a heuristic tuned with the
 * JMH suite and will keep changing, while the park protocol it sits in front of ({@code
 * Worker.idle}, model-checked) must not. What the protocol needs from a spin is only in {@code
 * Worker.spinBeforeParking}: a spinner counts itself as searching, and one that gives up goes
 * through the ordinary publish, re-check, park sequence.
 *
 * <h2>Why spin, and when</h2>
 *
 * <p>A request/response exchange with a thread outside the pool (ping_pong's client, spawn_one's
 * caller) sends the next message a few microseconds after the worker ran out of work. Parking
 * costs the worker a futex sleep and the sender an unpark system call and a thread wake-up,
 * several microseconds of CPU on each side; a worker still spinning takes the message at once and
 * nobody is woken. At partial load (messages hundreds of microseconds apart) a spin only burns
 * CPU, which is the BRIEF's warning about BEAM's and ForkJoinPool's spinning. So the spin is
 * adaptive, in the spirit of HotSpot's adaptive spinning for contended monitors and of Go's limit
 * on spinning Ms: a worker spins only if its last park was short (its waker popped it within the
 * limit: a spin would have caught the work) or its last spin found work; a spin that finds
 * nothing turns spinning off until a short park is seen again; and only the last awake worker
 * spins (every other worker is parked, so the spin takes no CPU a running worker could use; on two
 * cores a spin beside a busy worker made spawn_many 35 % slower).
 *
 * <h2>Fields shared with other threads</h2>
 *
 * <p>{@code wokenAtNanos}: when a waker last popped this worker ({@link System#nanoTime}), an
 * opaque store by the waker, read with an opaque load by the owner after it saw itself popped.
 * No ordering is needed: the value is a heuristic, and a stale one (possible only when the owner
 * noticed the pop before the waker's store, e.g. after a park time-out) costs at most one spin
 * more or less. Everything else is the owner's alone.
 */
final class AdaptiveSpin {
  /**
   * Global-queue checks per burst, between two {@link Thread#yield}s: about 5-10 µs of {@link
   * Thread#onSpinWait} on x86. Chosen with the JMH suite (32 made ping_pong twice as slow through
   * the system calls; never yielding starved a woken thread placed on the spinner's CPU).
   */
  private static final int SPIN_BURST = 256;

  private static final VarHandle WOKEN_AT;

  static {
    try {
      WOKEN_AT = MethodHandles.lookup().findVarHandle(AdaptiveSpin.class, "wokenAtNanos", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The longest spin ({@code SchedulerConfig.spinBeforePark}); 0 turns spinning off. */
  private final long limitNanos;

  /** Owner-only: whether the next idle spell starts with a spin. */
  private boolean hint;

  /** See the class comment: opaque accesses only. */
  private long wokenAtNanos;

  AdaptiveSpin(long limitNanos) {
    this.limitNanos = limitNanos;
  }

  /**
   * Whether this worker should spin before it parks. Owner only.
   *
   * @param ctl the worker counts, whose awake count (this worker included) is read only when
   *     the hint is set
   * @return true if its last park was short or its last spin hit, and no other worker is awake
   */
  boolean wantsToSpin(Ctl ctl) {
    // another worker running: a spin would take its CPU (spawn_many: +35 %)
    return hint && ctl.awake() <= 1;
  }

  /**
   * Spins for at most the limit waiting for the global queue to become non-empty. Owner only,
   * counted as searching by the caller. Only the global queue is watched: nobody but the owner
   * pushes to its local queue.
   *
   * @param pool the scheduler (its global queue, shutdown state and counters)
   * @return true if work appeared; false (and the hint cleared) if the limit passed
   */
  boolean spinUntilWork(Pool pool) {
    GlobalQueue g = pool.global;
    long deadline = System.nanoTime() + limitNanos;
    do {
      for (int i = 0; i < SPIN_BURST; i++) {
        if (!g.isEmpty()) {
          pool.counters.countSpin(true);
          return true;
        }
        Thread.onSpinWait();
      }
      // Yield between bursts: the thread this worker just woke (the one that will send the next
      // message) is often placed on this very CPU by the OS (Linux's wake-affine placement), and
      // a pure spin would keep it off the CPU until the spin ends. Kotlin's scheduler and Go's
      // spinning Ms yield for the same reason.
      Thread.yield();
    } while (System.nanoTime() - deadline < 0 && !pool.isShuttingDown());
    pool.counters.countSpin(false);
    hint = false;
    return false;
  }

  /**
   * The clock reading to take before a park, for {@link #afterWokenPark}. Owner only.
   *
   * @return {@link System#nanoTime}, or 0 when spinning is off (no clock read)
   */
  long beforePark() {
    return limitNanos > 0 ? System.nanoTime() : 0L;
  }

  /**
   * Learns from a park that a waker ended: it was short if the waker popped the worker within
   * the limit. Owner only.
   *
   * @param parkedAt {@link #beforePark}'s reading
   */
  void afterWokenPark(long parkedAt) {
    hint = limitNanos > 0 && (long) WOKEN_AT.getOpaque(this) - parkedAt <= limitNanos;
  }

  /**
   * Records when a waker popped this worker. Waker only, and only when spinning is on.
   *
   * @param now the waker's {@link System#nanoTime}
   */
  void stampWoken(long now) {
    WOKEN_AT.setOpaque(this, now);
  }

  /**
   * Whether spinning is on at all (a non-zero limit): wakers stamp only then.
   *
   * @return true if the limit is positive
   */
  boolean enabled() {
    return limitNanos > 0;
  }
}
