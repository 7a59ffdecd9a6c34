package io.smolscale.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.ChannelClosedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Single-threaded behaviour of {@link ArrayChannel}, one operation at a time. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ArrayChannelTest {

  private static <T> CompletableFuture<T> cf(CompletionStage<T> stage) {
    return stage.toCompletableFuture();
  }

  private static Throwable failureOf(CompletionStage<?> stage) {
    CompletionException e = assertThrows(CompletionException.class, () -> cf(stage).join());
    return e.getCause();
  }

  // ------------------------------------------------------------------ construction and bad input

  @Test
  void negativeCapacityIsRefusedNamingTheValue() {
    for (int bad : new int[] {-1, Integer.MIN_VALUE}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new ArrayChannel<String>(bad));
      assertTrue(e.getMessage().contains(Integer.toString(bad)), e.getMessage());
    }
  }

  @Test
  void capacityIsReportedAndMaxValueMeansUnbounded() {
    assertEquals(1, new ArrayChannel<String>(1).capacity());
    assertEquals(64, new ArrayChannel<String>(64).capacity());
    assertEquals(Integer.MAX_VALUE, new ArrayChannel<String>(Integer.MAX_VALUE).capacity());
  }

  @Test
  void nullMessagesAreRefusedWithAMessage() {
    ArrayChannel<String> ch = new ArrayChannel<>(4);
    NullPointerException send = assertThrows(NullPointerException.class, () -> ch.send(null));
    NullPointerException trySend =
        assertThrows(NullPointerException.class, () -> ch.trySend(null));
    assertTrue(send.getMessage().contains("null"));
    assertTrue(trySend.getMessage().contains("null"));
    assertEquals(0, ch.size());
  }

  // ------------------------------------------------------------------ send / receive

  @Test
  void sendCompletesAtOnceWhileTheBufferHasRoom() {
    ArrayChannel<String> ch = new ArrayChannel<>(2);
    assertTrue(cf(ch.send("a")).isDone());
    assertTrue(cf(ch.send("b")).isDone());
    assertEquals(2, ch.size());
  }

  @Test
  void sendsAcceptedAtOnceShareOneImmutableCompletedStage() {
    ArrayChannel<String> ch = new ArrayChannel<>(2);
    CompletableFuture<Void> first = cf(ch.send("a"));
    assertSame(first, cf(ch.send("b")));
    assertThrows(UnsupportedOperationException.class, () -> first.obtrudeValue(null));
    assertThrows(
        UnsupportedOperationException.class, () -> first.obtrudeException(new Exception()));
    assertFalse(first.cancel(true));
    assertFalse(first.completeExceptionally(new Exception()));
    assertTrue(first.isDone());
    assertFalse(first.isCompletedExceptionally());
    assertNull(first.join());
  }

  @Test
  void receiveReturnsMessagesInSendOrder() {
    ArrayChannel<Integer> ch = new ArrayChannel<>(8);
    for (int i = 0; i < 8; i++) {
      ch.send(i);
    }
    for (int i = 0; i < 8; i++) {
      assertEquals(i, cf(ch.receive()).join());
    }
    assertEquals(0, ch.size());
  }

  @Test
  void sendWaitsWhileFullAndCompletesWhenAReceiveMakesRoom() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    ch.send("a");
    CompletableFuture<Void> blocked = cf(ch.send("b"));
    assertFalse(blocked.isDone(), "back-pressure: no room for b");
    assertEquals(1, ch.size());
    assertEquals("a", cf(ch.receive()).join());
    assertTrue(blocked.isDone(), "the receive moved b into the buffer");
    assertEquals(1, ch.size());
    assertEquals("b", cf(ch.receive()).join());
  }

  @Test
  void waitingReceiverIsCompletedBySendOnTheSendersThread() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    CompletableFuture<String> got =
        cf(ch.receive()).thenApply(m -> {
          ranOn.set(Thread.currentThread());
          return m;
        });
    assertFalse(got.isDone());
    CompletableFuture<Void> sent = cf(ch.send("x"));
    assertTrue(sent.isDone());
    assertTrue(got.isDone(), "hand-off completes the receiver inside send");
    assertEquals("x", got.join());
    assertSame(Thread.currentThread(), ranOn.get());
    assertEquals(0, ch.size(), "a hand-off bypasses the buffer");
  }

  @Test
  void handOffContinuationRunsOnTheSendingThreadNotTheReceivingOne() throws Exception {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    CompletableFuture<String> got =
        cf(ch.receive()).thenApply(m -> {
          ranOn.set(Thread.currentThread());
          return m;
        });
    Thread sender = new Thread(() -> ch.send("x"), "the-sender");
    sender.start();
    sender.join();
    assertEquals("x", got.join());
    assertSame(sender, ranOn.get());
  }

  @Test
  void waitingSenderIsCompletedByReceiveOnTheReceiversThread() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    ch.send("a");
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    CompletableFuture<Void> sent = cf(ch.send("b")).thenRun(() -> ranOn.set(Thread.currentThread()));
    ch.receive();
    assertTrue(sent.isDone());
    assertSame(Thread.currentThread(), ranOn.get());
  }

  @Test
  void waitingReceiversAreServedFirstInFirstOut() {
    ArrayChannel<Integer> ch = new ArrayChannel<>(1);
    List<CompletableFuture<Integer>> receivers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      receivers.add(cf(ch.receive()));
    }
    for (int i = 0; i < 5; i++) {
      ch.send(i);
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(i, receivers.get(i).join(), "receiver " + i);
    }
  }

  @Test
  void waitingSendersAreServedFirstInFirstOut() {
    ArrayChannel<Integer> ch = new ArrayChannel<>(2);
    ch.send(0);
    ch.send(1);
    List<CompletableFuture<Void>> senders = new ArrayList<>();
    for (int i = 2; i < 7; i++) {
      senders.add(cf(ch.send(i)));
    }
    for (int i = 0; i < 7; i++) {
      assertEquals(i, cf(ch.receive()).join());
      // After receiving i, the senders of 2..i+2 have been admitted, and no later one.
      for (int s = 0; s < senders.size(); s++) {
        assertEquals(s + 2 <= i + 2, senders.get(s).isDone(), "sender of " + (s + 2));
      }
    }
  }

  @Test
  void fanoutOfAThousandWaitingReceiversGivesEachExactlyOneMessage() {
    // The shape of the fanout benchmark: 1,000 receivers on one bounded(1) channel.
    ArrayChannel<Integer> ch = new ArrayChannel<>(1);
    List<CompletableFuture<Integer>> receivers = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      receivers.add(cf(ch.receive()));
    }
    for (int i = 0; i < 1000; i++) {
      assertSame(ArrayChannel.SENT, ch.send(i), "every send is a hand-off, accepted at once");
    }
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, receivers.get(i).join());
    }
    assertEquals(0, ch.size());
  }

  @Test
  void unboundedChannelAcceptsEverySendAtOnceAndKeepsOrderAcrossGrowth() {
    ArrayChannel<Integer> ch = new ArrayChannel<>(Integer.MAX_VALUE);
    // Wrap the ring first, so that growth has to unwrap it.
    for (int i = 0; i < 10; i++) {
      ch.send(-1);
      ch.receive();
    }
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      assertTrue(cf(ch.send(i)).isDone());
    }
    assertEquals(n, ch.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i, ch.tryReceive());
    }
    assertNull(ch.tryReceive());
  }

  @Test
  void largeBoundedChannelGrowsUpToItsCapacityOnly() {
    int capacity = ArrayChannel.PREALLOCATE_LIMIT * 3 + 1;
    ArrayChannel<Integer> ch = new ArrayChannel<>(capacity);
    for (int i = 0; i < capacity; i++) {
      assertTrue(ch.trySend(i));
    }
    assertFalse(ch.trySend(-1), "full at exactly its capacity");
    assertEquals(capacity, ch.size());
    for (int i = 0; i < capacity; i++) {
      assertEquals(i, ch.tryReceive());
    }
  }

  // ------------------------------------------------------------------ trySend / tryReceive

  @Test
  void trySendAcceptsWhileThereIsRoomAndRefusesWhenFull() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    assertTrue(ch.trySend("a"));
    assertFalse(ch.trySend("b"));
    assertEquals(1, ch.size());
    assertEquals("a", ch.tryReceive());
  }

  @Test
  void trySendHandsOffToAWaitingReceiverEvenWhenTheBufferIsFullSized() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    CompletableFuture<String> r1 = cf(ch.receive());
    CompletableFuture<String> r2 = cf(ch.receive());
    assertTrue(ch.trySend("a"));
    assertTrue(ch.trySend("b"));
    assertEquals("a", r1.join());
    assertEquals("b", r2.join());
    assertEquals(0, ch.size());
  }

  @Test
  void tryReceiveReturnsNullWhenEmptyAndAdmitsAWaitingSender() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    assertNull(ch.tryReceive());
    ch.send("a");
    CompletableFuture<Void> waiting = cf(ch.send("b"));
    assertEquals("a", ch.tryReceive());
    assertTrue(waiting.isDone());
    assertEquals("b", ch.tryReceive());
    assertNull(ch.tryReceive());
  }

  // ------------------------------------------------------------------ close

  @Test
  void closeIsIdempotentAndReported() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    assertFalse(ch.isClosed());
    assertTrue(ch.close());
    assertTrue(ch.isClosed());
    assertFalse(ch.close());
    assertTrue(ch.isClosed());
  }

  @Test
  void sendsFailAfterClose() {
    ArrayChannel<String> ch = new ArrayChannel<>(4);
    ch.close();
    assertInstanceOf(ChannelClosedException.class, failureOf(ch.send("a")));
    assertThrows(ChannelClosedException.class, () -> ch.trySend("a"));
    assertEquals(0, ch.size());
  }

  @Test
  void closeFailsWaitingReceiversInOrder() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    List<Integer> order = new ArrayList<>();
    List<CompletableFuture<String>> receivers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int id = i;
      CompletableFuture<String> r = cf(ch.receive());
      r.whenComplete((v, e) -> order.add(id));
      receivers.add(r);
    }
    assertTrue(ch.close());
    for (CompletableFuture<String> r : receivers) {
      assertInstanceOf(ChannelClosedException.class, failureOf(r));
    }
    assertEquals(List.of(0, 1, 2), order);
  }

  @Test
  void bufferedMessagesAreDeliveredAfterCloseThenReceivesFail() {
    ArrayChannel<String> ch = new ArrayChannel<>(4);
    ch.send("a");
    ch.send("b");
    ch.close();
    assertEquals(2, ch.size());
    assertEquals("a", cf(ch.receive()).join());
    assertEquals("b", ch.tryReceive());
    assertInstanceOf(ChannelClosedException.class, failureOf(ch.receive()));
    assertThrows(ChannelClosedException.class, ch::tryReceive);
  }

  @Test
  void closeAcceptsTheMessagesOfWaitingSendersAndCompletesTheirSends() {
    ArrayChannel<Integer> ch = new ArrayChannel<>(1);
    ch.send(0);
    List<CompletableFuture<Void>> senders = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      senders.add(cf(ch.send(i)));
    }
    assertTrue(ch.close());
    for (CompletableFuture<Void> s : senders) {
      assertTrue(s.isDone());
      assertFalse(s.isCompletedExceptionally(), "accepted at close, not failed");
    }
    assertEquals(4, ch.size(), "the ring grew past its capacity to hold them");
    for (int i = 0; i <= 3; i++) {
      assertEquals(i, cf(ch.receive()).join());
    }
    assertInstanceOf(ChannelClosedException.class, failureOf(ch.receive()));
  }

  @Test
  void closeAfterCloseDoesNotDisturbTheDrain() {
    ArrayChannel<Integer> ch = new ArrayChannel<>(2);
    ch.send(1);
    ch.close();
    ch.close();
    assertEquals(1, ch.tryReceive());
    assertThrows(ChannelClosedException.class, ch::tryReceive);
  }

  // ------------------------------------------------------------------ cancellation

  @Test
  void cancelledReceiverIsRemovedAndTheValueGoesToTheNextOne() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    CompletableFuture<String> first = cf(ch.receive());
    CompletableFuture<String> second = cf(ch.receive());
    assertTrue(first.cancel(false));
    assertTrue(first.cancel(false), "cancel stays true, as CompletableFuture's does");
    ch.send("x");
    assertEquals("x", second.join());
    assertThrows(CancellationException.class, first::join);
  }

  @Test
  void cancelledLastReceiverLeavesTheValueInTheBuffer() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    CompletableFuture<String> r = cf(ch.receive());
    assertTrue(r.cancel(true));
    assertTrue(cf(ch.send("x")).isDone());
    assertEquals(1, ch.size());
    assertEquals("x", ch.tryReceive());
  }

  @Test
  void cancellingAReceiverThatAlreadyGotItsValueFails() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    CompletableFuture<String> r = cf(ch.receive());
    ch.send("x");
    assertFalse(r.cancel(true));
    assertEquals("x", r.join());
  }

  @Test
  void cancelledSendIsNotDeliveredAndTheNextSenderTakesItsPlace() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    ch.send("a");
    CompletableFuture<Void> b = cf(ch.send("b"));
    CompletableFuture<Void> c = cf(ch.send("c"));
    assertTrue(b.cancel(false));
    assertEquals("a", ch.tryReceive());
    assertTrue(c.isDone(), "c was admitted in b's place");
    assertEquals("c", ch.tryReceive());
    assertNull(ch.tryReceive(), "b was never delivered");
  }

  @Test
  void cancellingAnAdmittedSendFailsAndItsMessageIsDelivered() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    ch.send("a");
    CompletableFuture<Void> b = cf(ch.send("b"));
    ch.tryReceive();
    assertFalse(b.cancel(false));
    assertEquals("b", ch.tryReceive());
  }

  @Test
  void receiveTimeoutWithdrawsTheReceiver() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    CompletableFuture<String> r = cf(ch.receive());
    // This is the call orTimeout makes when its timer fires.
    assertTrue(r.completeExceptionally(new TimeoutException()));
    ch.send("x");
    assertInstanceOf(TimeoutException.class, failureOf(r));
    assertEquals("x", ch.tryReceive(), "the value went to the buffer, not the timed-out receiver");
  }

  @Test
  void orTimeoutOnAReceiveWithdrawsItWhenTheTimerFires() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    CompletableFuture<String> r = cf(ch.receive()).orTimeout(1, TimeUnit.MILLISECONDS);
    assertInstanceOf(TimeoutException.class, failureOf(r));
    ch.send("x");
    assertEquals("x", ch.tryReceive());
  }

  @Test
  void completingAReceiveFromOutsideWithdrawsIt() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    CompletableFuture<String> r = cf(ch.receive());
    assertTrue(r.complete("default"));
    assertTrue(ch.trySend("x"));
    assertEquals("default", r.join());
    assertEquals("x", ch.tryReceive());
  }

  @Test
  void completingASendFromOutsideWithdrawsItsMessage() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    ch.send("a");
    CompletableFuture<Void> b = cf(ch.send("b"));
    assertTrue(b.completeExceptionally(new TimeoutException()));
    assertEquals("a", ch.tryReceive());
    assertNull(ch.tryReceive());
  }

  @Test
  void valueHandedToAnObtrudedReceiverIsOfferedToTheNextOne() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    CompletableFuture<String> obtruded = cf(ch.receive());
    CompletableFuture<String> next = cf(ch.receive());
    obtruded.obtrudeValue("forced"); // bypasses the channel: the waiter stays queued
    assertTrue(ch.trySend("x"));
    assertEquals("forced", obtruded.join());
    assertEquals("x", next.join());
  }

  @Test
  void valueHandedToAnObtrudedLastReceiverEndsInTheBuffer() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    CompletableFuture<String> obtruded = cf(ch.receive());
    obtruded.obtrudeException(new IllegalStateException("forced"));
    assertTrue(cf(ch.send("x")).isDone());
    assertEquals("x", ch.tryReceive());
  }

  @Test
  void cancelAfterCloseOfAFailedReceiverReportsNoCancellation() {
    ArrayChannel<String> ch = new ArrayChannel<>(1);
    CompletableFuture<String> r = cf(ch.receive());
    ch.close();
    assertFalse(r.cancel(true));
    assertInstanceOf(ChannelClosedException.class, failureOf(r));
  }

  @Test
  void aContinuationMayUseTheChannelAgain() {
    // Completions run outside the lock: a receiver that sends from its continuation must not
    // deadlock or corrupt the channel.
    ArrayChannel<Integer> ch = new ArrayChannel<>(1);
    CompletableFuture<Integer> echoed =
        cf(ch.receive()).thenCompose(v -> ch.send(v + 1).thenCompose(x -> ch.receive()));
    ch.send(1);
    assertEquals(2, echoed.join());
    assertEquals(0, ch.size());
  }
}
