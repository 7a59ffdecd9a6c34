package io.smolscale.jmh.harness;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * A minimal actor over a plain {@link Executor}: the actor layer of the Savina benchmarks.
 *
 * <p>An actor is a mailbox plus a "scheduled" flag; the actor itself is the {@link Runnable}
 * handed to the executor. This is the classic dispatcher protocol of Akka's {@code Mailbox} and
 * Scala's actors, written here from that description:
 *
 * <ul>
 *   <li>{@link #tell}: enqueue the message; if the flag was clear, set it (CAS) and {@code
 *       executor.execute(this)}. Only the sender that wins the CAS submits, so an actor is queued
 *       on the executor at most once and runs on one thread at a time.
 *   <li>{@link #run}: process up to {@link #THROUGHPUT} messages, then clear the flag and
 *       re-check the mailbox; if it is not empty, take the flag again (CAS) and re-submit.
 * </ul>
 *
 * <p><b>No lost wake-up.</b> The sender writes the mailbox and then reads the flag; the runner
 * writes the flag and then reads the mailbox. Both are sequentially consistent accesses (the
 * queue's CAS and volatile reads, the flag's volatile write and read), so at least one of the two
 * sees the other's write (Dekker's argument): either the sender sees the flag clear and submits,
 * or the runner sees the message and re-submits; if both try, the CAS lets exactly one through.
 * An actor's state needs no locks: consecutive runs are ordered by the flag's release (the
 * volatile write) and acquire (the CAS), and by the executor's own hand-off.
 *
 * <p><b>Mailbox.</b> A {@link ConcurrentLinkedQueue} (Michael and Scott's lock-free queue), used
 * multi-producer, single-consumer: one node per message, the same for every executor.
 *
 * <p><b>Throughput: {@value #DEFAULT_THROUGHPUT} messages per run</b> (system property {@value
 * #THROUGHPUT_PROPERTY} to change it), the default {@code throughput} of Akka's (and Pekko's)
 * default dispatcher, i.e. what an actor library on the executor actually does. A message-bound
 * actor (ping_pong, thread_ring, big, chameneos' creatures) has at most one message waiting, so
 * every message still costs one {@code execute} there, whatever the batch; the batch only matters
 * for actors with a backlog (counting's counter, chameneos' mall, fan-in), where 1 would turn a
 * benchmark of the scheduler's hand-off into one of {@code execute} calls that no actor runtime
 * makes, and a large batch would hide the scheduler altogether.
 *
 * <p>A message whose processing throws completes {@code failure} exceptionally (the benchmark
 * waiting on it fails) and the actor goes on with the next message.
 *
 * @param <M> the message type
 */
public abstract class Actor<M> implements Runnable {
  /** The system property that overrides {@link #THROUGHPUT}. */
  public static final String THROUGHPUT_PROPERTY = "smolscale.jmh.actorThroughput";

  /** The default batch: Akka's default dispatcher throughput. */
  public static final int DEFAULT_THROUGHPUT = 5;

  /** Messages processed per run before the actor goes back to the executor. */
  public static final int THROUGHPUT =
      Math.max(1, Integer.getInteger(THROUGHPUT_PROPERTY, DEFAULT_THROUGHPUT));

  private static final VarHandle SCHEDULED;

  static {
    try {
      SCHEDULED = MethodHandles.lookup().findVarHandle(Actor.class, "scheduled", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Executor executor;
  private final CompletableFuture<?> failure;
  private final ConcurrentLinkedQueue<M> mailbox = new ConcurrentLinkedQueue<>();

  /** 1 while the actor is submitted to or running on the executor. */
  @SuppressWarnings("unused") // through SCHEDULED
  private volatile int scheduled;

  /**
   * Creates an actor.
   *
   * @param executor where it runs
   * @param failure completed exceptionally when a message's processing throws
   */
  protected Actor(Executor executor, CompletableFuture<?> failure) {
    this.executor = executor;
    this.failure = failure;
  }

  /**
   * Sends a message; never blocks, from any thread.
   *
   * @param message the message
   */
  public final void tell(M message) {
    mailbox.offer(message);
    if (scheduled == 0 && SCHEDULED.compareAndSet(this, 0, 1)) {
      executor.execute(this);
    }
  }

  /**
   * Processes one message; runs on one thread at a time.
   *
   * @param message the message
   * @throws Exception to fail the benchmark
   */
  protected abstract void receive(M message) throws Exception;

  /** One batch of at most {@link #THROUGHPUT} messages, then the idle re-check. */
  @Override
  public final void run() {
    for (int i = 0; i < THROUGHPUT; i++) {
      M m = mailbox.poll();
      if (m == null) {
        break;
      }
      try {
        receive(m);
      } catch (Throwable t) {
        failure.completeExceptionally(t);
      }
    }
    scheduled = 0;
    // A message offered after the last poll whose sender still saw the flag set: take it over
    // (or leave it to a sender that has just taken the flag itself).
    if (!mailbox.isEmpty() && SCHEDULED.compareAndSet(this, 0, 1)) {
      executor.execute(this);
    }
  }
}
