package io.smolscale.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Channel;
import io.smolscale.ChannelClosedException;
import io.smolscale.Select;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Select} over smolscale's channels, one thread driving both sides: which clause is
 * chosen, that exactly one takes effect and the others leave their channels as they were, and
 * the owner's cancel and time-outs. The races are in {@code SelectRaceTest}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SelectTest {

  private static Throwable failureOf(CompletableFuture<?> f) {
    CompletionException e = assertThrows(CompletionException.class, f::join);
    return e.getCause();
  }

  // ------------------------------------------------------------------ ready at start

  @Test
  void theFirstReadyClauseInArgumentOrderIsChosenAndTheOthersTakeNothing() {
    ArrayChannel<String> a = new ArrayChannel<>(4);
    ArrayChannel<String> b = new ArrayChannel<>(4);
    a.trySend("a1");
    b.trySend("b1");
    CompletableFuture<String> s =
        Select.first(Select.onReceive(b, m -> "b:" + m), Select.onReceive(a, m -> "a:" + m));
    assertEquals("b:b1", s.getNow(null), "ready at once: complete when first returns");
    assertFalse(Selects.wasQueued(s));
    assertEquals("a1", a.tryReceive(), "the other clause's message stayed");
    assertNull(b.tryReceive());
  }

  @Test
  void aSendClauseIsReadyWhenTheBufferHasRoomOrAReceiverWaits() {
    ArrayChannel<String> buffered = new ArrayChannel<>(1);
    assertEquals("sent", Select.first(Select.onSend(buffered, "m", () -> "sent")).join());
    assertEquals("m", buffered.tryReceive());

    ArrayChannel<String> rendezvous = new ArrayChannel<>(0);
    CompletableFuture<String> receiver = rendezvous.receive().toCompletableFuture();
    CompletableFuture<String> s = Select.first(Select.onSend(rendezvous, "hi", () -> "handed"));
    assertEquals("handed", s.getNow(null));
    assertEquals("hi", receiver.getNow(null));
  }

  @Test
  void aReceiveClauseTakesAWaitingSendersMessageAndCompletesThatSender() {
    ArrayChannel<String> rendezvous = new ArrayChannel<>(0);
    CompletableFuture<Void> sender = rendezvous.send("x").toCompletableFuture();
    assertEquals("x", Select.first(Select.onReceive(rendezvous, m -> m)).getNow(null));
    assertTrue(sender.isDone() && !sender.isCompletedExceptionally());

    ArrayChannel<String> full = new ArrayChannel<>(1);
    full.trySend("1");
    CompletableFuture<Void> waiting = full.send("2").toCompletableFuture();
    assertEquals("1", Select.first(Select.onReceive(full, m -> m)).getNow(null));
    assertTrue(waiting.isDone(), "admitted into the room the select made");
    assertEquals("2", full.tryReceive());
  }

  @Test
  void otherwiseIsChosenOnlyWhenNothingIsReadyAndRegistersNothing() {
    ArrayChannel<String> a = new ArrayChannel<>(0);
    CompletableFuture<String> s =
        Select.first(Select.onReceive(a, m -> m), Select.otherwise(() -> "nothing"));
    assertEquals("nothing", s.getNow(null));
    assertFalse(a.trySend("late"), "the select left no receiver behind");

    ArrayChannel<String> b = new ArrayChannel<>(1);
    b.trySend("here");
    assertEquals(
        "here", Select.first(Select.otherwise(() -> "no"), Select.onReceive(b, m -> m)).join(),
        "otherwise loses to a ready clause wherever it is in the list");
  }

  @Test
  void aZeroTimeOutActsAsOtherwise() {
    ArrayChannel<String> a = new ArrayChannel<>(0);
    CompletableFuture<String> s =
        Select.first(Select.onReceive(a, m -> m), Select.onTimeout(Duration.ZERO, () -> "now"));
    assertEquals("now", s.getNow(null));
  }

  // ------------------------------------------------------------------ waiting

  @Test
  void aWaitingSelectIsDecidedByTheFirstSendAndWithdrawsFromTheOtherChannels() {
    ArrayChannel<String> a = new ArrayChannel<>(0);
    ArrayChannel<String> b = new ArrayChannel<>(0);
    CompletableFuture<String> s =
        Select.first(Select.onReceive(a, m -> "a:" + m), Select.onReceive(b, m -> "b:" + m));
    assertTrue(Selects.wasQueued(s));
    assertFalse(s.isDone());
    assertEquals("Select[waiting, 2 clauses]", s.toString());
    assertTrue(b.trySend("1"), "the select waits on b");
    assertEquals("b:1", s.getNow(null));
    assertFalse(a.trySend("2"), "and no longer on a");
    CompletableFuture<Void> plain = a.send("3").toCompletableFuture();
    assertEquals("3", a.tryReceive(), "a's next receiver gets a's next message");
    assertTrue(plain.isDone());
  }

  @Test
  void aWaitingSendClauseIsTakenByAReceiver() {
    ArrayChannel<String> out = new ArrayChannel<>(0);
    ArrayChannel<String> in = new ArrayChannel<>(0);
    CompletableFuture<String> s =
        Select.first(Select.onSend(out, "msg", () -> "sent"), Select.onReceive(in, m -> m));
    assertFalse(s.isDone());
    assertEquals("msg", out.tryReceive());
    assertEquals("sent", s.getNow(null));
    assertFalse(in.trySend("x"), "the receive clause was withdrawn");
  }

  @Test
  void aSelectThatSendsAndReceivesOnOneChannelIsServedByEitherSide() {
    ArrayChannel<String> ch = new ArrayChannel<>(0);
    CompletableFuture<String> s1 =
        Select.first(Select.onSend(ch, "out", () -> "sent"), Select.onReceive(ch, m -> "got " + m));
    assertEquals("out", ch.tryReceive(), "a receiver takes the send clause's message");
    assertEquals("sent", s1.join());
    assertFalse(ch.trySend("x"), "its receive clause is gone");

    CompletableFuture<String> s2 =
        Select.first(Select.onSend(ch, "out", () -> "sent"), Select.onReceive(ch, m -> "got " + m));
    assertTrue(ch.trySend("in"));
    assertEquals("got in", s2.join());
    assertNull(ch.tryReceive(), "its send clause is gone");
  }

  @Test
  void twoSelectsOnOneChannelAreServedInOrderAndEachTakesOneMessage() {
    ArrayChannel<String> a = new ArrayChannel<>(0);
    ArrayChannel<String> b = new ArrayChannel<>(0);
    CompletableFuture<String> first =
        Select.first(Select.onReceive(a, m -> "1a:" + m), Select.onReceive(b, m -> "1b:" + m));
    CompletableFuture<String> second = Select.first(Select.onReceive(b, m -> "2b:" + m));
    assertTrue(a.trySend("x"));
    assertEquals("1a:x", first.join());
    assertTrue(b.trySend("y"), "the first select's dead clause on b does not take y");
    assertEquals("2b:y", second.join());
  }

  @Test
  void theSameChannelTwiceTakesOneMessage() {
    ArrayChannel<String> a = new ArrayChannel<>(0);
    CompletableFuture<String> s =
        Select.first(Select.onReceive(a, m -> "one:" + m), Select.onReceive(a, m -> "two:" + m));
    assertTrue(a.trySend("x"));
    assertEquals("one:x", s.join());
    assertFalse(a.trySend("y"));
  }

  // ------------------------------------------------------------------ closed channels

  @Test
  void aClosedChannelMakesItsClauseReadyWithTheFailure() {
    ArrayChannel<String> closed = new ArrayChannel<>(1);
    closed.close(new IllegalStateException("why"));
    ArrayChannel<String> open = new ArrayChannel<>(1);
    Throwable r = failureOf(Select.first(Select.onReceive(closed, m -> m), Select.onReceive(open, m -> m)));
    assertInstanceOf(ChannelClosedException.class, r);
    assertEquals("why", r.getCause().getMessage());
    Throwable s = failureOf(Select.first(Select.onSend(closed, "m", () -> "sent")));
    assertInstanceOf(ChannelClosedException.class, s);

    ArrayChannel<String> drained = new ArrayChannel<>(2);
    drained.trySend("last");
    drained.close();
    assertEquals("last", Select.first(Select.onReceive(drained, m -> m)).join(),
        "a closed channel still delivers its buffered messages first");
  }

  @Test
  void closingAChannelWhileTheSelectWaitsFailsItsReceiveClause() {
    ArrayChannel<String> a = new ArrayChannel<>(0);
    ArrayChannel<String> b = new ArrayChannel<>(0);
    CompletableFuture<String> s = Select.first(Select.onReceive(a, m -> m), Select.onReceive(b, m -> m));
    a.close();
    assertInstanceOf(ChannelClosedException.class, failureOf(s));
    assertFalse(b.trySend("x"), "withdrawn from b");
  }

  @Test
  void closingAChannelWhileASendClauseWaitsAcceptsItsMessage() {
    ArrayChannel<String> a = new ArrayChannel<>(0);
    ArrayChannel<String> b = new ArrayChannel<>(0);
    CompletableFuture<String> s =
        Select.first(Select.onSend(a, "kept", () -> "sent"), Select.onReceive(b, m -> m));
    a.close();
    assertEquals("sent", s.join());
    assertEquals("kept", a.tryReceive());
  }

  // ------------------------------------------------------------------ the owner's side

  @Test
  void cancellingAWaitingSelectWithdrawsEveryClause() {
    ArrayChannel<String> a = new ArrayChannel<>(0);
    ArrayChannel<String> b = new ArrayChannel<>(1);
    b.trySend("fill");
    CompletableFuture<String> s =
        Select.first(Select.onReceive(a, m -> m), Select.onSend(b, "never", () -> "sent"));
    assertTrue(s.cancel(false));
    assertTrue(s.isCancelled());
    assertFalse(a.trySend("x"), "no receiver left on a");
    assertEquals("fill", b.tryReceive());
    assertNull(b.tryReceive(), "the send clause's message was never delivered");
  }

  @Test
  void aCancelAfterTheDecisionLosesAndTheResultStands() {
    ArrayChannel<String> a = new ArrayChannel<>(0);
    CompletableFuture<String> s = Select.first(Select.onReceive(a, m -> m));
    assertTrue(a.trySend("x"));
    assertFalse(s.cancel(false));
    assertFalse(s.complete("other"));
    assertEquals("x", s.join());
  }

  @Test
  void orTimeoutWithdrawsTheSelect() {
    ArrayChannel<String> a = new ArrayChannel<>(0);
    CompletableFuture<String> s = Select.first(Select.onReceive(a, m -> m));
    s.orTimeout(1, TimeUnit.MILLISECONDS);
    assertInstanceOf(TimeoutException.class, failureOf(s));
    assertFalse(a.trySend("x"), "the timed-out select took nothing");
  }

  @Test
  void theTimeOutClauseIsChosenWhenNothingHappensAndRunsOffTheTimerThread() {
    ArrayChannel<String> a = new ArrayChannel<>(0);
    CompletableFuture<String> s =
        Select.first(
            Select.onReceive(a, m -> m),
            Select.onTimeout(
                Duration.ofMillis(5), () -> Thread.currentThread().getName()));
    String ranOn = s.join(); // waits for the event: the timer's decision
    assertFalse(ranOn.contains("timer"), "ran on " + ranOn);
    assertFalse(a.trySend("x"), "withdrawn");
  }

  @Test
  void aThrowingFunctionFailsTheSelectAndTheMessageIsConsumed() {
    ArrayChannel<String> a = new ArrayChannel<>(1);
    a.trySend("x");
    IllegalStateException boom = new IllegalStateException("boom");
    CompletableFuture<String> s =
        Select.first(Select.onReceive(a, m -> {
          throw boom;
        }));
    assertSame(boom, failureOf(s));
    assertNull(a.tryReceive());

    ArrayChannel<String> b = new ArrayChannel<>(0);
    CompletableFuture<String> waiting =
        Select.first(Select.onReceive(b, m -> {
          throw boom;
        }));
    assertTrue(b.trySend("y"), "the sender is not hurt by the select's function");
    assertSame(boom, failureOf(waiting));
  }

  // ------------------------------------------------------------------ bad input

  @Test
  void badSelectsAreRefusedNamingTheProblem() {
    ArrayChannel<String> a = new ArrayChannel<>(1);
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> Select.first(List.of()));
    assertTrue(none.getMessage().contains("at least one clause"), none.getMessage());
    IllegalArgumentException two =
        assertThrows(
            IllegalArgumentException.class,
            () -> Select.first(Select.otherwise(() -> 1), Select.onTimeout(Duration.ZERO, () -> 2)));
    assertTrue(two.getMessage().contains("at most one"), two.getMessage());
    Channel<String> foreign = new ForeignChannel();
    IllegalArgumentException f =
        assertThrows(IllegalArgumentException.class, () -> Select.onReceive(foreign, m -> m));
    assertTrue(f.getMessage().contains(ForeignChannel.class.getName()), f.getMessage());
    assertThrows(NullPointerException.class, () -> Select.onSend(a, null, () -> 1));
    assertThrows(NullPointerException.class, () -> Select.onReceive(a, null));
    assertThrows(
        NullPointerException.class, () -> Select.first(Select.onReceive(a, m -> m), null));
    assertEquals(0, a.size(), "nothing was started");
  }

  /** A channel of some other implementation. */
  private static final class ForeignChannel implements Channel<String> {
    @Override
    public CompletionStage<Void> send(String message) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean trySend(String message) {
      return false;
    }

    @Override
    public CompletionStage<String> receive() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String tryReceive() {
      return null;
    }

    @Override
    public boolean close() {
      return false;
    }

    @Override
    public boolean isClosed() {
      return false;
    }

    @Override
    public int size() {
      return 0;
    }

    @Override
    public int capacity() {
      return 1;
    }
  }

  // ---------------------------------------------------------------- no dead waiters left behind

  @Test
  void aDecidedSelectLeavesNoWaiterInItsOtherChannels() {
    // Dead clauses are skipped by a claim anyway; the winner's cleanup is what keeps a channel
    // that is selected on and never sent to from filling with them.
    ArrayChannel<String> busy = new ArrayChannel<>(0);
    ArrayChannel<String> quiet = new ArrayChannel<>(0);
    for (int i = 0; i < 1_000; i++) {
      CompletableFuture<String> s =
          Select.first(Select.onReceive(busy, m -> m), Select.onReceive(quiet, m -> m));
      assertTrue(busy.trySend("m" + i));
      assertEquals("m" + i, s.getNow(null));
      CompletableFuture<String> t =
          Select.first(Select.onReceive(quiet, m -> m), Select.onTimeout(Duration.ofDays(1), () -> ""));
      assertTrue(t.cancel(false));
    }
    assertEquals("Channel[rendezvous, buffered=0, open]", quiet.toString(), "nothing waits");
    CompletableFuture<String> waiting = Select.first(Select.onReceive(quiet, m -> m));
    assertEquals("Channel[rendezvous, buffered=0, receivers waiting=1, open]", quiet.toString());
    waiting.cancel(false);
  }
}
