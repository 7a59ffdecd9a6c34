package io.smolscale.impl.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SerialHandOut}'s sequential contract: what a kick, a pass to another thread, a pause and
 * a forced hand-out do. The races are jcstress's ({@code SerialHandOutAddVsReleaseTest}).
 */
class SerialHandOutTest {
  private final CountingQueue<Integer> items = new CountingQueue<>();
  private final List<Integer> given = new ArrayList<>();
  private boolean paused;
  private int passAt = -1; // the item whose hand-out goes to "another thread"

  private final SerialHandOut<Integer> handOut =
      new SerialHandOut<>(
          items,
          item -> {
            given.add(item);
            return item == passAt;
          },
          () -> paused);

  private void add(int... xs) {
    for (int x : xs) {
      items.offer(x);
    }
  }

  @Test
  void aKickHandsOutEveryItemInOrderAndReleases() {
    add(1, 2, 3);
    handOut.kick();
    assertEquals(List.of(1, 2, 3), given);
    assertTrue(items.isEmpty());
    assertEquals(0, items.size());
    assertFalse(handOut.isHeld());
  }

  @Test
  void aPassStopsTheHolderAndTheNewThreadGoesOn() {
    add(1, 2, 3);
    passAt = 2;
    handOut.kick();
    assertEquals(List.of(1, 2), given, "the holder stops at the item it passed with");
    assertTrue(handOut.isHeld(), "held by the thread it passed to");
    handOut.kick(); // an adder's kick while held: nothing
    assertEquals(List.of(1, 2), given);
    handOut.carryOn(); // the new thread
    assertEquals(List.of(1, 2, 3), given);
    assertFalse(handOut.isHeld());
  }

  @Test
  void aPauseLeavesTheItemsWaitingAndAForceHandsOutExactlyTheOldestOne() {
    add(1, 2);
    paused = true;
    handOut.kick();
    assertEquals(List.of(), given, "paused: nothing handed out");
    assertFalse(handOut.isHeld());
    handOut.force(1);
    assertEquals(List.of(1), given, "forced: the oldest, then the pause holds again");
    assertEquals(1, items.size());
    assertFalse(handOut.isHeld());
    paused = false;
    handOut.kick();
    assertEquals(List.of(1, 2), given);
  }

  @Test
  void aForcedHandOutGoesOnOnTheThreadItPassedTo() {
    add(1, 2, 3, 4);
    paused = true;
    passAt = 1;
    handOut.force(3);
    assertEquals(List.of(1), given, "passed with the first");
    assertTrue(handOut.isHeld());
    handOut.carryOn(); // the new thread: owes two more whatever the pause says
    assertEquals(List.of(1, 2, 3), given);
    assertEquals(1, items.size(), "the pause holds the rest");
    assertFalse(handOut.isHeld());
  }

  @Test
  void aForceWhileHeldLeavesTheHandOutToItsHolder() {
    add(1);
    assertTrue(handOut.tryHold());
    handOut.force(1);
    assertEquals(List.of(), given);
    handOut.carryOn();
    assertEquals(List.of(1), given);
    assertFalse(handOut.isHeld());
  }

  @Test
  void theCountFollowsOffersAndPolls() {
    add(1, 2, 3);
    assertEquals(3, items.size());
    assertEquals(1, items.poll());
    assertEquals(2, items.size());
    assertEquals(1, items.polls());
    items.poll();
    items.poll();
    assertEquals(null, items.poll());
    assertEquals(0, items.size());
    assertEquals(3, items.polls(), "an empty poll is no progress");
  }
}
