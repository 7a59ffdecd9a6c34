package io.smolscale.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.ChannelClosedException;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Multi-producer multi-consumer stress: every message sent is received exactly once, and each
 * consumer sees each producer's messages in the order they were sent. Producers finish by closing
 * the channel; consumers drain it and stop on {@link ChannelClosedException}.
 *
 * <p>The 10-million-message runs use asynchronous loops on a small {@link ForkJoinPool}: an actor
 * continues synchronously while its stages complete at once and, when one is pending, resumes
 * through {@code whenCompleteAsync} on the pool. This keeps the test bound by the channel rather
 * than by thread hand-offs (parking and unparking a thread per message on a 2-core machine). A
 * smaller run with plain threads blocking in {@code join()} covers real parking. Message counts
 * scale with {@code smolscale.test.scale}.
 */
class ArrayChannelMpmcStressTest {

  private static final int PRODUCERS = 4;
  private static final int CONSUMERS = 4;
  private static final long ASYNC_MESSAGES = Races.scaled(10_000_000, 4_000);
  private static final long BLOCKING_MESSAGES = Races.scaled(200_000, 4_000);

  @Test
  void tenMillionMessagesThroughBoundedOneAreNeitherLostNorDuplicated() {
    runAsync(1, ASYNC_MESSAGES);
  }

  @Test
  void tenMillionMessagesThroughBoundedSixtyFourAreNeitherLostNorDuplicated() {
    runAsync(64, ASYNC_MESSAGES);
  }

  @Test
  void blockingThreadsThroughBoundedOneLoseAndDuplicateNothing() {
    runBlocking(1, BLOCKING_MESSAGES);
  }

  @Test
  void blockingThreadsThroughBoundedSixtyFourLoseAndDuplicateNothing() {
    runBlocking(64, BLOCKING_MESSAGES);
  }

  // ------------------------------------------------------------------ bookkeeping

  private static long encode(int producer, long seq) {
    return ((long) producer << 40) | seq;
  }

  /** What one consumer saw: a bit per (producer, sequence number), and order violations. */
  private static final class Seen {
    final BitSet[] bits = new BitSet[PRODUCERS];
    final long[] last = new long[PRODUCERS];
    long count;
    long duplicates;
    long outOfOrder;

    Seen(long perProducer) {
      for (int p = 0; p < PRODUCERS; p++) {
        bits[p] = new BitSet((int) perProducer);
        last[p] = -1;
      }
    }

    void record(long message) {
      int p = (int) (message >>> 40);
      int seq = (int) (message & ((1L << 40) - 1));
      if (bits[p].get(seq)) {
        duplicates++;
      }
      bits[p].set(seq);
      if (seq <= last[p]) {
        outOfOrder++;
      }
      last[p] = seq;
      count++;
    }
  }

  private static void verify(Seen[] seen, long perProducer, String label) {
    long total = 0;
    for (Seen s : seen) {
      assertEquals(0, s.duplicates, label + ": a consumer got a message twice");
      assertEquals(0, s.outOfOrder, label + ": a consumer saw a producer's messages out of order");
      total += s.count;
    }
    for (int p = 0; p < PRODUCERS; p++) {
      BitSet union = new BitSet((int) perProducer);
      for (Seen s : seen) {
        assertFalse(union.intersects(s.bits[p]), label + ": two consumers got the same message");
        union.or(s.bits[p]);
      }
      assertEquals(perProducer, union.cardinality(), label + ": messages of producer " + p);
      assertEquals(perProducer, union.nextClearBit(0), label + ": messages of producer " + p);
    }
    assertEquals(perProducer * PRODUCERS, total, label + ": messages received in all");
  }

  private static Duration budget() {
    return Duration.ofSeconds((long) Math.max(60, 120 * Races.scale()));
  }

  // ------------------------------------------------------------------ asynchronous loops

