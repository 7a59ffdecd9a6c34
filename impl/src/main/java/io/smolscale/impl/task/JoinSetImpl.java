package io.smolscale.impl.task;

import io.smolscale.JoinSet;
import io.smolscale.Task;
import io.smolscale.impl.util.Durations;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.checkerframework.checker.lock.qual.GuardSatisfied;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A join set: tasks held until taken, finished ones handed out in completion order.
 *
 * <h2>Implementation overview</h2>
 *
 * <p>One monitor ({@code lock}) guards three structures: the incomplete held tasks (an intrusive
 * doubly-linked list of entries, each with its entry number; the completion callback holds its
 * own entry, so nothing is looked up by the task's identity), {@code done} (completed entries
 * nobody has taken, oldest completion first) and {@code waiters} (callers waiting for the next completion, first come first
 * served: blocked threads and {@code nextAsync} stages in one queue, as {@code
 * ExecutorCompletionService} serves its {@code take}rs from one {@code LinkedBlockingQueue}). A
 * completion callback ({@link #completed}) unlinks its entry from that list and hands the
 * entry to the first waiter, or appends it to {@code done}. A completion is therefore taken exactly
 * once: by the waiter it was handed to under the lock, or by a later taker from {@code done}.
 *
 * <p>Every hand-off is decided under the lock, and so is every giving up: a waiter either is
 * handed an entry while it is in line or leaves the line, never both. A blocked thread's hand-off
 * is a field store and {@code notifyAll}; the thread reads it under the lock, so a thread that
 * times out or is interrupted either finds its entry (it keeps it on a timeout, and gives it back
 * at the front on an interrupt) or leaves the line with nothing handed to it (jcstress {@code
 * JoinSetTimeoutVsCompletionTest}). A stage ({@link Delivery}) is marked handed under the lock and
 * completed after it is released, since completing it runs its dependents, user code; its
 * holder's cancel or complete first withdraws it under the lock, and fails (returns false) if it
 * was already handed its entry, which then completes it. So the entry being delivered is already
 * taken, not counted: a dependent that asks the set for its size sees the truth, and a loop of
 * {@code nextAsync} calls from dependents ends when the set is empty. (A first version counted
 * entries "in flight" until the stage's completion returned, so such a dependent saw one task
 * too many and waited forever on an empty set.)
 *
 * <p>Happens-before: a task's completion happens-before its callback (the {@code
 * CompletableFuture} dependent), whose release of the lock happens-before the taker's acquire of
 * it; a stage's completion orders the rest for {@code nextAsync}.
 *
 * <p>Waiting on a worker thread is compensated ({@link Compensator#beginBlocking}) before the
 * thread waits, outside the lock.
 *
 * @param <T> the tasks' result type
 */
public final class JoinSetImpl<T> implements JoinSet<T> {
  /**
   * A held task and its entry number (the order of spawn or add, for {@link #collect}): linked in
   * the incomplete list until its completion, then in {@code done} or handed to a waiter.
   */
  private static final class Entry<T> {
    final Task<T> task;
    final long seq;
    /** The list of incomplete entries (guarded by the set's lock); null when not in it. */
    @Nullable Entry<T> prev;

    @Nullable Entry<T> next;
    boolean incomplete;

    Entry(Task<T> task, long seq) {
      this.task = task;
      this.seq = seq;
    }
  }

  /** A caller waiting for the next completion: a blocked thread, or a stage. */
  private static final class Waiter<T> {
    /** For a stage; null for a blocked thread. */
    final @Nullable Delivery<T> stage;
    /** The entry handed to it (guarded by the set's lock); set once. */
    @Nullable Entry<T> entry;

    Waiter(@Nullable Delivery<T> stage) {
      this.stage = stage;
    }
  }

  /**
   * The stage {@link #nextAsync} returns. Its holder may cancel or complete it (also through
   * {@code orTimeout} and {@code completeOnTimeout}): that first withdraws it from the line under
   * the set's lock, and does nothing (returns false) if it was handed an entry already, which is
   * then on its way. {@code obtrude*} would rewrite a delivered task and is refused.
   */
  private static final class Delivery<T> extends StageFuture<Task<T>> {
    private final JoinSetImpl<T> set;
    /** Guarded by the set's lock; null until it is in line. */
    private @Nullable Waiter<T> waiter;

    Delivery(JoinSetImpl<T> set) {
      super(set.pool);
      this.set = set;
    }

    /** Completes it with the entry it was handed; the set's own path (never withdrawn). */
    void handOver(Task<T> task) {
      super.complete(task);
    }

    /** Fails it before anyone saw it (an empty set). */
    void handOverFailure(Throwable failure) {
      super.completeExceptionally(failure);
    }

    /** True if it left the line before an entry was handed to it (or was never in line). */
    private boolean withdraw() {
      synchronized (set.lock) {
        Waiter<T> w = waiter;
        if (w == null) {
          return !isDone();
        }
        if (w.entry != null) {
          return false;
        }
        set.waiters.remove(w);
        waiter = null;
        return true;
      }
    }

    @Override
    public boolean complete(Task<T> value) {
      return withdraw() && super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      return withdraw() && super.completeExceptionally(ex);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return withdraw() && super.cancel(mayInterruptIfRunning);
    }

    @Override
    public void obtrudeValue(Task<T> value) {
      throw new UnsupportedOperationException("a join set's stage cannot be overwritten");
    }

    @Override
    public void obtrudeException(Throwable ex) {
      throw new UnsupportedOperationException("a join set's stage cannot be overwritten");
    }
  }

  /**
   * How a set spawns into its owner (scheduler or nursery). The name is null for an unnamed task;
   * the owner's own task factories ({@link TaskImpl#ofCallable(Compensator,
   * java.util.function.Consumer, Callable, String)} and its siblings) check and keep it, so a
   * set's named task is the same {@link NamedTask} the owner's named spawns make.
   *
   * @param <T> the tasks' result type
   */
  public interface Spawner<T> {
    /**
     * Spawns a body into the owner.
     *
     * @param name the task's name, or null for none
     * @param body the body
     * @return the task, queued
     * @throws IllegalArgumentException if {@code name} is empty
     */
    Task<T> spawn(@Nullable String name, Callable<T> body);

    /**
     * Spawns an asynchronous body into the owner.
     *
     * @param name the task's name, or null for none
     * @param body supplies the stage whose outcome is the task's
     * @return the task, queued
     * @throws IllegalArgumentException if {@code name} is empty
     */
    Task<T> spawnAsync(@Nullable String name, Supplier<? extends CompletionStage<T>> body);
  }

  private final Compensator pool;
  private final Spawner<T> spawner;
  private final Object lock = new Object();
  /** Guarded by lock (kept by hand, as in {@link NurseryImpl}). */
  private @Nullable Entry<T> first;

  private @Nullable Entry<T> last;
  private int incomplete;

  private final ArrayDeque<Entry<T>> done = new ArrayDeque<>();
  private final ArrayDeque<Waiter<T>> waiters = new ArrayDeque<>();

  private long nextSeq;

  /**
   * Creates an empty set.
   *
   * @param pool compensates blocking waits; the default executor of the stages it returns
   * @param spawner spawns bodies, named or not, into the set's owner (scheduler or nursery)
   */
  public JoinSetImpl(Compensator pool, Spawner<T> spawner) {
    this.pool = pool;
    this.spawner = spawner;
  }

  /**
   * A set that holds only tasks {@linkplain #add added} to it: its {@code spawn} methods throw
   * {@link UnsupportedOperationException}. For the concurrency tests, which drive tasks by hand.
   *
   * @param pool compensates blocking waits; the default executor of the stages it returns
   * @param <T> the tasks' result type
   * @return a new set
   */
  public static <T> JoinSetImpl<T> forAddedTasks(Compensator pool) {
    return new JoinSetImpl<>(
        pool,
        new Spawner<T>() {
          @Override
          public Task<T> spawn(@Nullable String name, Callable<T> body) {
            throw new UnsupportedOperationException("this join set only holds added tasks");
          }

          @Override
          public Task<T> spawnAsync(
              @Nullable String name, Supplier<? extends CompletionStage<T>> body) {
            throw new UnsupportedOperationException("this join set only holds added tasks");
          }
        });
  }

  @Override
  public Task<T> spawn(Callable<T> body) {
    Objects.requireNonNull(body, "body");
    return held(spawner.spawn(null, body));
  }

  @Override
  public Task<T> spawn(String name, Callable<T> body) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    return held(spawner.spawn(name, body));
  }

  @Override
  public Task<T> spawnAsync(Supplier<? extends CompletionStage<T>> body) {
    Objects.requireNonNull(body, "body");
    return held(spawner.spawnAsync(null, body));
  }

  @Override
  public Task<T> spawnAsync(String name, Supplier<? extends CompletionStage<T>> body) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    return held(spawner.spawnAsync(name, body));
  }

  /** {@link #add(Task)}, returning the task. */
  private Task<T> held(Task<T> task) {
    add(task);
    return task;
  }

  @Override
  public JoinSet<T> add(Task<T> task) {
    Objects.requireNonNull(task, "task");
    Entry<T> e;
    synchronized (lock) {
      e = new Entry<>(task, nextSeq++);
      link(e);
    }
    // After it is linked: a task that is already done runs the callback here and now.
    task.whenComplete((r, x) -> completed(e));
    return this;
  }

  /** Appends to the incomplete list. Caller holds lock. */
  private void link(Entry<T> e) {
    e.incomplete = true;
    e.prev = last;
    if (last == null) {
      first = e;
    } else {
      last.next = e;
    }
    last = e;
    incomplete++;
  }

  /** Removes from the incomplete list. Caller holds lock. */
  private void unlink(Entry<T> e) {
    Entry<T> p = e.prev;
    Entry<T> n = e.next;
    if (p == null) {
      first = n;
    } else {
      p.next = n;
    }
    if (n == null) {
      last = p;
    } else {
      n.prev = p;
    }
    e.prev = null;
    e.next = null;
    e.incomplete = false;
    incomplete--;
  }

  /**
   * The completion callback: hands the entry to the first waiter, or keeps it in done. The
   * unlink and the hand-off are one critical section, so no one sees the entry in neither place
   * (Lincheck found size() one short between two sections).
   */
  private void completed(Entry<T> entry) {
    Delivery<T> stage;
    synchronized (lock) {
      if (!entry.incomplete) {
        return; // forgotten by firstSuccess/collect after they cancelled it
      }
      unlink(entry);
      stage = handOrKeep(entry, false);
    }
    if (stage != null) {
      stage.handOver(entry.task); // outside the lock: runs the stage's dependents
    }
  }

  /** Gives an entry back, first in line (a taker interrupted after it was handed the entry). */
  private void giveBack(Entry<T> entry) {
    Delivery<T> stage;
    synchronized (lock) {
      stage = handOrKeep(entry, true);
    }
    if (stage != null) {
      stage.handOver(entry.task);
    }
  }

  /**
   * Hands an entry to the first waiter or keeps it in {@code done}. Caller holds lock.
   *
   * @param entry the entry
   * @param front keep it at the front of done rather than the back (an entry given back)
   * @return the stage the caller must complete with the entry once it released the lock, or null
   */
  private @Nullable Delivery<T> handOrKeep(Entry<T> entry, boolean front) {
    Waiter<T> w = waiters.pollFirst();
    if (w == null) {
      if (front) {
        done.addFirst(entry);
      } else {
        done.addLast(entry);
      }
      return null;
    }
    w.entry = entry;
    if (w.stage == null) {
      lock.notifyAll();
    }
    return w.stage;
  }

  @Override
  public int size() {
    synchronized (lock) {
      return incomplete + done.size();
    }
  }

  @Override
  public boolean isEmpty() {
    return size() == 0;
  }

  @Override
  public @Nullable Task<T> poll() {
    synchronized (lock) {
      Entry<T> e = done.pollFirst();
      return e == null ? null : e.task;
    }
  }

  @Override
  public @Nullable Task<T> poll(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    long nanos = Durations.saturatedNanos(timeout);
    Entry<T> e = take(true, nanos);
    return e == null ? null : e.task;
  }

  @Override
  public Task<T> next() throws InterruptedException {
    Entry<T> e = take(false, 0L);
    if (e == null) {
      throw new NoSuchElementException("the join set is empty");
    }
    return e.task;
  }

  /**
   * Takes the next completion, waiting if need be.
   *
   * @param timed whether {@code nanos} bounds the wait
   * @param nanos the bound, if timed
   * @return the entry, or null if the set is empty or (timed) nothing completed in time
   */
  private @Nullable Entry<T> take(boolean timed, long nanos) throws InterruptedException {
    Waiter<T> w;
    synchronized (lock) {
      Entry<T> e = done.pollFirst();
      if (e != null) {
        return e;
      }
      if (incomplete == 0) {
        return null;
      }
      if (timed && nanos <= 0) {
        return null;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      w = new Waiter<>(null);
      waiters.addLast(w);
    }
    boolean marked = pool.beginBlocking();
    try {
      return await(w, timed, nanos);
    } finally {
      if (marked) {
        pool.endBlocking();
      }
    }
  }

  private @Nullable Entry<T> await(Waiter<T> w, boolean timed, long nanos)
      throws InterruptedException {
    long deadline = timed ? System.nanoTime() + nanos : 0L;
    Entry<T> giveBack;
    synchronized (lock) {
      try {
        Entry<T> got;
        while ((got = w.entry) == null) {
          if (!timed) {
            lock.wait();
          } else {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              waiters.remove(w);
              return null;
            }
            TimeUnit.NANOSECONDS.timedWait(lock, left);
          }
        }
        return got;
      } catch (InterruptedException ie) {
        Entry<T> handed = w.entry;
        if (handed == null) {
          waiters.remove(w);
          throw ie;
        }
        giveBack = handed;
      }
    }
    // Handed an entry and interrupted: the wait failed, so the entry goes back, first in line.
    giveBack(giveBack);
    throw new InterruptedException();
  }

  @Override
  public CompletionStage<Task<T>> nextAsync() {
    Delivery<T> stage = new Delivery<>(this);
    synchronized (lock) {
      Entry<T> e = done.pollFirst();
      if (e != null) {
        stage.handOver(e.task); // no dependents yet: nothing runs under the lock
        return stage;
      }
      if (incomplete == 0) {
        stage.handOverFailure(new NoSuchElementException("the join set is empty"));
        return stage;
      }
      Waiter<T> w = new Waiter<>(stage);
      stage.waiter = w;
      waiters.addLast(w);
    }
    return stage;
  }

  @Override
  public List<T> collect() throws InterruptedException {
    List<Entry<T>> got = new ArrayList<>();
    while (true) {
      Entry<T> e = take(false, 0L);
      if (e == null) {
        break;
      }
      if (!succeeded(e.task)) {
        forgetAndCancelAll();
        throw thrownByJoin(e.task);
      }
      got.add(e);
    }
    got.sort(Comparator.comparingLong(x -> x.seq));
    List<T> results = new ArrayList<>(got.size());
    for (Entry<T> e : got) {
      results.add(e.task.join());
    }
    return results;
  }

  @Override
  public T firstSuccess() throws InterruptedException {
    CompletionException failures = null; // null until a task was taken: each one failed
    while (true) {
      Entry<T> e = take(false, 0L);
      if (e == null) {
        if (failures == null) {
          throw new NoSuchElementException("the join set is empty");
        }
        throw failures;
      }
      if (succeeded(e.task)) {
        forgetAndCancelAll();
        return e.task.join();
      }
      Throwable cause = failureOf(e.task);
      if (failures == null) {
        failures = new CompletionException(cause);
      } else {
        failures.addSuppressed(cause);
      }
    }
  }

  private static boolean succeeded(Task<?> task) {
    return task.status() == Task.Status.SUCCEEDED;
  }

  /** The exception a done, unsuccessful task ended with (a CancellationException if cancelled). */
  private static Throwable failureOf(Task<?> task) {
    RuntimeException e = thrownByJoin(task);
    Throwable cause = e.getCause();
    return e instanceof CompletionException && cause != null ? cause : e;
  }

  /** What join() throws for a done, unsuccessful task, as it throws it. */
  private static RuntimeException thrownByJoin(Task<?> task) {
    try {
      task.join();
    } catch (CompletionException | CancellationException e) {
      return e;
    }
    return new IllegalStateException("task " + task + " succeeded"); // callers checked it did not
  }

  /** Takes every held task out of the set and cancels the ones not done. */
  private void forgetAndCancelAll() {
    List<Task<T>> toCancel;
    synchronized (lock) {
      toCancel = incompleteTasks();
      while (first != null) {
        unlink(first);
      }
      done.clear();
    }
    for (Task<T> t : toCancel) {
      t.cancel(true);
    }
  }

  /** The incomplete tasks, oldest entry first. Caller holds lock. */
  private List<Task<T>> incompleteTasks() {
    List<Task<T>> tasks = new ArrayList<>(incomplete);
    for (Entry<T> e = first; e != null; e = e.next) {
      tasks.add(e.task);
    }
    return tasks;
  }

  @Override
  public int cancelAll() {
    List<Task<T>> toCancel;
    synchronized (lock) {
      toCancel = incompleteTasks();
    }
    int n = 0;
    for (Task<T> t : toCancel) {
      if (t.cancel(true)) {
        n++;
      }
    }
    return n;
  }

  // Object.toString is lock-free to the Lock Checker; this one takes the set's own lock for a
  // consistent snapshot of three sizes and calls nothing else under it.
  @Override
  @SuppressWarnings("lock")
  public String toString(@GuardSatisfied JoinSetImpl<T> this) {
    synchronized (lock) {
      return "JoinSet[incomplete="
          + incomplete
          + ", done="
          + done.size()
          + ", waiting="
          + waiters.size()
          + "]";
    }
  }
}
