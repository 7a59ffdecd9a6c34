package io.smolscale.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.smolscale.ChannelClosedException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Races between the channel's own operations and close or cancel, each repeated many times (times
 * {@code smolscale.test.scale}) with the racing calls released together, and each round checked
 * for the only allowed outcomes: a message is delivered exactly once or, if its send did not
 * happen, never.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ArrayChannelRaceTest {

  private static final long ROUNDS = Races.scaled(5_000, 200);

  private static Throwable failureOf(CompletableFuture<?> f) {
    assertTrue(f.isDone(), "settled");
    try {
      f.join();
    } catch (CompletionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    }
    return fail("expected a failure, got " + f.join());
  }

  /** Holds a round's state; the actors are created once so that every thread sees the same. */
  private abstract static class TwoActors implements Races.Round {
    private final Runnable[] actors = {this::first, this::second};

    abstract void first();

    abstract void second();

    @Override
    public Runnable[] actors() {
      return actors;
    }
  }

  @Test
  void handOffRacingCancelDeliversTheValueExactlyOnce() throws Exception {
    Races.run(
        ROUNDS,
        2,
        () ->
            new TwoActors() {
              final ArrayChannel<String> ch = new ArrayChannel<>(1);
              final CompletableFuture<String> receiver = ch.receive().toCompletableFuture();
              volatile boolean cancelled;
              volatile CompletableFuture<Void> sent;

              @Override
              void first() {
                sent = ch.send("x").toCompletableFuture();
              }

              @Override
              void second() {
                cancelled = receiver.cancel(false);
              }

              @Override
              public void verify() {
                assertTrue(sent.isDone(), "a receiver waited or the buffer had room");
                assertNull(sent.join());
                if (cancelled) {
                  assertTrue(receiver.isCancelled());
                  assertEquals("x", ch.tryReceive(), "the value went to the buffer");
                } else {
                  assertEquals("x", receiver.join());
                  assertNull(ch.tryReceive(), "the value was not duplicated");
                }
              }
            });
  }

  @Test
  void admissionRacingCancelOfAWaitingSendDeliversItsMessageOnlyIfNotCancelled()
      throws Exception {
    Races.run(
        ROUNDS,
        2,
        () ->
            new TwoActors() {
              final ArrayChannel<String> ch = new ArrayChannel<>(1);
              final CompletableFuture<Void> first = ch.send("a").toCompletableFuture();
              final CompletableFuture<Void> waiting = ch.send("b").toCompletableFuture();
              volatile boolean cancelled;
              volatile String received;

              @Override
              void first() {
                received = ch.tryReceive();
              }

              @Override
              void second() {
                cancelled = waiting.cancel(false);
              }

              @Override
              public void verify() {
                assertEquals("a", received);
                assertTrue(waiting.isDone());
                if (cancelled) {
                  assertTrue(waiting.isCancelled());
                  assertNull(ch.tryReceive(), "a cancelled send is never delivered");
                } else {
                  assertNull(waiting.join());
                  assertEquals("b", ch.tryReceive());
                }
              }
            });
  }

  @Test
  void sendRacingCloseIsEitherAcceptedAndDeliveredOrFailed() throws Exception {
    Races.run(
        ROUNDS,
        2,
        () ->
            new TwoActors() {
              final ArrayChannel<String> ch = new ArrayChannel<>(1);
              volatile CompletableFuture<Void> sent;

              @Override
              void first() {
                sent = ch.send("x").toCompletableFuture();
              }

              @Override
              void second() {
                assertTrue(ch.close());
              }

              @Override
              public void verify() {
                if (sent.isCompletedExceptionally()) {
                  assertInstanceOf(ChannelClosedException.class, failureOf(sent));
                } else {
                  assertEquals("x", ch.tryReceive());
                }
                assertThrows(ChannelClosedException.class, ch::tryReceive);
              }
            });
  }

  @Test
  void waitingSendRacingCloseIsEitherAcceptedOrFailedNeverStranded() throws Exception {
    Races.run(
        ROUNDS,
        2,
        () ->
            new TwoActors() {
              final ArrayChannel<String> ch = new ArrayChannel<>(1);
              final CompletableFuture<Void> first = ch.send("a").toCompletableFuture();
              volatile CompletableFuture<Void> sent;

              @Override
              void first() {
                sent = ch.send("b").toCompletableFuture();
              }

              @Override
              void second() {
                ch.close();
              }

              @Override
              public void verify() {
                assertTrue(sent.isDone(), "close completes every waiting sender");
                assertEquals("a", ch.tryReceive());
                if (sent.isCompletedExceptionally()) {
                  assertInstanceOf(ChannelClosedException.class, failureOf(sent));
                } else {
                  assertEquals("b", ch.tryReceive());
                }
                assertThrows(ChannelClosedException.class, ch::tryReceive);
              }
            });
  }

  @Test
  void cancelRacingCloseSettlesTheReceiverExactlyOnce() throws Exception {
    Races.run(
        ROUNDS,
        2,
        () ->
            new TwoActors() {
              final ArrayChannel<String> ch = new ArrayChannel<>(1);
              final CompletableFuture<String> receiver = ch.receive().toCompletableFuture();
              volatile boolean cancelled;

              @Override
              void first() {
                cancelled = receiver.cancel(false);
              }

              @Override
              void second() {
                ch.close();
              }

              @Override
              public void verify() {
                Throwable t = failureOf(receiver);
                if (cancelled) {
                  assertInstanceOf(CancellationException.class, t);
                } else {
                  assertInstanceOf(ChannelClosedException.class, t);
                }
                assertThrows(ChannelClosedException.class, ch::tryReceive);
              }
            });
  }

  @Test
  void sendReceiveAndCloseRacingNeverLoseAnAcceptedMessage() throws Exception {
    Races.run(
        ROUNDS,
        3,
        () ->
            new Races.Round() {
              final ArrayChannel<String> ch = new ArrayChannel<>(1);
              volatile CompletableFuture<Void> sent;
              volatile CompletableFuture<String> received;
              final Runnable[] actors = {
                () -> sent = ch.send("x").toCompletableFuture(),
                () -> received = ch.receive().toCompletableFuture(),
                ch::close
              };

              @Override
              public Runnable[] actors() {
                return actors;
              }

              @Override
              public void verify() {
                assertTrue(received.isDone(), "after close no receiver waits");
                boolean accepted = !sent.isCompletedExceptionally();
                boolean delivered = !received.isCompletedExceptionally();
                // Accepted means appended or handed off before the close; either way the receive
                // (which, failing, came after the close) must have got it.
                assertEquals(accepted, delivered, "an accepted message is delivered, only then");
                if (delivered) {
                  assertEquals("x", received.join());
                } else {
                  assertInstanceOf(ChannelClosedException.class, failureOf(received));
                  assertInstanceOf(ChannelClosedException.class, failureOf(sent));
                }
                assertThrows(ChannelClosedException.class, ch::tryReceive);
              }
            });
  }
}
