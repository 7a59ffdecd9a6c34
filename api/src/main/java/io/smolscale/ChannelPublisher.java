package io.smolscale;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@link Channel#asPublisher}: a {@link Flow.Publisher} whose every subscription is a competing
 * consumer of the channel. Each {@link #subscribe} makes a {@link Sub}, which takes a message
 * from the channel only when its subscriber has demand outstanding: a {@code tryReceive()} in a
 * plain loop while messages are there, and one pending {@code receive()} when none is (the
 * scheme of {@link ChannelLoop}, with demand added). The Reactive Streams rules cited are those
 * of the specification, version 1.0.4.
 *
 * @param <T> the message type
 */
final class ChannelPublisher<T> implements Flow.Publisher<T> {
  /** Messages delivered in one run before the subscription yields its thread (ChannelLoop's). */
  static final int BUDGET = ChannelLoop.BUDGET;

  private final Channel<T> channel;
  private final Executor executor;

  ChannelPublisher(Channel<T> channel, Executor executor) {
    this.channel = channel;
    this.executor = executor;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
    new Sub<T>(channel, subscriber, executor).start();
  }

  /**
   * One subscription: a drain loop serialised by a work-in-progress counter.
   *
   * <p>State. {@code wip} counts the signals (request, cancel, a receive completing) not yet
   * looked at; whoever raises it from 0 owns the drain and queues a run of it on the executor, and
   * the run loops until it has brought it back to 0. So exactly one run is active or queued at a
   * time, and the subscriber's methods are called only from it: one at a time, each
   * happening-before the next (rule 1.3). A request made from within {@code onNext} only raises
   * {@code wip}: the active run sees it and goes on looping, so the stack does not grow (rule
   * 3.3), and nothing runs on the requesting thread. {@code demand} is what the subscriber asked
   * for and was not yet given (saturating at {@code Long.MAX_VALUE}, "unbounded", rule 3.17);
   * only a run decrements it, after which it delivers one message. {@code pending} is the receive
   * in flight (at most one, and none while a message or the end it brought is still to be
   * signalled); {@code taken} the message it brought, {@code end} the failure it (or the executor)
   * brought.
   *
   * <p>Happens-before edges relied on.
   *
   * <ul>
   *   <li>Run to run: a run ends with a volatile read-modify-write of {@code wip} to 0; the
   *       signal that next raises it from 0 is a later read-modify-write of the same variable (so
   *       it synchronises with the first), and queues the next run, which the executor's hand-off
   *       orders after the submission ({@link Executor}'s memory consistency effects). A run
   *       re-queued by the budget is ordered by the hand-off alone. So the fields only runs touch
   *       ({@code subscriber}, {@code subscribed}) are plain.
   *   <li>Signal to run: a requester (or a receive's completion) writes {@code demand} ({@code
   *       taken}, {@code end}, {@code pending}) and then raises {@code wip}; either that raise
   *       queues a run (hand-off edge) or the active run's next decrement of {@code wip} reads it
   *       and loops once more, after that edge.
   *   <li>Cancel against a new receive: {@code cancel} writes {@code cancelled} and then reads
   *       {@code pending}; a run writes {@code pending} and then reads {@code cancelled}. Both
   *       volatile, so at least one of them sees the other's write and withdraws the receive
   *       (ChannelLoop's argument).
   *   <li>A receive's completion writes {@code taken} (or {@code end}) before it clears {@code
   *       pending}; a run reads {@code pending} before {@code taken}, so a run that sees no receive
   *       in flight sees what it brought.
   *   <li>Send to {@code onNext}: the channel's own edge (a send happens-before the receive that
   *       returns its message), then the ones above.
   * </ul>
   *
   * @param <T> the message type
   */
  static final class Sub<T> implements Flow.Subscription, Runnable {
    private final Channel<T> channel;
    private final Executor executor;

    /** Plain: touched by runs only. Cleared at the end, so the subscription drops it (rule 3.13). */
    private Flow.@Nullable Subscriber<? super T> subscriber;

    /** Plain: touched by runs only. Whether {@code onSubscribe} was called. */
    private boolean subscribed;

    private volatile int wip;
    private volatile long demand;
    private volatile boolean cancelled;
    private volatile @Nullable IllegalArgumentException badRequest;
    private volatile @Nullable CompletableFuture<T> pending;
    private volatile @Nullable T taken;
    private volatile @Nullable Throwable end;

    private static final VarHandle WIP;
    private static final VarHandle DEMAND;

    static {
      try {
        MethodHandles.Lookup l = MethodHandles.lookup();
        WIP = l.findVarHandle(Sub.class, "wip", int.class);
        DEMAND = l.findVarHandle(Sub.class, "demand", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    Sub(Channel<T> channel, Flow.Subscriber<? super T> subscriber, Executor executor) {
      this.channel = channel;
      this.subscriber = subscriber;
      this.executor = executor;
    }

    /** Queues the first run, which calls {@code onSubscribe}: the constructor left wip at 0. */
    void start() {
      signal();
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        if (badRequest == null) {
          badRequest = new IllegalArgumentException(
              "request(n) needs n > 0 (Reactive Streams rule 3.9), was " + n);
        }
      } else {
        for (long d = demand; d != Long.MAX_VALUE; d = demand) {
          long next = d + n;
          if (DEMAND.compareAndSet(this, d, next < 0 ? Long.MAX_VALUE : next)) {
            break;
          }
        }
      }
      signal();
    }

    @Override
    public void cancel() {
      if (cancelled) {
        return; // rule 3.7: idempotent
      }
      cancelled = true;
      CompletableFuture<T> p = pending;
      if (p != null) {
        p.cancel(false); // withdrawn: it takes no message, unless it already had one (run())
      }
      signal(); // a run drops the subscriber (rule 3.13)
    }

    /** Records something for the drain to look at, and starts a run if none is active. */
    private void signal() {
      if ((int) WIP.getAndAdd(this, 1) != 0) {
        return; // the active run will loop once more
      }
      try {
        executor.execute(this);
      } catch (RejectedExecutionException e) {
        // No run can be queued: this thread owns the drain now (wip was 0, so no run is active
        // and none can start), and runs it here to signal the failure.
        if (end == null) {
          end = e;
        }
        run();
      }
    }

    @Override
    public void run() {
      int missed = 1;
      while (true) {
        if (!drain()) {
          return; // re-queued by the budget: the next run owns wip as it is
        }
        missed = (int) WIP.getAndAdd(this, -missed) - missed;
        if (missed == 0) {
          return;
        }
      }
    }

    /**
     * Signals what there is to signal, taking messages while there is demand.
     *
     * @return false if the drain re-queued itself (budget) and so still owns {@code wip}
     */
    private boolean drain() {
      Flow.@Nullable Subscriber<? super T> s = subscriber;
      if (s == null) {
        return true; // ended: every later signal is a no-op (rules 1.7, 3.6)
      }
      if (!subscribed) {
        subscribed = true;
        try {
          s.onSubscribe(this);
        } catch (Throwable e) {
          subscriberFailed(e);
          return true;
        }
      }
      for (int delivered = 0; ; ) {
        // Read pending before taken: a receive's completion writes them the other way round.
        CompletableFuture<T> p = pending;
        @Nullable T m = taken;
        boolean stopping =
            cancelled || badRequest != null || end instanceof RejectedExecutionException;
        if (m != null && demand > 0) {
          // Brought by the pending receive, which was issued with demand outstanding, so it is
          // covered (rule 1.1; no delivery happens while a receive is in flight), and owed to the
          // subscriber even if it cancelled meanwhile: rule 1.8 allows signals already under way,
          // and nothing taken from the channel is dropped.
          taken = null;
          if (!deliver(s, m)) {
            return true;
          }
          delivered++;
          continue;
        }
        if (stopping) {
          if (p != null) {
            p.cancel(false);
            return true; // its completion signals again; it may still bring a message
          }
          subscriber = null;
          if (cancelled) {
            return true; // rule 3.13: nothing more, and no reference kept
          }
          IllegalArgumentException bad = badRequest;
          @Nullable Throwable failure = bad != null ? bad : end;
          if (failure != null) {
            try {
              s.onError(failure); // rule 3.9, or the executor's refusal
            } catch (Throwable t) {
              uncaught(t);
            }
          }
          return true;
        }
        Throwable e = end;
        if (e != null) {
          terminate(s, e);
          return true;
        }
        if (p != null) {
          return true; // waiting: the receive's completion signals
        }
        long d = demand;
        if (d == 0) {
          endIfDrained(s);
          return true;
        }
        if (delivered >= BUDGET) {
          try {
            executor.execute(this);
            return false;
          } catch (RejectedExecutionException ree) {
            end = ree;
            continue;
          }
        }
        @Nullable T next;
        try {
          next = channel.tryReceive();
        } catch (ChannelClosedException closed) {
          terminate(s, closed);
          return true;
        } catch (Throwable t) {
          terminate(s, t);
          return true;
        }
        if (next == null) {
          awaitNext();
          continue; // a receive that completes at once has already recorded what it brought
        }
        if (!deliver(s, next)) {
          return true;
        }
        delivered++;
      }
    }

    /** Nothing now, demand outstanding: one receive, whose completion signals the drain. */
    private void awaitNext() {
      CompletableFuture<T> next;
      try {
        next = channel.receive().toCompletableFuture();
      } catch (Throwable e) {
        end = e;
        return;
      }
      pending = next;
      if (cancelled) {
        next.cancel(false); // cancelled between the check and the receive: withdraw it
      }
      next.whenComplete(
          (message, error) -> {
            if (error == null) {
              taken = message;
            } else {
              Throwable cause = error instanceof CompletionException && error.getCause() != null
                  ? error.getCause() : error;
              if (!(cause instanceof CancellationException) && end == null) {
                end = cause; // a ChannelClosedException: the end of the stream
              }
            }
            pending = null; // after taken and end: see the class comment
            signal();
          });
    }

    /** Zero demand: signal the end anyway if it has come (rule 1.4), without taking a message. */
    private void endIfDrained(Flow.Subscriber<? super T> s) {
      if (taken != null || !channel.isClosed() || channel.size() != 0) {
        return; // seen at the next request
      }
      @Nullable T m;
      try {
        m = channel.tryReceive(); // closed and empty: throws, with the close's cause
      } catch (ChannelClosedException closed) {
        terminate(s, closed);
        return;
      } catch (Throwable t) {
        terminate(s, t);
        return;
      }
      if (m != null) {
        // Only from a channel whose size() said 0 while it held a message (not smolscale's):
        // kept for the next request (or dropped by a cancel that comes first).
        taken = m;
      }
    }

    /** The channel ended (or failed): the last signal. */
    private void terminate(Flow.Subscriber<? super T> s, Throwable e) {
      subscriber = null;
      try {
        if (e instanceof ChannelClosedException) {
          Throwable cause = e.getCause();
          if (cause == null) {
            s.onComplete(); // close(): closed and drained
          } else {
            s.onError(cause); // close(cause): the producer's failure, as Kotlin's flows do
          }
        } else {
          s.onError(e);
        }
      } catch (Throwable t) {
        uncaught(t);
      }
    }

    private boolean deliver(Flow.Subscriber<? super T> s, T message) {
      if (demand != Long.MAX_VALUE) {
        DEMAND.getAndAdd(this, -1L);
      }
      try {
        s.onNext(message);
        return true;
      } catch (Throwable e) {
        subscriberFailed(e);
        return false;
      }
    }

    /**
     * A subscriber method threw (rule 2.13 forbids it): the subscription is cancelled, as {@code
     * SubmissionPublisher} does, and the exception goes to the thread's uncaught-exception
     * handler, since there is nobody else to tell.
     */
    private void subscriberFailed(Throwable e) {
      cancelled = true;
      subscriber = null;
      CompletableFuture<T> p = pending;
      if (p != null) {
        p.cancel(false);
      }
      uncaught(e);
    }

    private static void uncaught(Throwable e) {
      Thread t = Thread.currentThread();
      Thread.UncaughtExceptionHandler h = t.getUncaughtExceptionHandler();
      if (h != null) { // null only once the thread has terminated
        h.uncaughtException(t, e);
      }
    }
  }
}
