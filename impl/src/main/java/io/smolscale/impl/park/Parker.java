package io.smolscale.impl.park;

import io.smolscale.impl.util.Durations;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A one-permit parker for one thread: {@link #unpark()} before {@link #park} is not lost.
 *
 * <h2>Implementation overview</h2>
 *
 * <p>A three-state word, as in Tokio's and Rust's std thread parker: {@code EMPTY}, {@code
 * PARKED} (the owner is, or is about to be, inside {@link LockSupport#park}) and {@code NOTIFIED}
 * (a permit waits). {@code unpark} swaps in {@code NOTIFIED} and calls {@link
 * LockSupport#unpark} only if it replaced {@code PARKED}. The owner consumes the permit with a
 * CAS from {@code NOTIFIED} to {@code EMPTY}.
 *
 * <p>Why not {@code LockSupport} alone: its permit is shared with every other user of the
 * thread's park (locks, futures the task waits on), so a task that consumed it would steal the
 * scheduler's wake-up. A permit of our own cannot be taken by user code.
 *
 * <p>The state word also tells {@code unpark} whether the owner is parked (or about to be), so
 * that waking a worker that is not (it is running, or a permit already waits) costs one atomic
 * swap and skips {@code LockSupport.unpark} altogether. (HotSpot's {@code unpark} would not make a system call
 * there either: it signals only a thread that is actually parked. What is skipped is the call
 * itself, which finds the target thread and locks its native parker.)
 *
 * <p>Interrupts do not end a park, and are cleared: the owner is an idle worker with no task to
 * deliver them to (a task's interrupt is cleared at the task boundary, see {@code Worker}), and
 * an interrupt status left set makes every {@code LockSupport.park} return at once, so the loop
 * below would spin on a full core until the keep-alive ends (seen: 1.9 s of CPU per 2 s).
 *
 * <p>Happens-before: {@code STATE} is accessed only with volatile read-modify-writes, so
 * everything the unparking thread did before {@code unpark} happens-before the owner's return
 * from {@code park} with {@code true}. Spurious returns of {@code LockSupport.park} are absorbed by
 * the loop. Progress: {@code unpark} is wait-free.
 */
public final class Parker {
  private static final int EMPTY = 0;
  private static final int PARKED = 1;
  private static final int NOTIFIED = 2;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Parker.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Thread owner;
  private volatile int state;

  /**
   * Creates a parker for a thread.
   *
   * @param owner the only thread that may call {@link #park}
   */
  public Parker(Thread owner) {
    this.owner = owner;
  }

  /**
   * Parks the owner until unparked or until the timeout passes. Owner only.
   *
   * @param nanos the longest wait, positive; {@link Durations#FOREVER} or more for no timeout
   * @return true if a permit was consumed (unparked), false on timeout
   */
  public boolean park(long nanos) {
    if (STATE.compareAndSet(this, NOTIFIED, EMPTY)) {
      return true;
    }
    if (!STATE.compareAndSet(this, EMPTY, PARKED)) {
      // Only unpark can have changed EMPTY, and only to NOTIFIED.
      STATE.setVolatile(this, EMPTY);
      return true;
    }
    boolean forever = nanos >= Durations.FOREVER;
    long deadline = forever ? 0 : System.nanoTime() + nanos;
    while (true) {
      if (forever) {
        LockSupport.park(this);
      } else {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          if (STATE.compareAndSet(this, PARKED, EMPTY)) {
            return false;
          }
          STATE.setVolatile(this, EMPTY); // NOTIFIED raced the timeout: take it
          return true;
        }
        LockSupport.parkNanos(this, left);
      }
      if (STATE.compareAndSet(this, NOTIFIED, EMPTY)) {
        return true;
      }
      // Not notified: a timeout, a spurious return, or an interrupt. Drop the interrupt, or the
      // next park returns at once (see the class comment).
      Thread.interrupted();
    }
  }

  /** Gives the owner a permit, waking it if it is parked. Any thread; idempotent until consumed. */
  public void unpark() {
    if ((int) STATE.getAndSet(this, NOTIFIED) == PARKED) {
      LockSupport.unpark(owner);
    }
  }
}
