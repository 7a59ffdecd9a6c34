package io.smolscale;

import io.smolscale.spi.SmolscaleProvider;
import java.util.concurrent.CompletionStage;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * An asynchronous multi-producer, multi-consumer channel: the message-passing primitive that
 * smolscale's scheduler is built for.
 *
 * <p>{@link #send} and {@link #receive} never block a thread: they return stages. A bounded
 * channel applies back-pressure (a send completes only once its message is in the buffer or has
 * been handed to a receiver); an unbounded channel accepts every send at once.
 *
 * <p>Hand-off: a receiver that is waiting is completed by the sender directly, on the sender's
 * thread. Its non-async continuations therefore run on the sender's thread, and its {@code *Async}
 * continuations go to the executor they name; on a smolscale worker, a task spawned or woken there
 * lands on that worker's local queue. The channel itself never dispatches anywhere, so it works
 * with any {@link java.util.concurrent.Executor}.
 *
 * <p>Order: messages are received in the order their sends were accepted. Waiting receivers are
 * served first-in first-out, and so are waiting senders.
 *
 * <p>Closing: after {@link #close()} sends fail with {@link ChannelClosedException}; messages
 * already accepted (in the buffer or held by waiting senders) are still delivered; once they are
 * drained, receives complete exceptionally with {@link ChannelClosedException}. Nothing accepted is
 * lost.
 *
 * <p>Cancellation: cancelling the {@link java.util.concurrent.CompletableFuture} of a pending
 * receive or send removes the waiter. A value is never delivered to a cancelled receiver, and the
 * message of a cancelled send is not delivered (the send did not happen).
 *
 * <p>Memory effects: actions before a send happen-before the receive that returns its message.
 *
 * @param <T> the message type; null messages are refused
 */
public interface Channel<T> {

  /**
   * Creates a bounded channel.
   *
   * @param capacity the buffer size, at least 0; 0 makes a {@linkplain #rendezvous() rendezvous}
   *     channel
   * @param <T> the message type
   * @return the channel
   * @throws IllegalArgumentException if {@code capacity < 0}
   */
  static <T> Channel<T> bounded(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("channel capacity must be at least 0, was " + capacity);
    }
    return SmolscaleProvider.get().newChannel(capacity);
  }

  /**
   * Creates a rendezvous channel: no buffer, so a send completes only when a receiver takes its
   * message (Go's unbuffered channel, Kotlin's {@code Channel(RENDEZVOUS)}, {@code
   * SynchronousQueue}). {@link #trySend} succeeds only if a receiver is waiting, {@link
   * #tryReceive} only if a sender is; {@link #size()} is always 0 while open. Closing it accepts
   * the messages of the senders waiting at that time, as for any channel: they are still received.
   *
   * @param <T> the message type
   * @return the channel, of {@linkplain #capacity() capacity} 0
   */
  static <T> Channel<T> rendezvous() {
    return SmolscaleProvider.get().newChannel(0);
  }

  /**
   * Creates an unbounded channel: sends always complete at once (until it is closed).
   *
   * @param <T> the message type
   * @return the channel
   */
  static <T> Channel<T> unbounded() {
    return SmolscaleProvider.get().newChannel(Integer.MAX_VALUE);
  }

  /**
   * Sends a message, waiting (asynchronously) for room.
   *
   * @param message the message
   * @return a stage that completes when the message was accepted (into the buffer, by a receiver,
   *     or by {@link #close()} for a send still waiting at that time), or exceptionally with {@link
   *     ChannelClosedException} if the channel was closed before the send
   * @throws NullPointerException if {@code message} is null
   */
  CompletionStage<Void> send(T message);

  /**
   * Sends a message only if it can be accepted at once.
   *
   * @param message the message
   * @return true if accepted; false if the buffer is full and no receiver waits
   * @throws NullPointerException if {@code message} is null
   * @throws ChannelClosedException if the channel is closed
   */
  boolean trySend(T message);

  /**
   * Receives a message, waiting (asynchronously) for one.
   *
   * @return a stage that completes with the next message, or exceptionally with {@link
   *     ChannelClosedException} once the channel is closed and drained
   */
  CompletionStage<T> receive();

  /**
   * Receives a message, waiting (asynchronously) at most {@code timeout} for one. On time-out the
   * stage fails with {@link java.util.concurrent.TimeoutException} and the receive is withdrawn:
   * it takes no message (a message that arrives later stays for the next receiver). The time-out
   * completes the stage from a task on the global scheduler, never on a timer thread, so its
   * dependents run there.
   *
   * <p>A {@code default} method only so that the API stays compatible for other implementations
   * of this interface, which throw {@link UnsupportedOperationException}; smolscale's channels
   * implement it.
   *
   * @param timeout how long to wait; zero or negative: only a message available now
   * @return a stage that completes with the next message, or exceptionally with {@link
   *     ChannelClosedException} once the channel is closed and drained, or with {@code
   *     TimeoutException} if no message came in time
   * @throws NullPointerException if {@code timeout} is null
   */
  default CompletionStage<T> receive(java.time.Duration timeout) {
    java.util.Objects.requireNonNull(timeout, "timeout");
    throw new UnsupportedOperationException(getClass().getName() + " has no receive(Duration)");
  }

  /**
   * Receives a message only if one is available at once.
   *
   * @return the message, or null if none is available
   * @throws ChannelClosedException if the channel is closed and drained
   */
  @Nullable T tryReceive();

  /**
   * Runs {@code action} on every message, in order, until the channel is closed and drained: the
   * receive loop, without the stack growth of a recursive {@code receive().thenCompose(loop)}
   * (which overflows within a few thousand buffered messages). Messages available at once are
   * taken in a plain loop; when none is, the loop waits with a {@link #receive()} and resumes as a
   * task on the global scheduler. After 64 messages in a row it re-queues itself, so a busy
   * consumer shares its worker. One call of the action at a time, each happening-before the next:
   * the action needs no synchronisation of its own.
   *
   * <p>The stage completes normally once the channel is closed ({@link #close()}) and drained;
   * exceptionally with the {@link ChannelClosedException} if it was closed with a cause ({@link
   * #close(Throwable)}), or with what the action threw (the loop stops at that message; the
   * channel stays open, for the caller to close or to loop again). Cancelling the stage stops the
   * loop and withdraws its pending receive; a message the loop had already taken when the cancel
   * came is still given to the action, so no message is lost.
   *
   * @param action what to do with each message
   * @return the loop's stage, the caller's own to cancel
   * @throws NullPointerException if {@code action} is null
   */
  default java.util.concurrent.CompletableFuture<Void> forEach(
      java.util.function.Consumer<? super T> action) {
    return forEach(action, Smolscale.executor());
  }

  /**
   * {@link #forEach(java.util.function.Consumer)} with the loop's tasks on {@code executor}. The
   * executor should run each task later, on some thread: one that runs it inline ({@code
   * Runnable::run}) works, but its stack grows by a few frames per 64 messages. If the executor
   * rejects a run, the stage fails with its {@code RejectedExecutionException} (a
   * message already taken is given to the action on the rejecting thread first).
   *
   * @param action what to do with each message
   * @param executor where the loop runs
   * @return the loop's stage, the caller's own to cancel
   * @throws NullPointerException if an argument is null
   */
  default java.util.concurrent.CompletableFuture<Void> forEach(
      java.util.function.Consumer<? super T> action, java.util.concurrent.Executor executor) {
    java.util.Objects.requireNonNull(action, "action");
    java.util.Objects.requireNonNull(executor, "executor");
    return new ChannelLoop<T>(this, action, executor).start();
  }

  /**
   * Moves every message available now into {@code sink}, in order, without waiting ({@code
   * BlockingQueue.drainTo}'s contract). A closed and drained channel moves none (it does not
   * throw: test {@link #isClosed()} and {@link #size()} to tell the end).
   *
   * @param sink where to add them
   * @return how many were moved
   * @throws NullPointerException if {@code sink} is null
   */
  default int drainTo(java.util.Collection<? super T> sink) {
    return drainTo(sink, Integer.MAX_VALUE);
  }

  /**
   * Moves at most {@code max} messages available now into {@code sink}: see {@link
   * #drainTo(java.util.Collection)}. If {@code sink.add} throws, the message it was given is lost
   * to the channel (as with {@code BlockingQueue.drainTo}) and the exception propagates.
   *
   * @param sink where to add them
   * @param max the most to move; zero or less moves none
   * @return how many were moved
   * @throws NullPointerException if {@code sink} is null
   */
  default int drainTo(java.util.Collection<? super T> sink, int max) {
    java.util.Objects.requireNonNull(sink, "sink");
    int moved = 0;
    while (moved < max) {
      T m;
      try {
        m = tryReceive();
      } catch (ChannelClosedException e) {
        break;
      }
      if (m == null) {
        break;
      }
      sink.add(m);
      moved++;
    }
    return moved;
  }

  /**
   * A {@link java.util.concurrent.Flow.Publisher} view of this channel, for Reactive Streams
   * code: {@code asPublisher(Smolscale.executor())}, signals delivered on the global scheduler.
   *
   * @return the publisher, which any number of subscribers may subscribe to
   * @see #asPublisher(java.util.concurrent.Executor)
   */
  default java.util.concurrent.Flow.Publisher<T> asPublisher() {
    return asPublisher(Smolscale.executor());
  }

  /**
   * A {@link java.util.concurrent.Flow.Publisher} view of this channel whose signals are
   * delivered by tasks on {@code executor}. A method of the channel rather than a static helper,
   * as {@link #forEach} is: it reads as what it is, a view of this channel ({@code
   * ch.asPublisher().subscribe(s)}), and, built on {@link #tryReceive()}, {@link #receive()},
   * {@link #isClosed()} and {@link #size()} only, it works for any {@code Channel}.
   *
   * <p><b>Competing consumers.</b> Each subscription takes its messages from the channel, as a
   * {@link #receive()} does: two subscribers (or a subscriber and another receiver) split the
   * messages between them, each message going to one of them; nothing is broadcast, and nothing
   * is replayed to a late subscriber.
   *
   * <p><b>Demand.</b> A subscription takes a message only while its subscriber has requested
   * more than it was given, and never more than requested: messages it is not asked for stay in
   * the channel for other receivers, and a bounded channel's back-pressure reaches the senders.
   * While messages are available it takes them with {@code tryReceive()}; when none is and demand
   * is outstanding, it waits with one {@code receive()}. Messages arrive in channel order.
   * {@code request(n)} with {@code n <= 0} fails the subscription with an {@code
   * IllegalArgumentException} (rule 3.9); demand adds up to {@code Long.MAX_VALUE}, which counts
   * as unbounded.
   *
   * <p><b>End.</b> Once the channel is closed with {@link #close()} and drained, the subscriber
   * gets {@code onComplete()}; closed with {@link #close(Throwable)}, {@code onError(cause)}, the
   * cause itself (not the {@link ChannelClosedException} that {@link #forEach} fails with: a
   * subscriber wants the producer's failure). The end needs no demand: it is signalled when the
   * subscription next looks at the channel, at once if it is waiting in a receive (a closed and
   * drained channel is also signalled right after {@code onSubscribe} and after the last message
   * requested), otherwise at the subscriber's next {@code request}.
   *
   * <p><b>Cancel.</b> {@code cancel()} stops the taking and withdraws the pending receive, so a
   * message sent later stays in the channel for another receiver. A message that receive had
   * already taken when the cancel came (the two race) is still delivered with {@code onNext}: it
   * was requested, and rule 1.8 allows signals already under way, so no message is lost. Then the
   * subscription signals nothing more and drops its subscriber (rule 3.13).
   *
   * <p><b>Threads.</b> Signals are delivered by tasks on {@code executor}, never on the thread
   * that calls {@code request} or {@code cancel}, one at a time, each happening-before the next
   * (rule 1.3), so the subscriber needs no synchronisation of its own. A {@code request} from
   * within {@code onNext} only records the demand: the running task goes on delivering, without
   * growing the stack (rule 3.3). After 64 messages in a row the
   * task re-queues itself, so a busy subscriber shares its worker. If the executor rejects a task,
   * the subscriber gets {@code onError} with the {@link
   * java.util.concurrent.RejectedExecutionException}, delivered on the rejecting thread. A
   * subscriber method that throws (rule 2.13 forbids it) cancels its subscription, and the
   * exception goes to the uncaught-exception handler of the thread that called it.
   *
   * <p>Memory effects: actions before a send happen-before the {@code onNext} that delivers its
   * message.
   *
   * @param executor where the signals are delivered
   * @return the publisher, which any number of subscribers may subscribe to; a null subscriber
   *     makes {@code subscribe} throw {@code NullPointerException} (rule 1.9)
   * @throws NullPointerException if {@code executor} is null
   */
  default java.util.concurrent.Flow.Publisher<T> asPublisher(
      java.util.concurrent.Executor executor) {
    java.util.Objects.requireNonNull(executor, "executor");
    return new ChannelPublisher<T>(this, executor);
  }

  /**
   * Closes the channel. Idempotent.
   *
   * @return true if this call closed it
   */
  boolean close();

  /**
   * Closes the channel with a cause: as {@link #close()} (buffered messages are still received),
   * but every {@link ChannelClosedException} the channel throws or fails a stage with from then on
   * carries {@code cause} as its {@linkplain Throwable#getCause() cause}: the way a producer that
   * failed tells its consumers why the stream ended (Kotlin's {@code close(cause)}, which throws
   * the cause itself; here the exception type stays the one to catch). Idempotent: a channel
   * already closed keeps its first cause (or none).
   *
   * <p>A {@code default} method only so that the API stays compatible for other implementations
   * of this interface, which throw {@link UnsupportedOperationException}; smolscale's channels
   * implement it.
   *
   * @param cause why the channel was closed
   * @return true if this call closed it
   * @throws NullPointerException if {@code cause} is null
   */
  default boolean close(Throwable cause) {
    java.util.Objects.requireNonNull(cause, "cause");
    throw new UnsupportedOperationException(getClass().getName() + " has no close(Throwable)");
  }

  /**
   * Tells whether the channel was closed.
   *
   * @return true once {@link #close()} was called
   */
  boolean isClosed();

  /**
   * The number of messages accepted and not yet received (a snapshot).
   *
   * @return the number of buffered messages
   */
  int size();

  /**
   * The channel's capacity.
   *
   * @return the capacity, or {@link Integer#MAX_VALUE} if unbounded
   */
  int capacity();
}
