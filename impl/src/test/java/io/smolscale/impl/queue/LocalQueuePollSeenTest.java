package io.smolscale.impl.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/**
 * The sequential contract of {@link LocalQueue#poll(long)}, the pop that refuses to run a newer
 * task while the caller does not know that older ones left (the race itself is jcstress's
 * {@code LocalQueuePollSeesSpillTest}; Lincheck checks FIFO, no loss, atomic batch takes).
 */
class LocalQueuePollSeenTest {
  private final Runnable older = () -> {};
  private final Runnable newer = () -> {};

  // A counted batch take (the balancer's drain) after the caller's read makes the pop refuse and
  // leaves the task in place; with the fresh count the pop succeeds, and the moved task is in the
  // global queue.
  @Test
  void aCountedTakeSinceTheReadIsRefusedThenPaidBack() {
    LocalQueue local = new LocalQueue(4);
    GlobalQueue global = new GlobalQueue();
    local.offer(older);
    local.offer(newer);
    long seen = local.spilled();
    assertEquals(1, local.drainHalfTo(global));
    assertNull(local.poll(seen), "popped the newer task behind a move it was not told about");
    assertEquals(1, local.size(), "a refused pop takes nothing");
    assertEquals(seen + 1, local.spilled());
    assertSame(older, global.poll());
    assertSame(newer, local.poll(local.spilled()));
  }

  // The owner's own sharing with idle workers is not counted, so it never makes the pop refuse;
  // -1 asks for no check; an empty queue answers null whatever the count.
  @Test
  void sharingIsNotCountedAndMinusOneDoesNotCheck() {
    LocalQueue local = new LocalQueue(4);
    GlobalQueue global = new GlobalQueue();
    local.offer(older);
    local.offer(newer);
    long seen = local.spilled();
    assertEquals(1, local.shareHalfTo(global));
    assertSame(newer, local.poll(seen));
    local.offer(older);
    local.offer(newer);
    assertEquals(1, local.drainHalfTo(global));
    assertSame(newer, local.poll(-1L));
    assertNull(local.poll(local.spilled()));
  }

  // An overflow (the owner's own push into a full ring) counts the half that left and the task
  // itself, as a balancer's take does.
  @Test
  void anOverflowCountsTheHalfThatLeftAndTheTask() {
    LocalQueue local = new LocalQueue(2);
    GlobalQueue global = new GlobalQueue();
    local.offer(older);
    local.offer(newer);
    long seen = local.spilled();
    Runnable third = () -> {};
    assertEquals(false, local.offerOrOverflow(third, global));
    assertEquals(seen + 2, local.spilled());
    assertNull(local.poll(seen));
    assertSame(older, global.poll());
    assertSame(third, global.poll());
    assertSame(newer, local.poll(local.spilled()));
  }
}
