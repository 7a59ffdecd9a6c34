package io.smolscale.impl.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;
import org.checkerframework.checker.nullness.qual.NonNull;

/**
 * A FIFO of waiting items that <b>one thread at a time</b> hands out, the holder passing the duty
 * on to a thread it starts: the protocol of the platform blocking path's start chain ({@code
 * io.smolscale.impl.StartChain}), kept apart so that jcstress can race it without a scheduler.
 *
 * <p>Why one holder: handing an item out may cost a thread start (150-250 µs), and the adder must
 * not pay it; one holder at a time keeps the starts in order and the adders free. The flag is an
 * actor mailbox's "scheduled" flag (Akka's dispatcher; the actor layer of this repository's
 * Savina benchmarks uses the same rule): <b>whoever releases the hand-out re-reads the queue after
 * it, and whoever adds an item tries for the hand-out after it.</b>
 *
 * <p><b>Pausing.</b> The owner may say that the waiting items are better left for others to take
 * (the {@code pause} test: for the start chain, "threads now running blocking bodies will each
 * take one when they return"). Then neither an adder nor the holder hands out, and the items wait
 * for whoever polls the queue directly. Such a pause must be bounded by something outside this
 * class: the owner calls {@link #force} when the queue made no progress for a while (the start
 * chain: a balancer tick that finds bodies waiting and none taken since the last tick), which
 * hands out the items that waited whatever the test says.
 *
 * <p>Memory model, a Dekker pair over volatiles: the adder's {@code offer} (a volatile write in
 * {@link CountingQueue}'s queue) comes before its CAS of {@code held} (a
 * volatile read-modify-write); the holder's release ({@code setVolatile}) comes before its {@code
 * isEmpty} (a volatile read of the queue). Sequential consistency of volatile accesses means at
 * least one of them sees the other's write: the adder takes the hand-out, or the holder sees the
 * item. The CAS that takes the hand-out synchronizes with the release that gave it up, so a holder
 * sees everything its predecessor wrote; a holder that passes the duty to a new thread passes it
 * through {@code Thread.start}, which orders the starter's writes before the new thread's {@link
 * #carryOn}. TLA+: spec/tla/StartChain.tla ({@code NoStrandedWaiting}; negative controls {@code
 * Bug_ChainReleaseNoRecheck}, {@code Bug_ChainOfferNoKick}); jcstress: {@code
 * SerialHandOutAddVsReleaseTest} and its broken twin.
 *
 * @param <T> the items
 */
public final class SerialHandOut<T extends @NonNull Object> {
  /** Gives one item its place; called by the holder only, one item at a time. */
  @FunctionalInterface
  public interface Giver<T extends @NonNull Object> {
    /**
     * Gives an item a place (it must not be dropped).
     *
     * @param item the oldest waiting item, already removed from the queue
     * @return true if the hand-out went with it to another thread, which will call {@link
     *     #carryOn}; false if the caller is still the holder
     */
    boolean give(T item);
  }

  private static final VarHandle HELD;

  static {
    try {
      HELD = MethodHandles.lookup().findVarHandle(SerialHandOut.class, "held", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final CountingQueue<T> items;
  private final Giver<T> giver;
  private final BooleanSupplier pause;

  /**
   * Items still to be handed out regardless of the pause when the duty passed to another thread
   * in a forced hand-out. Holder only: written before the pass and read by the next holder, which
   * the pass (its {@code Thread.start}, or the release and the next CAS) orders after the write.
   */
  private int forceLeft;

  /** 1 while a thread holds the hand-out, else 0 (through {@code HELD}; see the class comment). */
  @SuppressWarnings("unused")
  private volatile int held;

  /**
   * Makes a hand-out over a queue the caller adds to.
   *
   * @param items the waiting items (the caller offers to it)
   * @param giver gives each item its place
   * @param pause true when the waiting items are to be left to others for now (read before each
   *     hand-out; see the class comment)
   */
  public SerialHandOut(CountingQueue<T> items, Giver<T> giver, BooleanSupplier pause) {
    this.items = items;
    this.giver = giver;
    this.pause = pause;
  }

  /**
   * After an item was added (the adder's half of the pair), or whenever something that can take
   * items came free: takes the hand-out if items wait and nobody holds it, and hands out.
   *
   * @return true if this call held the hand-out (and has let it go or passed it on)
   */
  public boolean kick() {
    boolean held = false;
    while (!items.isEmpty() && !pause.getAsBoolean() && HELD.compareAndSet(this, 0, 1)) {
      held = true;
      if (handOut(0)) {
        break; // the duty went to another thread
      }
      // released: the loop's test is the holder's re-read
    }
    return held;
  }

  /**
   * On the thread the hand-out was passed to ({@link Giver#give} returned true): goes on handing
   * out, then releases and re-reads.
   */
  public void carryOn() {
    if (!handOut(0)) {
      kick();
    }
  }

  /**
   * Hands out up to {@code n} waiting items whatever the pause test says, unless someone holds the
   * hand-out (it is making progress then); then goes on as usual. For the owner's progress check
   * (class comment).
   *
   * @param n how many items to hand out regardless of the pause (at least one is)
   */
  public void force(int n) {
    if (!items.isEmpty() && HELD.compareAndSet(this, 0, 1) && !handOut(Math.max(1, n))) {
      kick();
    }
  }

  /**
   * The holder's loop. If the giver or the pause test throws, the hand-out is released first (a
   * hand-out left held would leave every later item to the owner's other takers) and the
   * exception goes on to the caller; a giver must place its item before it throws.
   *
   * @param forced how many items to hand out before the pause test counts
   * @return true if the duty passed to another thread, false if this call released it
   */
  private boolean handOut(int forced) {
    int owed = Math.max(forced, forceLeft); // a forced hand-out goes on across a pass
    forceLeft = 0;
    try {
      for (int given = 0; ; given++) {
        if (given >= owed && pause.getAsBoolean()) {
          break;
        }
        T item = items.poll();
        if (item == null) {
          break;
        }
        if (giver.give(item)) {
          forceLeft = Math.max(0, owed - given - 1); // for the thread it passed to
          return true;
        }
      }
    } catch (RuntimeException | Error e) {
      HELD.setVolatile(this, 0);
      throw e;
    }
    HELD.setVolatile(this, 0);
    return false;
  }

  /**
   * Whether a thread holds the hand-out now (a volatile read; for statistics and tests).
   *
   * @return true if held
   */
  public boolean isHeld() {
    return (int) HELD.getVolatile(this) != 0;
  }

  /**
   * Takes the hand-out if nobody holds it, without handing anything out; the caller must then
   * call {@link #carryOn}. For tests that start a race with a holder in place.
   *
   * @return true if taken
   */
  public boolean tryHold() {
    return HELD.compareAndSet(this, 0, 1);
  }
}
