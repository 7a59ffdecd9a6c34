package io.smolscale.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Channel;
import io.smolscale.ChannelClosedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rendezvous channel (capacity 0), one operation at a time: a send completes only when a
 * receiver takes its message; nothing is ever buffered while the channel is open; close keeps the
 * waiting senders' messages for the receivers.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RendezvousChannelTest {

  @Test
  void theApiMakesCapacityZeroChannels() {
    Channel<String> a = Channel.rendezvous();
    Channel<String> b = Channel.bounded(0);
    assertEquals(0, a.capacity());
    assertEquals(0, b.capacity());
    assertEquals("Channel[rendezvous, buffered=0, open]", a.toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Channel.bounded(-1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }

  @Test
  void aSendWaitsForAReceiverAndHandsItTheMessage() {
    ArrayChannel<String> ch = new ArrayChannel<>(0);
    CompletableFuture<Void> sent = ch.send("a").toCompletableFuture();
    assertTrue(ArrayChannel.wasQueued(sent));
    assertFalse(sent.isDone(), "no receiver yet: the send waits");
    assertEquals(0, ch.size(), "a waiting send is not buffered");
    CompletableFuture<String> got = ch.receive().toCompletableFuture();
    assertEquals("a", got.getNow(null));
    assertTrue(sent.isDone() && !sent.isCompletedExceptionally(), "the receive completed it");
  }

  @Test
  void aReceiveWaitsForASender() {
    ArrayChannel<String> ch = new ArrayChannel<>(0);
    CompletableFuture<String> got = ch.receive().toCompletableFuture();
    assertFalse(got.isDone());
    assertTrue(ch.send("b").toCompletableFuture().isDone(), "handed to the waiting receiver");
    assertEquals("b", got.getNow(null));
  }

  @Test
  void trySendNeedsAWaitingReceiverAndTryReceiveAWaitingSender() {
    ArrayChannel<String> ch = new ArrayChannel<>(0);
    assertFalse(ch.trySend("x"), "nobody waits to receive");
    assertNull(ch.tryReceive(), "nobody waits to send");
    CompletableFuture<String> got = ch.receive().toCompletableFuture();
    assertTrue(ch.trySend("y"));
    assertEquals("y", got.getNow(null));
    CompletableFuture<Void> sent = ch.send("z").toCompletableFuture();
    assertEquals("z", ch.tryReceive());
    assertTrue(sent.isDone());
    assertEquals(0, ch.size());
  }

  @Test
  void sendersAreServedInOrder() {
    ArrayChannel<Integer> ch = new ArrayChannel<>(0);
    CompletableFuture<?>[] sends = new CompletableFuture<?>[5];
    for (int i = 0; i < 5; i++) {
      sends[i] = ch.send(i).toCompletableFuture();
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(i, ch.tryReceive());
      assertTrue(sends[i].isDone());
      if (i + 1 < 5) {
        assertFalse(sends[i + 1].isDone(), "only the taken sender completes");
      }
    }
  }

  @Test
  void aCancelledSendIsNotDelivered() {
    ArrayChannel<String> ch = new ArrayChannel<>(0);
    CompletableFuture<Void> first = ch.send("gone").toCompletableFuture();
    CompletableFuture<Void> second = ch.send("kept").toCompletableFuture();
    assertTrue(first.cancel(false));
    assertEquals("kept", ch.tryReceive());
    assertTrue(second.isDone());
    assertNull(ch.tryReceive());
  }

  @Test
  void closeKeepsTheWaitingSendersMessagesThenFailsReceives() {
    ArrayChannel<String> ch = new ArrayChannel<>(0);
    CompletableFuture<Void> s1 = ch.send("1").toCompletableFuture();
    CompletableFuture<Void> s2 = ch.send("2").toCompletableFuture();
    assertTrue(ch.close());
    assertTrue(s1.isDone() && !s1.isCompletedExceptionally(), "accepted by close");
    assertTrue(s2.isDone() && !s2.isCompletedExceptionally());
    assertEquals(2, ch.size());
    assertEquals("1", ch.tryReceive());
    assertEquals("2", ch.receive().toCompletableFuture().join());
    assertThrows(ChannelClosedException.class, ch::tryReceive);
    CompletionException e =
        assertThrows(CompletionException.class, () -> ch.receive().toCompletableFuture().join());
    assertInstanceOf(ChannelClosedException.class, e.getCause());
    assertThrows(ChannelClosedException.class, () -> ch.trySend("3"));
  }

  @Test
  void closeFailsTheWaitingReceivers() {
    ArrayChannel<String> ch = new ArrayChannel<>(0);
    CompletableFuture<String> r = ch.receive().toCompletableFuture();
    ch.close(new IllegalStateException("producer died"));
    CompletionException e = assertThrows(CompletionException.class, r::join);
    assertInstanceOf(ChannelClosedException.class, e.getCause());
    assertEquals("producer died", e.getCause().getCause().getMessage());
  }
}
