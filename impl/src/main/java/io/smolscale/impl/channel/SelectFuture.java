package io.smolscale.impl.channel;

import io.smolscale.Select;
import io.smolscale.Smolscale;
import io.smolscale.impl.util.Durations;
import io.smolscale.impl.util.SharedTimer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.checkerframework.checker.lock.qual.GuardSatisfied;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A running select ({@link Select#first}) and its result stage: Go's {@code selectgo} ({@code
 * runtime/select.go}) over {@link ArrayChannel}s, with the select's state as one word that a
 * compare-and-set decides.
 *
 * <h2>Protocol</h2>
 *
 * <p><b>State.</b> {@code winner}: {@link #OPEN} until exactly one party decides the select by a
 * compare-and-set ({@link #tryWin}): a channel claiming one of its clause waiters (the index of
 * that clause), the time-out (its index), or the owner completing or cancelling the stage ({@link
 * #OWNER}). Whoever wins then completes the stage; every other party's CAS fails and changes
 * nothing.
 *
 * <p><b>Start</b> (on the caller's thread, before the stage is returned). 1. Take the locks of
 * all the clauses' channels, each once, in the order of {@link ArrayChannel#selectOrder} (one
 * global order, so two selects over the same channels cannot deadlock; a plain channel operation
 * takes one lock and never waits for another while holding it). 2. Holding them all, try the
 * clauses in argument order with the channels' lock-held operations; the first that can happen
 * takes effect, and the select is decided ({@code winner} set directly: nobody else can know of
 * this select yet). 3. Else, if there is an {@code otherwise} clause (or a time-out of zero), it
 * is chosen. 4. Else register one waiter per channel clause in its channel's queue, still holding
 * every lock. Only then are the locks released. Steps 2 and 4 under one set of locks is what makes
 * the select atomic: no send or receive can slip between "nothing is ready" and "waiting
 * everywhere", so a select never waits while one of its clauses could happen.
 *
 * <p><b>Deciding a waiting select.</b> A channel that polls one of this select's waiters (a send
 * that finds a receive clause, a receive or close that finds a send clause) calls the waiter's
 * {@code claim}, which is {@link #tryWin} for that clause, <em>under that channel's lock</em>, so
 * the operation and the decision are one atomic step: if the CAS wins, the channel completes the
 * operation (takes the clause's message, or hands it its message); if it fails, the waiter is dead
 * and the channel drops it and goes on to the next (see {@link WaitQueue#poll}). A dead waiter
 * never takes effect, so exactly one clause happens and no message is lost or duplicated.
 *
 * <p><b>Cleanup.</b> The winner, after the claiming channel's lock is released, withdraws the
 * other clauses' waiters ({@code Waiter.withdraw}: each channel's lock in turn, never two at once),
 * runs the chosen clause's function and completes the stage. A channel that meets a waiter before
 * its withdrawal drops it, so the cleanup only bounds how long dead waiters occupy memory.
 *
 * <p><b>Happens-before edges.</b> (1) The waiters array and everything the start wrote are
 * published to the channels' claimers by the release of the locks held during registration (a
 * claimer takes one of them), and to an owner's cleanup by the volatile {@link #waiters} write.
 * (2) The message of a chosen receive comes with the sender's actions through the channel's lock,
 * as for a plain receive. (3) The fields {@link #admitted}, {@link #readyReceiver}, {@link
 * #readyValue} and {@link #readyFailure} are written and read only by the starting thread, plain.
 * (4) The stage's completion is the {@code CompletableFuture}'s own volatile publication.
 *
 * <p><b>Cost.</b> A select that can happen at once allocates the stage and one array of channels;
 * one that waits adds a waiter per channel clause (a {@code CompletableFuture} each, the channels'
 * node type) and the array of them, and its cleanup takes each other channel's lock once.
 *
 * @param <R> the result type
 */
final class SelectFuture<R> extends WaitingFuture<R> {

  /** {@link #winner} while no one decided the select. */
  private static final int OPEN = -1;

  /** {@link #winner} once the owner completed or cancelled the stage. */
  private static final int OWNER = -2;

  private static final VarHandle WINNER;

  static {
    try {
      WINNER =
          MethodHandles.lookup().findVarHandle(SelectFuture.class, "winner", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final SelectClause<?>[] clauses;

  /** {@link #OPEN}, {@link #OWNER} or the chosen clause's index; CAS through {@link #WINNER}. */
  @SuppressWarnings("unused") // accessed through WINNER
  private volatile int winner = OPEN;

  /** The registered waiters by clause index, or null before registration (see edge 1). */
  private volatile @Nullable Waiter<?> @Nullable [] waiters;

  /** True if the start registered waiters. Written and read by the starting thread. */
  private boolean waited;

  /** A sender a receive admitted at start, to complete after the locks. Starting thread only. */
  @Nullable Waiter<Void> admitted;

  /** A receiver a send claimed at start, to deliver to after the locks. Starting thread only. */
  private @Nullable Waiter<Object> readyReceiver;

  /** The message a receive took at start. Starting thread only. */
  private @Nullable Object readyValue;

  /** The failure of a clause chosen at start on a closed channel. Starting thread only. */
  private @Nullable Throwable readyFailure;

  private SelectFuture(SelectClause<?>[] clauses) {
    this.clauses = clauses;
  }

  /**
   * Checks the clauses and runs the start (see the class comment).
   *
   * @param list the clauses, non-empty, each non-null
   * @param <R> the result type
   * @return the stage
   */
  static <R> SelectFuture<R> start(List<? extends Select.Clause<? extends R>> list) {
    int n = list.size();
    if (n == 0) {
      throw new IllegalArgumentException("a select needs at least one clause");
    }
    SelectClause<?>[] clauses = new SelectClause<?>[n];
    int timeouts = 0;
    int otherwise = 0;
    for (int i = 0; i < n; i++) {
      Select.Clause<? extends R> c = list.get(i);
      if (!(c instanceof SelectClause)) {
        throw new IllegalArgumentException(
            "select clause " + i + " was not made by Select's factories: " + c);
      }
      clauses[i] = (SelectClause<?>) c;
      if (c instanceof SelectClause.Timeout) {
        timeouts++;
      } else if (c instanceof SelectClause.Otherwise) {
        otherwise++;
      }
    }
    if (timeouts > 1 || otherwise > 1 || timeouts + otherwise > 1) {
      throw new IllegalArgumentException(
          "a select takes at most one onTimeout or one otherwise clause, not " + timeouts
              + " time-outs and " + otherwise + " otherwise");
    }
    SelectFuture<R> f = new SelectFuture<>(clauses);
    f.run();
    return f;
  }

  /** True if the start found no clause ready and registered (see {@link Selects#wasQueued}). */
  boolean waited() {
    return waited;
  }

  private void run() {
    ArrayChannel<?>[] locks = distinctChannels();
    boolean decided = decideUnder(locks, 0);
    if (decided) {
      completeDecidedAtStart();
      return;
    }
    for (SelectClause<?> c : clauses) {
      if (c instanceof SelectClause.Timeout) {
        SelectClause.Timeout<?> t = (SelectClause.Timeout<?>) c;
        if (t.nanos < Durations.FOREVER) {
          int index = indexOf(c);
          // The timer thread only queues the decision on the global scheduler: the clause's
          // function never runs on the shared timer thread. The stage's completion removes the
          // entry, so a select decided otherwise leaves no timer behind.
          SharedTimer.INSTANCE.scheduleFor(
              this, () -> Smolscale.executor().execute(() -> timedOut(index)), t.nanos);
        }
      }
    }
  }

  /** The clauses' channels, each once, in lock order. */
  private ArrayChannel<?>[] distinctChannels() {
    List<ArrayChannel<?>> list = new ArrayList<>(clauses.length);
    for (SelectClause<?> c : clauses) {
      ArrayChannel<?> ch = c.channel();
      if (ch != null && !list.contains(ch)) {
        list.add(ch);
      }
    }
    if (list.size() > 1) {
      list.sort(Comparator.comparingLong(ArrayChannel::selectOrder));
    }
    return list.toArray(new ArrayChannel<?>[0]);
  }

  /**
   * Takes {@code locks[i..]} in order (one monitor per recursion level: {@code synchronized} has
   * no other way to hold a variable number of monitors), then decides or registers.
   *
   * @return true if a clause was chosen at start; false if the select registered and waits
   */
  // The Lock Checker cannot follow monitors taken through an array; the protocol is in the class
  // comment and each lock-held method of ArrayChannel says what it needs.
  @SuppressWarnings("lock")
  private boolean decideUnder(ArrayChannel<?>[] locks, int i) {
    if (i == locks.length) {
      return decideOrRegisterLocked();
    }
    synchronized (locks[i].selectLock()) {
      return decideUnder(locks, i + 1);
    }
  }

  /** Steps 2 to 4 of the start, every lock held. */
  @SuppressWarnings("unchecked") // each clause's channel carries the clause's message type
  private boolean decideOrRegisterLocked() {
    int fallback = -1;
    for (int i = 0; i < clauses.length; i++) {
      SelectClause<?> c = clauses[i];
      if (c instanceof SelectClause.Receive) {
        ArrayChannel<?> ch = ((SelectClause.Receive<?, ?>) c).channel;
        Object m = ch.takeNowLocked(this);
        if (m != null) {
          readyValue = m;
          return decideAtStart(i);
        }
        if (ch.isClosed()) {
          readyFailure = ch.closedForReceive();
          return decideAtStart(i);
        }
      } else if (c instanceof SelectClause.Send) {
        SelectClause.Send<Object, ?> s = (SelectClause.Send<Object, ?>) c;
        ArrayChannel<Object> ch = s.channel;
        if (ch.isClosed()) {
          readyFailure = ch.closedForSend();
          return decideAtStart(i);
        }
        Object r = ch.offerNowLocked(s.message);
        if (r != null) {
          readyReceiver = r instanceof Waiter ? (Waiter<Object>) r : null;
          return decideAtStart(i);
        }
      } else if (c instanceof SelectClause.Otherwise
          || ((SelectClause.Timeout<?>) c).nanos <= 0) {
        fallback = i;
      }
    }
    if (fallback >= 0) {
      return decideAtStart(fallback);
    }
    @Nullable Waiter<?>[] registered = new Waiter<?>[clauses.length];
    for (int i = 0; i < clauses.length; i++) {
      SelectClause<?> c = clauses[i];
      if (c instanceof SelectClause.Receive) {
        registered[i] = ((SelectClause.Receive<?, ?>) c).channel.addSelectReceiverLocked(this, i);
      } else if (c instanceof SelectClause.Send) {
        SelectClause.Send<Object, ?> s = (SelectClause.Send<Object, ?>) c;
        registered[i] = s.channel.addSelectSenderLocked(this, i, s.message);
      }
    }
    waited = true;
    waiters = registered; // edge 1: before any lock is released
    return false;
  }

  /** Records the choice made at start. Nobody else can know this select yet: no CAS needed. */
  private boolean decideAtStart(int clause) {
    WINNER.setVolatile(this, clause);
    return true;
  }

  /** Completes a select decided at start, after every lock is released. */
  @SuppressWarnings("unchecked")
  private void completeDecidedAtStart() {
    int i = (int) WINNER.getVolatile(this);
    Waiter<Void> a = admitted;
    if (a != null) {
      admitted = null;
      a.deliver(null); // the sender whose message the receive took or moved into the ring
    }
    Throwable failure = readyFailure;
    if (failure != null) {
      super.completeExceptionally(failure);
      return;
    }
    SelectClause<?> c = clauses[i];
    if (c instanceof SelectClause.Receive) {
      Object m = readyValue;
      readyValue = null;
      if (m == null) {
        throw new IllegalStateException("a receive chosen at start took no message");
      }
      finishReceive((SelectClause.Receive<Object, ?>) c, m);
    } else if (c instanceof SelectClause.Send) {
      SelectClause.Send<Object, ?> s = (SelectClause.Send<Object, ?>) c;
      Waiter<Object> r = readyReceiver;
      readyReceiver = null;
      if (r != null && !r.deliver(s.message)) {
        // That receiver's future was completed behind the channel's back (obtrude,
        // completeAsync): the send has still been chosen, so it goes through as a plain send,
        // and the select completes when that send does.
        s.channel.send(s.message).whenComplete((v, e) -> {
          if (e != null) {
            super.completeExceptionally(e);
          } else {
            finishWith(s.then);
          }
        });
        return;
      }
      finishWith(s.then);
    } else if (c instanceof SelectClause.Otherwise) {
      finishWith(((SelectClause.Otherwise<?>) c).then);
    } else {
      finishWith(((SelectClause.Timeout<?>) c).then);
    }
  }

  // ---------------------------------------------------------------- deciding a waiting select

  /**
   * The decision: true for exactly one caller. Called by a channel under its lock (a claim), by
   * the time-out, or by the owner.
   *
   * @param clause the clause index, or {@link #OWNER}
   * @return true if this call decided the select
   */
  boolean tryWin(int clause) {
    return WINNER.compareAndSet(this, OPEN, clause);
  }

  /** A channel gave the receive clause {@code clause} its message. Never under a lock. */
  @SuppressWarnings("unchecked") // the clause's channel carries its message type
  void wonReceive(int clause, @Nullable Object message) {
    if (message == null) {
      throw new IllegalStateException("a channel handed a select a null message");
    }
    withdrawOthers(clause);
    finishReceive((SelectClause.Receive<Object, ?>) clauses[clause], message);
  }

  /** A receiver or close took the send clause {@code clause}'s message. Never under a lock. */
  void wonSend(int clause) {
    withdrawOthers(clause);
    finishWith(((SelectClause.Send<?, ?>) clauses[clause]).then);
  }

  /** The clause's channel was closed: the select fails with it. Never under a lock. */
  void wonFailure(int clause, Throwable failure) {
    withdrawOthers(clause);
    super.completeExceptionally(failure);
  }

  /** The time-out fired, on a task of the global scheduler. */
  private void timedOut(int clause) {
    if (tryWin(clause)) {
      withdrawOthers(clause);
      finishWith(((SelectClause.Timeout<?>) clauses[clause]).then);
    }
  }

  /** The cleanup: withdraws every waiter but the chosen one's, one channel's lock at a time. */
  private void withdrawOthers(int chosen) {
    @Nullable Waiter<?>[] ws = waiters;
    if (ws == null) {
      return;
    }
    for (int i = 0; i < ws.length; i++) {
      Waiter<?> w = ws[i];
      if (w != null && i != chosen) {
        w.withdraw();
      }
    }
  }

  private void finishReceive(SelectClause.Receive<Object, ?> c, Object message) {
    R result;
    try {
      @SuppressWarnings("unchecked") // a clause of a Select over R maps to a subtype of R
      R r = (R) c.then.apply(message);
      result = r;
    } catch (Throwable t) {
      super.completeExceptionally(t);
      return;
    }
    super.complete(result);
  }

  private void finishWith(Supplier<?> then) {
    R result;
    try {
      @SuppressWarnings("unchecked") // a clause of a Select over R supplies a subtype of R
      R r = (R) then.get();
      result = r;
    } catch (Throwable t) {
      super.completeExceptionally(t);
      return;
    }
    super.complete(result);
  }

  private int indexOf(SelectClause<?> c) {
    for (int i = 0; i < clauses.length; i++) {
      if (clauses[i] == c) {
        return i;
      }
    }
    throw new IllegalStateException("clause not in its select");
  }

  // ---------------------------------------------------------------- the owner's side

  /** Withdraws the select if no clause happened yet, then completes with {@code value}. */
  @Override
  public boolean complete(R value) {
    if (!tryWin(OWNER)) {
      return false;
    }
    withdrawOthers(OWNER);
    return super.complete(value);
  }

  /** Withdraws the select if no clause happened yet, then fails (the path of orTimeout). */
  @Override
  public boolean completeExceptionally(Throwable failure) {
    if (failure == null) {
      throw new NullPointerException("failure");
    }
    if (!tryWin(OWNER)) {
      return false;
    }
    withdrawOthers(OWNER);
    return super.completeExceptionally(failure);
  }

  /**
   * Withdraws the select if no clause happened yet, then cancels.
   *
   * @return true if cancelled; false if a clause already happened
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (tryWin(OWNER)) {
      withdrawOthers(OWNER);
      return super.cancel(mayInterruptIfRunning);
    }
    return isCancelled();
  }

  /** {@code Select[waiting, 3 clauses]} or {@code Select[done, 3 clauses]}, for logs. */
  // Object.toString is lock-free to the Lock Checker; this reads volatile state only.
  @Override
  @SuppressWarnings("lock")
  public String toString(@GuardSatisfied SelectFuture<R> this) {
    return "Select[" + (isDone() ? "done" : "waiting") + ", " + clauses.length + " clauses]";
  }
}