  private void runAsync(int capacity, long messages) {
    long perProducer = messages / PRODUCERS;
    String label = "async bounded(" + capacity + ") x " + perProducer * PRODUCERS;
    ArrayChannel<Long> ch = new ArrayChannel<>(capacity);
    Seen[] seen = new Seen[CONSUMERS];
    ForkJoinPool pool = new ForkJoinPool(2, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
    CountDownLatch consumersDone = new CountDownLatch(CONSUMERS);
    AtomicInteger producersLeft = new AtomicInteger(PRODUCERS);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable fail = () -> {
      for (int i = 0; i < CONSUMERS; i++) {
        consumersDone.countDown();
      }
    };
    try {
      long start = System.nanoTime();
      for (int c = 0; c < CONSUMERS; c++) {
        seen[c] = new Seen(perProducer);
        pool.execute(new AsyncConsumer(ch, pool, seen[c], consumersDone, failure, fail));
      }
      for (int p = 0; p < PRODUCERS; p++) {
        pool.execute(new AsyncProducer(ch, pool, p, perProducer, producersLeft, failure, fail));
      }
      assertTimeoutPreemptively(budget(), () -> consumersDone.await(), label);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertNull(failure.get(), label + ": an actor failed");
      verify(seen, perProducer, label);
      System.out.printf("[channel stress] %s: %d ms%n", label, millis);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Sends its sequence, continuing synchronously while sends complete at once. */
  private static final class AsyncProducer implements Runnable {
    private final ArrayChannel<Long> ch;
    private final Executor pool;
    private final int id;
    private final long count;
    private final AtomicInteger producersLeft;
    private final AtomicReference<Throwable> failure;
    private final Runnable fail;
    // Touched by one actor run at a time; the run that resumes after a pending send is ordered
    // after the previous one by the future's completion and the pool's submission.
    private long next;

    AsyncProducer(
        ArrayChannel<Long> ch,
        Executor pool,
        int id,
        long count,
        AtomicInteger producersLeft,
        AtomicReference<Throwable> failure,
        Runnable fail) {
      this.ch = ch;
      this.pool = pool;
      this.id = id;
      this.count = count;
      this.producersLeft = producersLeft;
      this.failure = failure;
      this.fail = fail;
    }

    @Override
    public void run() {
      while (next < count) {
        CompletableFuture<Void> f = ch.send(encode(id, next++)).toCompletableFuture();
        if (!f.isDone()) {
          f.whenCompleteAsync(
              (v, e) -> {
                if (e != null) {
                  failed(e);
                } else {
                  run();
                }
              },
              pool);
          return;
        }
        if (f.isCompletedExceptionally()) {
          failed(new AssertionError("send failed at once: " + f));
          return;
        }
      }
      if (producersLeft.decrementAndGet() == 0) {
        ch.close();
      }
    }

    private void failed(Throwable e) {
      failure.compareAndSet(null, e);
      fail.run();
    }
  }

  /** Receives until the channel is closed and drained. */
  private static final class AsyncConsumer implements Runnable {
    private final ArrayChannel<Long> ch;
    private final Executor pool;
    private final Seen seen;
    private final CountDownLatch done;
    private final AtomicReference<Throwable> failure;
    private final Runnable fail;

    AsyncConsumer(
        ArrayChannel<Long> ch,
        Executor pool,
        Seen seen,
        CountDownLatch done,
        AtomicReference<Throwable> failure,
        Runnable fail) {
      this.ch = ch;
      this.pool = pool;
      this.seen = seen;
      this.done = done;
      this.failure = failure;
      this.fail = fail;
    }

    @Override
    public void run() {
      for (; ; ) {
        CompletableFuture<Long> f = ch.receive().toCompletableFuture();
        if (!f.isDone()) {
          f.whenCompleteAsync(
              (v, e) -> {
                if (accept(v, e)) {
                  run();
                }
              },
              pool);
          return;
        }
        Long v;
        Throwable e;
        try {
          v = f.join();
          e = null;
        } catch (CompletionException x) {
          v = null;
          e = x.getCause();
        }
        if (!accept(v, e)) {
          return;
        }
      }
    }

    /** Records a message; false once the actor is finished. */
    private boolean accept(Long v, Throwable e) {
      if (e instanceof CompletionException && e.getCause() != null) {
        e = e.getCause();
      }
      if (e instanceof ChannelClosedException) {
        done.countDown();
        return false;
      }
      if (e != null) {
        failure.compareAndSet(null, e);
        fail.run();
        return false;
      }
      seen.record(v);
      return true;
    }
  }

  // ------------------------------------------------------------------ blocking threads

  private void runBlocking(int capacity, long messages) {
    long perProducer = messages / PRODUCERS;
    String label = "blocking bounded(" + capacity + ") x " + perProducer * PRODUCERS;
    ArrayChannel<Long> ch = new ArrayChannel<>(capacity);
    Seen[] seen = new Seen[CONSUMERS];
    AtomicInteger producersLeft = new AtomicInteger(PRODUCERS);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread[] threads = new Thread[PRODUCERS + CONSUMERS];
    for (int c = 0; c < CONSUMERS; c++) {
      Seen s = seen[c] = new Seen(perProducer);
      threads[c] =
          new Thread(
              () -> {
                try {
                  for (; ; ) {
                    s.record(ch.receive().toCompletableFuture().join());
                  }
                } catch (CompletionException e) {
                  if (!(e.getCause() instanceof ChannelClosedException)) {
                    failure.compareAndSet(null, e);
                  }
                }
              },
              "consumer-" + c);
    }
    for (int p = 0; p < PRODUCERS; p++) {
      int id = p;
      threads[CONSUMERS + p] =
          new Thread(
              () -> {
                try {
                  for (long i = 0; i < perProducer; i++) {
                    ch.send(encode(id, i)).toCompletableFuture().join();
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                } finally {
                  if (producersLeft.decrementAndGet() == 0) {
                    ch.close();
                  }
                }
              },
              "producer-" + p);
    }
    for (Thread t : threads) {
      t.setDaemon(true);
    }
    long start = System.nanoTime();
    try {
      assertTimeoutPreemptively(
          budget(),
          () -> {
            for (Thread t : threads) {
              t.start();
            }
            for (Thread t : threads) {
              t.join();
            }
          },
          label);
    } finally {
      for (Thread t : threads) {
        t.interrupt();
      }
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertNull(failure.get(), label + ": a thread failed");
    assertTrue(ch.isClosed());
    verify(seen, perProducer, label);
    System.out.printf("[channel stress] %s: %d ms%n", label, millis);
  }
}
