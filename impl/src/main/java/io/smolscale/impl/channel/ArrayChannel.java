package io.smolscale.impl.channel;

import io.smolscale.Channel;
import io.smolscale.ChannelClosedException;
import io.smolscale.Smolscale;
import io.smolscale.impl.util.Durations;
import io.smolscale.impl.util.SharedTimer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.checkerframework.checker.lock.qual.GuardSatisfied;
import org.checkerframework.checker.nullness.qual.NonNull;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A multi-producer, multi-consumer asynchronous channel: a ring buffer and two FIFO wait queues
 * under one small lock, after Go's {@code hchan} ({@code runtime/chan.go}), with futures in place
 * of parked goroutines.
 *
 * <h2>Implementation overview</h2>
 *
 * <p><b>State</b> (all guarded by {@code lock}): a ring of {@code count} messages starting at
 * {@code head}; a queue of waiting receivers; a queue of waiting senders, each holding its message;
 * and {@code closed}. The invariants, true whenever the lock is free:
 *
 * <ol>
 *   <li>receivers wait only if the ring is empty: {@code receivers nonempty => count == 0};
 *   <li>senders wait only if the ring is full: {@code senders nonempty => count >= capacity}, so
 *       at most one of the two queues is nonempty;
 *   <li>a closed channel has no waiter of either kind;
 *   <li>{@code count <= capacity}, except after close, when the messages of the senders that were
 *       waiting are appended to the ring (see Close).
 * </ol>
 *
 * <p><b>Operations</b>. Each takes the lock once, decides, releases it, and only then completes
 * the futures it decided to complete (so no continuation ever runs under the lock: continuations
 * may use this channel again, and a slow one stalls nobody else):
 *
 * <ul>
 *   <li>send: if a receiver waits, claim the oldest and hand the message to it directly (by {@code
 *       Waiter.deliver}, on the sender's thread); else if the ring has room, append; else enqueue a
 *       send waiter (back-pressure);
 *   <li>receive: if the ring is nonempty, take its head and, if a sender waits, move the oldest
 *       sender's message to the tail and complete that sender (on the receiver's thread, as Go's
 *       {@code chanrecv} does for buffered channels); else, if closed, fail; else enqueue a
 *       receive waiter.
 * </ul>
 *
 * <p><b>Rendezvous</b> (capacity 0, Go's unbuffered channel): the ring stays empty while the
 * channel is open, so a send waits until a receiver claims it and a receive that finds a sender
 * waiting takes that sender's message directly (from the waiter, not the ring). Invariant 2 then
 * lets senders wait whenever no receiver does, and invariant 1 lets receivers wait whenever no
 * sender does: still at most one queue holds live waiters, except for the clauses of one select
 * that both sends and receives on the same channel (it cannot meet itself: the first of its
 * clauses that can happen is chosen before it waits). For capacity 1 and more, a waiting sender
 * implies a full ring, so a receive that finds the ring empty finds no live sender either, and the
 * same code serves both. Order is therefore the order in which sends were
 * accepted (appended or handed off), and waiters of each kind are served first-in first-out.
 *
 * <p><b>Hand-off and the executor.</b> The channel never dispatches anything: it completes a
 * waiter's future on the thread of the operation that satisfies it. The waiter's non-async
 * continuations run right there (after the lock is released); its {@code *Async} continuations go
 * to the executor they name. On a smolscale worker that executor's task lands on the current
 * worker's local queue, which is the wake-locality the scheduler relies on. Deep chains of
 * synchronous continuations (a forwarder that sends from a receive continuation) nest on the
 * sender's stack; use an {@code *Async} continuation to bound the depth.
 *
 * <p><b>Races with the owner of a waiter</b> (cancel, timeout, outside completion) are decided by
 * the {@code queued} flag of {@code Waiter} under the lock: a withdrawn waiter is unlinked and never
 * claimed; a claimed one cannot be withdrawn. A hand-off to a receiver whose future was completed
 * through a path the channel cannot see (obtrude, completeAsync) fails in {@code deliver}: the
 * sender then retries from the start, so the value goes to the next receiver or the ring, and is
 * never lost.
 *
 * <p><b>Close</b> fails every waiting receiver (there are waiting receivers only when the ring is
 * empty) and accepts the messages of every waiting sender: they are appended to the ring in FIFO
 * order, which may grow it beyond {@code capacity}, and those senders' stages complete normally.
 * This is the reading of the {@link Channel} contract "messages held by waiting senders are still
 * delivered" that leaves no sender waiting forever after a close: a producer parked on a full
 * channel wakes, and its next send fails. Receivers drain the ring, then fail.
 *
 * <p><b>Happens-before edges.</b> Actions before a send happen-before the receive that returns its
 * message: through the lock (send appends under it, receive takes under it) or, on a hand-off,
 * through the future ({@code complete} then {@code join} or a continuation). The same holds from a
 * receive that makes room to the completion of the waiting sender it admits. {@code closed} is
 * written only under the lock and is volatile so that {@link #isClosed()} can read it without it.
 *
 * <p><b>Progress.</b> Blocking in the formal sense (one lock), with short critical sections: O(1)
 * for every operation, amortised over ring growth; O(waiters) for close. No user code runs under
 * the lock. The lock is the monitor of a private object. A {@code ReentrantLock} was tried and
 * rejected: the Lock Checker requires every method that calls {@code unlock()} to be declared
 * {@code @MayReleaseLocks}, which the {@link Channel} methods (implicitly {@code @ReleasesNoLocks})
 * forbid; and HotSpot's adaptive spinning suits a critical section of a few dozen instructions.
 * The cost: on JDK 21 to 23 a virtual thread that contends for the monitor pins its carrier for
 * the (short) wait; JDK 24+ (JEP 491) does not pin.
 *
 * <p><b>Allocation per operation.</b> A send accepted at once returns one shared completed stage
 * ({@code SENT}: a future that refuses {@code obtrude*}, so no caller can change it for the
 * others; {@code complete}, {@code completeExceptionally} and {@code cancel} of a completed future
 * are already no-ops). A receive that finds a message allocates the completed future that carries
 * it. A send or receive that must wait allocates its waiter, which is the returned future. An
 * unbounded channel (capacity {@link Integer#MAX_VALUE}) or a large bounded one starts with a ring
 * of 16 and doubles it when full; a bounded channel of capacity up to
 * 1024 allocates its whole ring at construction. The ring never shrinks.
 *
 * @param <T> the message type; null messages are refused
 */
public final class ArrayChannel<T> implements Channel<T> {

  /** Bounded channels up to this capacity allocate their whole ring at construction. */
  static final int PREALLOCATE_LIMIT = 1024;

  /** The first ring length of an unbounded or large bounded channel. */
  static final int GROWABLE_INITIAL_LENGTH = 16;

  /** The largest array length the JVM reliably allocates. */
  private static final int MAX_RING_LENGTH = Integer.MAX_VALUE - 8;

  /** The stage returned by every send that completes at once. */
  static final CompletableFuture<Void> SENT = new CompletedSend();

  /** {@link #place} outcome: handed to a waiting receiver or appended to the buffer. */
  private static final Object PLACED = new Object();

  /** {@link #place} outcome: the buffer is full and the caller did not ask to queue. */
  private static final Object FULL = new Object();

  /** {@link #place} outcome: the channel is closed. */
  private static final Object CLOSED = new Object();

  private final int capacity;

  /** Guards every field below except {@code closed}'s unlocked reads in {@link #isClosed()}. */
  private final Object lock = new Object();

  /** The ring; its slots outside [head, head + count) are null. Guarded by lock. */
  private @Nullable Object[] ring;

  /** Index of the oldest message. Guarded by lock. */
  private int head;

  /** Number of messages in the ring. Guarded by lock. */
  private int count;

  /** Waiting receivers, oldest first. Guarded by lock. */
  private final WaitQueue<ReceiveWaiter> receivers = new WaitQueue<>();

  /** Waiting senders, oldest first. Guarded by lock. */
  private final WaitQueue<SendWaiter> senders = new WaitQueue<>();

  /** Written only under lock (once, false to true); volatile for {@link #isClosed()}. */
  private volatile boolean closed;

  /**
   * Why it was closed ({@link #close(Throwable)}), or null. Written once under the lock before the
   * volatile store of {@code closed}, and read only after a read of {@code closed} that saw true
   * (under the lock or not), so the volatile pair orders it: no access mode of its own.
   */
  private @Nullable Throwable closeCause;

  /**
   * Creates a channel.
   *
   * @param capacity the buffer size, at least 0 (rendezvous); {@link Integer#MAX_VALUE} means
   *     unbounded
   * @throws IllegalArgumentException if {@code capacity < 0}
   */
  public ArrayChannel(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("channel capacity must be at least 0, was " + capacity);
    }
    this.capacity = capacity;
    this.ring = new Object[capacity <= PREALLOCATE_LIMIT ? capacity : GROWABLE_INITIAL_LENGTH];
  }

  @Override
  public CompletionStage<Void> send(T message) {
    Object outcome = place(message, true);
    if (outcome == PLACED) {
      return SENT;
    }
    if (outcome == CLOSED) {
      return WaitingFuture.failed(closedForSend());
    }
    @SuppressWarnings("unchecked") // place returns a SendWaiter when asked to queue
    CompletionStage<Void> waiter = (CompletionStage<Void>) outcome;
    return waiter;
  }

  @Override
  public boolean trySend(T message) {
    Object outcome = place(message, false);
    if (outcome == CLOSED) {
      throw closedForSend();
    }
    return outcome == PLACED;
  }

  /**
   * The one sending path: under the lock, hand the message to the oldest waiting receiver, else
   * append it if there is room, else queue a waiting sender (if {@code queueIfFull}). The hand-off
   * completes the receiver's future outside the lock; if that future was completed behind the
   * channel's back (see {@link Waiter}), the message is offered again.
   *
   * @param message the message, not null
   * @param queueIfFull whether a full buffer queues a {@link SendWaiter} (send) or refuses (trySend)
   * @return {@link #PLACED}, {@link #FULL}, {@link #CLOSED}, or the queued {@link SendWaiter}
   * @throws NullPointerException if {@code message} is null
   */
  private Object place(T message, boolean queueIfFull) {
    if (message == null) {
      throw new NullPointerException("channel message must not be null");
    }
    for (; ; ) {
      @Nullable ReceiveWaiter receiver;
      synchronized (lock) {
        if (closed) {
          return CLOSED;
        }
        receiver = receivers.poll();
        if (receiver == null) {
          if (count < capacity) {
            append(message);
            return PLACED;
          }
          if (!queueIfFull) {
            return FULL;
          }
          SendWaiter waiter = new SendWaiter(message);
          senders.add(waiter);
          return waiter;
        }
      }
      if (receiver.deliver(message)) {
        return PLACED;
      }
      // The receiver's future was completed behind the channel's back: offer the message again.
    }
  }

  @Override
  public CompletionStage<T> receive() {
    @Nullable T message;
    @Nullable SendWaiter admitted;
    synchronized (lock) {
      if (count == 0) {
        admitted = senders.poll(); // a rendezvous sender; never a live one if capacity >= 1
        if (admitted != null) {
          message = admitted.takeMessage();
        } else if (!closed) {
          ReceiveWaiter waiter = new ReceiveWaiter();
          receivers.add(waiter);
          return waiter;
        } else {
          message = null;
        }
      } else {
        message = take();
        admitted = admitWaitingSender();
      }
    }
    if (message == null) {
      return WaitingFuture.failed(closedForReceive());
    }
    if (admitted != null) {
      admitted.completeAdmitted();
    }
    return WaitingFuture.completed(message);
  }

  /**
   * {@link #receive()}, withdrawn on time-out through the waiter's own withdrawal (section 5 of
   * spec/channels.md: exactly one of the hand-off and the time-out wins). The timer thread only
   * queues the time-out on the global scheduler; the waiter's completion removes the timer entry.
   */
  @Override
  public CompletionStage<T> receive(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    CompletionStage<T> r = receive();
    if (!wasQueued(r)) {
      return r; // a message, or closed and drained: done at once
    }
    CompletableFuture<T> waiter = r.toCompletableFuture();
    long nanos = Durations.saturatedNanos(timeout);
    if (nanos <= 0) {
      waiter.completeExceptionally(timedOut(timeout)); // ignored if a sender claimed it meanwhile
      return waiter;
    }
    if (nanos >= Durations.FOREVER) {
      return waiter;
    }
    SharedTimer.INSTANCE.scheduleFor(
        waiter,
        () -> Smolscale.executor().execute(() -> waiter.completeExceptionally(timedOut(timeout))),
        nanos);
    return waiter;
  }

  private static TimeoutException timedOut(Duration timeout) {
    return new TimeoutException("no message within " + timeout);
  }

  @Override
  public @Nullable T tryReceive() {
    @Nullable T message;
    @Nullable SendWaiter admitted;
    synchronized (lock) {
      if (count == 0) {
        admitted = senders.poll(); // a rendezvous sender; never a live one if capacity >= 1
        if (admitted != null) {
          message = admitted.takeMessage();
        } else if (!closed) {
          return null;
        } else {
          message = null;
        }
      } else {
        message = take();
        admitted = admitWaitingSender();
      }
    }
    if (message == null) {
      throw closedForReceive();
    }
    if (admitted != null) {
      admitted.completeAdmitted();
    }
    return message;
  }

  /**
   * Tells whether {@code stage} came from a {@link #send} or {@link #receive} that the channel had
   * to queue: it was pending when the call returned, whatever has happened to it since (a
   * receiver may have been handed a message, a sender admitted by {@link #close}). Looking at the
   * stage's state after the call cannot tell this, because another thread may complete it in
   * between; linearizability tests judge the call by its state at its linearization point (under
   * the channel's lock), which is what this reports.
   *
   * @param stage a stage returned by this class's {@code send} or {@code receive}
   * @return true if the operation was queued
   */
  public static boolean wasQueued(CompletionStage<?> stage) {
    return stage instanceof Waiter;
  }

  @Override
  public boolean close() {
    return closeWith(null);
  }

  @Override
  public boolean close(Throwable cause) {
    Objects.requireNonNull(cause, "cause");
    return closeWith(cause);
  }

  private boolean closeWith(@Nullable Throwable cause) {
    @Nullable ReceiveWaiter failing;
    @Nullable SendWaiter accepted;
    synchronized (lock) {
      if (closed) {
        return false;
      }
      closeCause = cause; // before the volatile store: see the field
      closed = true;
      failing = receivers.detachAll();
      accepted = senders.detachAll();
      for (SendWaiter s = accepted; s != null; s = WaitQueue.nextInChain(s)) {
        append(s.takeMessage());
      }
    }
    // Outside the lock, oldest first. The detached chains belong to this thread now.
    for (ReceiveWaiter r = failing; r != null; ) {
      @Nullable ReceiveWaiter n = WaitQueue.takeNext(r);
      r.fail(closedForReceive());
      r = n;
    }
    for (SendWaiter s = accepted; s != null; ) {
      @Nullable SendWaiter n = WaitQueue.takeNext(s);
      s.completeAdmitted();
      s = n;
    }
    return true;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public int size() {
    synchronized (lock) {
      return count;
    }
  }

  @Override
  public int capacity() {
    return capacity;
  }

  /**
   * The kind, the buffered count, the waiters (if any) and whether it is closed, for logs and
   * debuggers: for example {@code Channel[bounded 16, buffered=3, open]}, {@code
   * Channel[rendezvous, buffered=0, receivers waiting=2, open]} or {@code Channel[unbounded,
   * buffered=0, closed]}. A waiting select counts once in each of its channels.
   */
  // Object.toString is lock-free to the Lock Checker; this takes the channel's own lock for the
  // counts, as size() does, and calls nothing else under it.
  @Override
  @SuppressWarnings("lock")
  public String toString(@GuardSatisfied ArrayChannel<T> this) {
    int n;
    int r;
    int w;
    synchronized (lock) {
      n = count;
      r = receivers.size();
      w = senders.size();
    }
    String kind =
        capacity == Integer.MAX_VALUE ? "unbounded"
            : capacity == 0 ? "rendezvous"
            : "bounded " + capacity;
    return "Channel[" + kind
        + ", buffered=" + n
        + (r > 0 ? ", receivers waiting=" + r : "")
        + (w > 0 ? ", senders waiting=" + w : "")
        + ", " + (closed ? "closed" : "open") + "]";
  }

  // ---------------------------------------------------------------- ring (lock held)

  /** Appends at the tail, growing the ring if it is full. Lock held. */
  private void append(Object message) {
    @Nullable Object[] r = ring;
    if (count == r.length) {
      r = grow();
    }
    int tail = head + count;
    if (tail >= r.length) {
      tail -= r.length;
    }
    r[tail] = message;
    count++;
  }

  /** Removes and returns the head. Lock held, {@code count > 0}. */
  private T take() {
    @Nullable Object[] r = ring;
    int h = head;
    @SuppressWarnings("unchecked") // only T values are appended
    @Nullable T message = (@Nullable T) r[h];
    if (message == null) {
      throw new IllegalStateException("ring slot inside [head, head + count) was empty");
    }
    r[h] = null;
    head = (h + 1 == r.length) ? 0 : h + 1;
    count--;
    return message;
  }

  /**
   * After a take made room: claims the oldest waiting sender and appends its message, keeping
   * invariant 2 and FIFO order. Lock held.
   *
   * @return the sender to complete after the lock is released, or null
   */
  private @Nullable SendWaiter admitWaitingSender() {
    SendWaiter s = senders.poll();
    if (s != null) {
      append(s.takeMessage());
    }
    return s;
  }

  /** Doubles the ring (up to capacity while open; beyond it only at close). Lock held. */
  private @Nullable Object[] grow() {
    @Nullable Object[] old = ring;
    int oldLength = old.length;
    if (oldLength >= MAX_RING_LENGTH) {
      throw new OutOfMemoryError("channel ring cannot grow beyond " + oldLength + " messages");
    }
    long doubled = oldLength == 0 ? GROWABLE_INITIAL_LENGTH : 2L * oldLength; // 0: rendezvous
    long limit = count < capacity ? capacity : MAX_RING_LENGTH;
    int newLength = (int) Math.min(Math.min(doubled, limit), MAX_RING_LENGTH);
    @Nullable Object[] grown = new Object[newLength];
    int firstPart = Math.min(count, oldLength - head);
    System.arraycopy(old, head, grown, 0, firstPart);
    System.arraycopy(old, 0, grown, firstPart, count - firstPart);
    ring = grown;
    head = 0;
    return grown;
  }

  ChannelClosedException closedForSend() {
    return closed("send on a closed channel");
  }

  ChannelClosedException closedForReceive() {
    return closed("receive on a closed and drained channel");
  }

  /** Called only after a read of {@code closed} saw true: see {@code closeCause}. */
  private ChannelClosedException closed(String what) {
    Throwable cause = closeCause;
    return cause == null
        ? new ChannelClosedException(what)
        : new ChannelClosedException(what, cause);
  }

  // ---------------------------------------------------------------- select (lock held)
  // SelectFuture takes the locks of all its channels (in selectOrder), tries its clauses in
  // order with the methods below, and if none can happen registers a waiter in each channel, all
  // before releasing any lock. See SelectFuture for the protocol.

  /** Hands out lock orders: unique and increasing, so that selects lock channels in one order. */
  private static final AtomicLong SELECT_ORDERS = new AtomicLong();

  /**
   * This channel's place in the global order of select locking, 0 until its first select (most
   * channels never take part in one). Volatile: assigned once, under the lock, by the first
   * select; later readers that see it non-zero need nothing else from that write.
   */
  private volatile long selectOrder;

  /** This channel's place in the order in which a select takes locks. Never under any lock. */
  long selectOrder() {
    long o = selectOrder;
    if (o == 0) {
      synchronized (lock) {
        o = selectOrder;
        if (o == 0) {
          o = SELECT_ORDERS.incrementAndGet();
          selectOrder = o;
        }
      }
    }
    return o;
  }

  /** The monitor a select holds while it decides. */
  Object selectLock() {
    return lock;
  }

  /**
   * A receive that does not wait, for a select. Lock held. Takes the ring's head (admitting the
   * oldest waiting sender into the ring) or, on an empty ring, a waiting sender's message
   * (rendezvous); the admitted sender goes to {@code select.admitted}, to be completed after the
   * locks are released.
   *
   * @return the message, or null if a receive would wait or the channel is closed and drained
   */
  @Nullable T takeNowLocked(SelectFuture<?> select) {
    if (count > 0) {
      T m = take();
      select.admitted = admitWaitingSender();
      return m;
    }
    SendWaiter s = senders.poll();
    if (s == null) {
      return null;
    }
    select.admitted = s;
    return s.takeMessage();
  }

  /**
   * A send that does not wait, for a select, on an open channel. Lock held. Claims the oldest
   * waiting receiver (returned, for the select to deliver to after the locks are released) or
   * appends to the ring if it has room.
   *
   * @param message the message
   * @return the claimed receiver, {@code this} if the message was appended, or null if a send
   *     would wait
   */
  @Nullable Object offerNowLocked(@NonNull T message) {
    ReceiveWaiter r = receivers.poll();
    if (r != null) {
      return r;
    }
    if (count < capacity) {
      append(message);
      return this;
    }
    return null;
  }

  /** Registers a select's receive clause. Lock held, channel open, a receive would wait. */
  Waiter<T> addSelectReceiverLocked(SelectFuture<?> select, int clause) {
    ReceiveWaiter w = new SelectReceiver(select, clause);
    receivers.add(w);
    return w;
  }

  /** Registers a select's send clause. Lock held, channel open, a send would wait. */
  Waiter<Void> addSelectSenderLocked(SelectFuture<?> select, int clause, @NonNull T message) {
    SendWaiter w = new SelectSender(select, clause, message);
    senders.add(w);
    return w;
  }

  // ---------------------------------------------------------------- waiters

  /** A receive waiting for a message: completed by the sender that hands one over. */
  class ReceiveWaiter extends Waiter<T> {
    @Override
    final boolean withdraw() {
      synchronized (lock) {
        return receivers.remove(this);
      }
    }
  }

  /** A send waiting for room: holds its message until a receiver or close admits it. */
  class SendWaiter extends Waiter<Void> {
    /** Set at creation, cleared when admitted or withdrawn. Guarded by lock. */
    private @Nullable T message;

    SendWaiter(@NonNull T message) {
      this.message = message;
    }

    /** Claims the message for the ring. Lock held, waiter just claimed. */
    @NonNull T takeMessage() {
      @Nullable T m = message;
      if (m == null) {
        throw new IllegalStateException("a send waiter's message is taken once");
      }
      message = null;
      return m;
    }

    /** Completes an admitted send; its message is in the ring already. Never under the lock. */
    @SuppressWarnings("nullness") // a CompletionStage<Void> completes with null, its only value
    void completeAdmitted() {
      deliver(null);
    }

    @Override
    final boolean withdraw() {
      synchronized (lock) {
        if (senders.remove(this)) {
          message = null;
          return true;
        }
        return false;
      }
    }
  }

  /**
   * A select's receive clause in this channel's queue: a claim must win the select, and the
   * message goes to the select (which maps it and withdraws its other clauses), not to a future.
   */
  private final class SelectReceiver extends ReceiveWaiter {
    private final SelectFuture<?> select;
    private final int clause;

    SelectReceiver(SelectFuture<?> select, int clause) {
      this.select = select;
      this.clause = clause;
    }

    @Override
    boolean claim() {
      return select.tryWin(clause);
    }

    @Override
    boolean deliver(T message) {
      select.wonReceive(clause, message);
      return true; // a won select cannot have been completed behind the channel's back
    }

    @Override
    void fail(Throwable failure) {
      select.wonFailure(clause, failure);
    }
  }

  /** A select's send clause in this channel's queue: a claim must win the select. */
  private final class SelectSender extends SendWaiter {
    private final SelectFuture<?> select;
    private final int clause;

    SelectSender(SelectFuture<?> select, int clause, @NonNull T message) {
      super(message);
      this.select = select;
      this.clause = clause;
    }

    @Override
    boolean claim() {
      return select.tryWin(clause);
    }

    @Override
    boolean deliver(Void unused) {
      select.wonSend(clause);
      return true;
    }

    @Override
    void fail(Throwable failure) {
      select.wonFailure(clause, failure);
    }
  }

  /**
   * The shared stage of sends accepted at once. Completed at construction; {@code obtrude*}, the
   * only way to change a completed future, is refused so that no caller can alter it for others.
   */
  private static final class CompletedSend extends WaitingFuture<Void> {
    @SuppressWarnings("nullness") // a CompletionStage<Void> completes with null, its only value
    CompletedSend() {
      super.complete(null);
    }

    @Override
    public void obtrudeValue(Void value) {
      throw new UnsupportedOperationException("the shared stage of a completed send is immutable");
    }

    @Override
    public void obtrudeException(Throwable ex) {
      throw new UnsupportedOperationException("the shared stage of a completed send is immutable");
    }
  }
}
