package io.smolscale.impl.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Channel;
import io.smolscale.ChannelClosedException;
import io.smolscale.OneShot;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * {@code Channel.close(Throwable)} and {@code OneShot.fail(Throwable)} (issue 16): the cause
 * reaches every later {@link ChannelClosedException}; buffered messages are still received; the
 * first close wins.
 */
class ChannelCloseCauseTest {
  private final IllegalStateException cause = new IllegalStateException("producer failed");

  private static Throwable failureOf(CompletableFuture<?> f) {
    CompletionException e = assertThrows(CompletionException.class, f::join);
    return e.getCause();
  }

  // Buffered messages first, then a ChannelClosedException carrying the cause, for waiting
  // receivers, later receivers and senders alike.
  @Test
  void aChannelClosedWithACauseDrainsThenFailsWithIt() {
    Channel<String> ch = Channel.bounded(4);
    assertTrue(ch.trySend("m1"));
    assertTrue(ch.close(cause));
    assertEquals("m1", ch.tryReceive());
    ChannelClosedException r = assertThrows(ChannelClosedException.class, ch::tryReceive);
    assertSame(cause, r.getCause());
    Throwable stage = failureOf(ch.receive().toCompletableFuture());
    assertInstanceOf(ChannelClosedException.class, stage);
    assertSame(cause, stage.getCause());
    ChannelClosedException s = assertThrows(ChannelClosedException.class, () -> ch.trySend("x"));
    assertSame(cause, s.getCause());
    assertSame(cause, failureOf(ch.send("x").toCompletableFuture()).getCause());
  }

  // A receiver already waiting is failed with the cause; a second close keeps the first cause.
  @Test
  void aWaitingReceiverGetsTheCauseAndTheFirstCloseWins() {
    Channel<String> ch = Channel.unbounded();
    CompletableFuture<String> waiting = ch.receive().toCompletableFuture();
    assertTrue(ch.close(cause));
    assertFalse(ch.close(new RuntimeException("later")));
    assertFalse(ch.close());
    assertSame(cause, failureOf(waiting).getCause());
    Channel<String> plain = Channel.bounded(1);
    plain.close();
    assertFalse(plain.close(cause));
    assertNull(assertThrows(ChannelClosedException.class, plain::tryReceive).getCause());
    assertThrows(NullPointerException.class, () -> ch.close(null));
  }

  // A one-shot failed before a value fails its receiver with the cause; after a value it does
  // nothing.
  @Test
  void aOneShotFailsItsReceiverWithTheCause() {
    OneShot<String> reply = OneShot.create();
    assertTrue(reply.fail(cause));
    assertFalse(reply.send("late"));
    Throwable f = failureOf(reply.receive().toCompletableFuture());
    assertInstanceOf(ChannelClosedException.class, f);
    assertSame(cause, f.getCause());
    OneShot<String> sent = OneShot.create();
    assertTrue(sent.send("v"));
    assertFalse(sent.fail(cause));
    assertEquals("v", sent.receive().toCompletableFuture().join());
    assertThrows(NullPointerException.class, () -> sent.fail(null));
  }
}
