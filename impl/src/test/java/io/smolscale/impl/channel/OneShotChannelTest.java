package io.smolscale.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.ChannelClosedException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Behaviour of {@link OneShotChannel}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OneShotChannelTest {

  private static Throwable failureOf(CompletableFuture<?> f) {
    return assertThrows(CompletionException.class, f::join).getCause();
  }

  @Test
  void sentValueReachesTheReceiver() {
    OneShotChannel<String> ch = new OneShotChannel<>();
    CompletableFuture<String> r = ch.receive().toCompletableFuture();
    assertFalse(r.isDone());
    assertTrue(ch.send("v"));
    assertEquals("v", r.join());
  }

  @Test
  void valueSentBeforeTheReceiverAsksWaitsForIt() {
    OneShotChannel<String> ch = new OneShotChannel<>();
    assertTrue(ch.send("v"));
    assertEquals("v", ch.receive().toCompletableFuture().join());
  }

  @Test
  void receiveReturnsTheSameStageEveryTime() {
    OneShotChannel<String> ch = new OneShotChannel<>();
    assertSame(ch.receive(), ch.receive());
  }

  @Test
  void secondSendIsRefusedAndTheFirstValueStays() {
    OneShotChannel<String> ch = new OneShotChannel<>();
    assertTrue(ch.send("first"));
    assertFalse(ch.send("second"));
    assertEquals("first", ch.receive().toCompletableFuture().join());
  }

  @Test
  void nullValueIsRefusedWithAMessage() {
    OneShotChannel<String> ch = new OneShotChannel<>();
    NullPointerException e = assertThrows(NullPointerException.class, () -> ch.send(null));
    assertTrue(e.getMessage().contains("null"));
    assertFalse(ch.receive().toCompletableFuture().isDone());
  }

  @Test
  void closeWithoutAValueFailsTheReceiver() {
    OneShotChannel<String> ch = new OneShotChannel<>();
    assertTrue(ch.close());
    assertInstanceOf(
        ChannelClosedException.class, failureOf(ch.receive().toCompletableFuture()));
    assertFalse(ch.send("late"), "send after close is refused");
  }

  @Test
  void closeIsIdempotent() {
    OneShotChannel<String> ch = new OneShotChannel<>();
    assertTrue(ch.close());
    assertFalse(ch.close());
  }

  @Test
  void closeAfterSendChangesNothing() {
    OneShotChannel<String> ch = new OneShotChannel<>();
    ch.send("v");
    assertFalse(ch.close());
    assertEquals("v", ch.receive().toCompletableFuture().join());
  }

  @Test
  void sendAfterTheReceiverCancelledIsRefused() {
    OneShotChannel<String> ch = new OneShotChannel<>();
    assertTrue(ch.receive().toCompletableFuture().cancel(false));
    assertFalse(ch.send("v"));
    assertThrows(CancellationException.class, () -> ch.receive().toCompletableFuture().join());
  }

  @Test
  void sendCompletesTheReceiverOnTheSendersThread() throws Exception {
    OneShotChannel<String> ch = new OneShotChannel<>();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    CompletableFuture<String> r =
        ch.receive().toCompletableFuture().thenApply(v -> {
          ranOn.set(Thread.currentThread());
          return v;
        });
    Thread sender = new Thread(() -> ch.send("v"), "one-shot-sender");
    sender.start();
    sender.join();
    assertEquals("v", r.join());
    assertSame(sender, ranOn.get());
  }

  @Test
  void sendRacingCloseAndCancelHasExactlyOneWinner() throws Exception {
    Races.run(
        Races.scaled(5_000, 200),
        3,
        () ->
            new Races.Round() {
              final OneShotChannel<String> ch = new OneShotChannel<>();
              volatile boolean sent;
              volatile boolean closed;
              volatile boolean cancelled;
              final Runnable[] actors = {
                () -> sent = ch.send("v"),
                () -> closed = ch.close(),
                () -> cancelled = ch.receive().toCompletableFuture().cancel(false)
              };

              @Override
              public Runnable[] actors() {
                return actors;
              }

              @Override
              public void verify() {
                int winners = (sent ? 1 : 0) + (closed ? 1 : 0) + (cancelled ? 1 : 0);
                assertEquals(1, winners, "sent=" + sent + " closed=" + closed);
                CompletableFuture<String> r = ch.receive().toCompletableFuture();
                if (sent) {
                  assertEquals("v", r.join());
                } else if (closed) {
                  assertInstanceOf(ChannelClosedException.class, failureOf(r));
                } else {
                  assertTrue(r.isCancelled());
                }
              }
            });
  }
}
