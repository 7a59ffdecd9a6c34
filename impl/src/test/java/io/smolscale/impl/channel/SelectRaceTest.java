package io.smolscale.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.smolscale.ChannelClosedException;
import io.smolscale.Select;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Races on a waiting {@link Select}: channels that try to claim it at once, its owner's cancel, a
 * close, its time-out, and other selects. Each race is repeated many times (times {@code
 * smolscale.test.scale}) with the racing calls released together by {@link Races}, and each round
 * is checked for the only outcomes the protocol allows: exactly one clause takes effect; every
 * other clause leaves its channel as it was (the message stays with its sender or in the buffer,
 * no dead waiter takes anything later); nothing is lost or delivered twice.
 *
 * <p>These fail if the claim does not decide the select atomically (a claim that returns true
 * without the compare-and-set lets two channels complete one select: the losing message
 * disappears), or if registration is not atomic with the readiness check (a select and a sender
 * left waiting on one channel).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SelectRaceTest {

  private static final long ROUNDS = Races.scaled(5_000, 200);

  /** A round whose actors are fixed at construction, so every thread sees the same array. */
  private abstract static class Round implements Races.Round {
    private final Runnable[] actors;

    Round(Runnable... actors) {
      this.actors = actors;
    }

    @Override
    public Runnable[] actors() {
      return actors;
    }
  }

  private static <T> CompletableFuture<T> pending(CompletableFuture<T> select) {
    assertTrue(Selects.wasQueued(select), "the round needs a select that waits");
    return select;
  }

  private static String join(CompletableFuture<String> f) {
    return f.orTimeout(30, TimeUnit.SECONDS).join();
  }

  // ---------------------------------------------------------------- channels claiming at once

  @Test
  void twoRendezvousSendersRacingOneSelectHandOverExactlyOneMessage() throws Exception {
    Races.run(ROUNDS, 2, () -> new Round() {
      final ArrayChannel<String> a = new ArrayChannel<>(0);
      final ArrayChannel<String> b = new ArrayChannel<>(0);
      final CompletableFuture<String> select =
          pending(Select.first(Select.onReceive(a, m -> m), Select.onReceive(b, m -> m)));
      final AtomicReference<CompletableFuture<Void>> sa = new AtomicReference<>();
      final AtomicReference<CompletableFuture<Void>> sb = new AtomicReference<>();

      @Override
      public Runnable[] actors() {
        return new Runnable[] {
          () -> sa.set(a.send("a").toCompletableFuture()),
          () -> sb.set(b.send("b").toCompletableFuture())
        };
      }

      @Override
      public void verify() {
        String got = select.getNow(null);
        assertTrue("a".equals(got) || "b".equals(got), "one sender completed the select: " + got);
        ArrayChannel<String> chosen = got.equals("a") ? a : b;
        ArrayChannel<String> other = got.equals("a") ? b : a;
        CompletableFuture<Void> chosenSend = (got.equals("a") ? sa : sb).get();
        CompletableFuture<Void> otherSend = (got.equals("a") ? sb : sa).get();
        assertTrue(chosenSend.isDone(), "the chosen sender was handed off");
        assertFalse(otherSend.isDone(), "the other sender still waits with its message");
        assertNull(chosen.tryReceive(), "the chosen message was not duplicated");
        assertEquals(got.equals("a") ? "b" : "a", other.tryReceive(), "the other message stayed");
        assertTrue(otherSend.isDone(), "taking it completed its sender");
      }
    });
  }

  @Test
  void twoBufferedSendsRacingOneSelectLeaveTheOtherMessageInItsBuffer() throws Exception {
    Races.run(ROUNDS, 2, () -> new Round() {
      final ArrayChannel<String> a = new ArrayChannel<>(1);
      final ArrayChannel<String> b = new ArrayChannel<>(1);
      final CompletableFuture<String> select =
          pending(Select.first(Select.onReceive(a, m -> m), Select.onReceive(b, m -> m)));
      volatile boolean okA;
      volatile boolean okB;

      @Override
      public Runnable[] actors() {
        return new Runnable[] {() -> okA = a.trySend("a"), () -> okB = b.trySend("b")};
      }

      @Override
      public void verify() {
        assertTrue(okA && okB, "each send found the select or room");
        String got = select.getNow(null);
        assertTrue("a".equals(got) || "b".equals(got), "one send completed the select: " + got);
        assertNull((got.equals("a") ? a : b).tryReceive(), "not duplicated");
        assertEquals(
            got.equals("a") ? "b" : "a",
            (got.equals("a") ? b : a).tryReceive(),
            "the other message is in its buffer, not taken by a dead waiter");
      }
    });
  }

  // ---------------------------------------------------------------- the owner, close, time-out

  @Test
  void aSendRacingTheOwnersCancelLandsInTheSelectOrStaysInTheChannel() throws Exception {
    Races.run(ROUNDS, 2, () -> new Round() {
      final ArrayChannel<String> a = new ArrayChannel<>(1);
      final ArrayChannel<String> b = new ArrayChannel<>(1);
      final CompletableFuture<String> select =
          pending(Select.first(Select.onReceive(a, m -> m), Select.onReceive(b, m -> m)));
      volatile boolean sent;
      volatile boolean cancelled;

      @Override
      public Runnable[] actors() {
        return new Runnable[] {() -> sent = a.trySend("x"), () -> cancelled = select.cancel(false)};
      }

      @Override
      public void verify() {
        assertTrue(sent, "the select or the buffer took it");
        assertTrue(select.isDone());
        if (cancelled) {
          assertTrue(select.isCancelled());
          assertEquals("x", a.tryReceive(), "a cancelled select took nothing");
        } else {
          assertEquals("x", select.join());
          assertNull(a.tryReceive(), "not duplicated");
        }
        assertTrue(b.trySend("y"));
        assertEquals("y", b.tryReceive(), "the withdrawn clause on b took nothing later");
      }
    });
  }

  @Test
  void closeRacingCancelOfAWaitingSendClauseAcceptsItsMessageOrNothing() throws Exception {
    Races.run(ROUNDS, 2, () -> new Round() {
      final ArrayChannel<String> ch = new ArrayChannel<>(0);
      final ArrayChannel<String> other = new ArrayChannel<>(0);
      final CompletableFuture<String> select =
          pending(Select.first(Select.onSend(ch, "m", () -> "sent"), Select.onReceive(other, m -> m)));
      volatile boolean cancelled;

      @Override
      public Runnable[] actors() {
        return new Runnable[] {ch::close, () -> cancelled = select.cancel(false)};
      }

      @Override
      public void verify() {
        assertTrue(select.isDone());
        if (cancelled) {
          assertTrue(select.isCancelled());
        } else {
          assertEquals("sent", select.join(), "close accepted the waiting send clause");
          assertEquals("m", ch.tryReceive(), "its message is delivered after the close");
        }
        assertThrows(
            ChannelClosedException.class, ch::tryReceive, "nothing else is in the channel");
        CompletableFuture<String> receiver = other.receive().toCompletableFuture();
        assertTrue(other.trySend("z"), "a live receiver waits on the other channel");
        assertEquals("z", receiver.getNow(null), "not the select's withdrawn clause");
      }
    });
  }

  @Test
  void aSendRacingTheTimeOutEitherIsChosenOrStaysInTheChannel() throws Exception {
    long rounds = Races.scaled(1_000, 100);
    Races.run(rounds, 1, () -> new Round() {
      final ArrayChannel<String> a = new ArrayChannel<>(1);
      final CompletableFuture<String> select =
          pending(
              Select.first(
                  Select.onReceive(a, m -> m), Select.onTimeout(Duration.ofNanos(1), () -> "late")));
      volatile boolean sent;

      @Override
      public Runnable[] actors() {
        return new Runnable[] {() -> sent = a.trySend("x")};
      }

      @Override
      public void verify() {
        assertTrue(sent);
        String got = join(select); // the time-out completes it if the send did not
        if (got.equals("late")) {
          assertEquals("x", a.tryReceive(), "a timed-out select took nothing");
        } else {
          assertEquals("x", got);
          assertNull(a.tryReceive(), "not duplicated");
        }
      }
    });
  }

  // ---------------------------------------------------------------- selects against selects

  @Test
  void twoSelectsStartingWhileTwoRendezvousSendsStartAreMatchedOneToOne() throws Exception {
    // Whatever the interleaving, no select may be left waiting on a channel where a sender waits:
    // the start checks readiness and registers under the same locks.
    Races.run(ROUNDS, 4, () -> new Round() {
      final ArrayChannel<String> a = new ArrayChannel<>(0);
      final ArrayChannel<String> b = new ArrayChannel<>(0);
      final AtomicReference<CompletableFuture<String>> s1 = new AtomicReference<>();
      final AtomicReference<CompletableFuture<String>> s2 = new AtomicReference<>();
      final AtomicReference<CompletableFuture<Void>> sa = new AtomicReference<>();
      final AtomicReference<CompletableFuture<Void>> sb = new AtomicReference<>();

      @Override
      public Runnable[] actors() {
        return new Runnable[] {
          () -> s1.set(Select.first(Select.onReceive(a, m -> m), Select.onReceive(b, m -> m))),
          () -> s2.set(Select.first(Select.onReceive(b, m -> m), Select.onReceive(a, m -> m))),
          () -> sa.set(a.send("a").toCompletableFuture()),
          () -> sb.set(b.send("b").toCompletableFuture())
        };
      }

      @Override
      public void verify() {
        assertTrue(s1.get().isDone() && s2.get().isDone(), "both selects matched a sender");
        assertTrue(sa.get().isDone() && sb.get().isDone(), "both senders matched a select");
        assertEquals(Set.of("a", "b"), Set.of(s1.get().join(), s2.get().join()), "one each");
        assertNull(a.tryReceive());
        assertNull(b.tryReceive());
      }
    });
  }

  @Test
  void aSelectThatSendsAndOneThatReceivesOnTheSameChannelsMeetExactlyOnce() throws Exception {
    // A sending select against a receiving one: the claim of a select waiter by a select start.
    Races.run(ROUNDS, 2, () -> new Round() {
      final ArrayChannel<String> a = new ArrayChannel<>(0);
      final ArrayChannel<String> b = new ArrayChannel<>(0);
      final AtomicReference<CompletableFuture<String>> sender = new AtomicReference<>();
      final AtomicReference<CompletableFuture<String>> receiver = new AtomicReference<>();

      @Override
      public Runnable[] actors() {
        return new Runnable[] {
          () -> sender.set(Select.first(
              Select.onSend(a, "a", () -> "sent a"), Select.onSend(b, "b", () -> "sent b"))),
          () -> receiver.set(Select.first(
              Select.onReceive(b, m -> m), Select.onReceive(a, m -> m)))
        };
      }

      @Override
      public void verify() {
        String sent = sender.get().getNow(null);
        String got = receiver.get().getNow(null);
        assertTrue(sent != null && got != null, "the later select found the earlier waiting");
        assertEquals("sent " + got, sent, "the message received is the one whose clause won");
        assertNull(a.tryReceive(), "the losing send clause left nothing behind");
        assertNull(b.tryReceive());
        CompletableFuture<String> r = a.receive().toCompletableFuture();
        assertTrue(a.trySend("later"), "a live receiver waits, not a dead select clause");
        assertEquals("later", r.getNow(null));
      }
    });
  }

  // ---------------------------------------------------------------- stress

  @Test
  void consumersSelectingOverTwoChannelsReceiveEveryMessageExactlyOnce() throws Exception {
    int perProducer = (int) Races.scaled(20_000, 2_000);
    int producersPerChannel = 2;
    int consumers = 3;
    ArrayChannel<Integer> a = new ArrayChannel<>(4);
    ArrayChannel<Integer> b = new ArrayChannel<>(0);
    List<ArrayChannel<Integer>> channels = List.of(a, b);
    int total = perProducer * producersPerChannel * channels.size();
    AtomicIntegerArray seen = new AtomicIntegerArray(total);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> producers = new ArrayList<>();
    for (int c = 0; c < channels.size(); c++) {
      for (int p = 0; p < producersPerChannel; p++) {
        ArrayChannel<Integer> ch = channels.get(c);
        int base = (c * producersPerChannel + p) * perProducer;
        producers.add(new Thread(() -> {
          for (int i = 0; i < perProducer; i++) {
            ch.send(base + i).toCompletableFuture().join();
          }
        }, "select-producer-" + c + "-" + p));
      }
    }
    List<Thread> readers = new ArrayList<>();
    for (int k = 0; k < consumers; k++) {
      readers.add(new Thread(() -> {
        try {
          consume(channels, seen);
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }, "select-consumer-" + k));
    }
    readers.forEach(Thread::start);
    producers.forEach(Thread::start);
    for (Thread t : producers) {
      t.join(TimeUnit.SECONDS.toMillis(120));
      assertFalse(t.isAlive(), "producer finished");
    }
    a.close();
    b.close();
    for (Thread t : readers) {
      t.join(TimeUnit.SECONDS.toMillis(60));
      assertFalse(t.isAlive(), "consumer saw both channels end");
    }
    if (failure.get() != null) {
      throw new AssertionError("a consumer failed", failure.get());
    }
    for (int i = 0; i < total; i++) {
      assertEquals(1, seen.get(i), "message " + i + " received exactly once");
    }
  }

  /** Selects over the channels still open until both are closed and drained. */
  private static void consume(List<ArrayChannel<Integer>> all, AtomicIntegerArray seen) {
    List<ArrayChannel<Integer>> live = new ArrayList<>(all);
    while (!live.isEmpty()) {
      List<Select.Clause<Integer>> clauses = new ArrayList<>();
      for (ArrayChannel<Integer> ch : live) {
        clauses.add(Select.onReceive(ch, m -> m));
      }
      int m;
      try {
        m = Select.first(clauses).orTimeout(60, TimeUnit.SECONDS).join();
      } catch (CompletionException e) {
        assertInstanceOf(ChannelClosedException.class, e.getCause());
        // Some chosen channel is closed and drained; a closed channel gains no new messages, so
        // draining it here and dropping it is exact.
        live.removeIf(ch -> {
          if (!ch.isClosed()) {
            return false;
          }
          try {
            for (Integer left = ch.tryReceive(); left != null; left = ch.tryReceive()) {
              record(seen, left);
            }
          } catch (ChannelClosedException drained) {
            return true;
          }
          return fail("a closed channel returned null from tryReceive before it was drained");
        });
        continue;
      }
      record(seen, m);
    }
  }

  private static void record(AtomicIntegerArray seen, int m) {
    if (seen.incrementAndGet(m) != 1) {
      fail("message " + m + " received twice");
    }
  }
}
