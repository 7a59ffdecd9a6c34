package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Channel;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Channel.asPublisher}: demand, the end of the channel, cancellation (no message lost),
 * competing subscribers, no stack growth, and rule 1.9. Every wait is on an event, bounded by
 * {@link Support#PATIENCE_SECONDS}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChannelPublisherTest {

  /** Records the signals; counts onNext down on a latch the test sets. */
  static class Recorder<T> implements Flow.Subscriber<T> {
    final List<T> items = new ArrayList<>(); // signals are serialised: guarded by this for reads
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    final long initial;
    final boolean oneMorePerItem;
    volatile CountDownLatch arrived = new CountDownLatch(0);

    Recorder(long initial, boolean oneMorePerItem) {
      this.initial = initial;
      this.oneMorePerItem = oneMorePerItem;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription.complete(s);
      if (initial > 0) {
        s.request(initial);
      }
    }

    @Override
    public void onNext(T item) {
      synchronized (this) {
        items.add(item);
      }
      arrived.countDown();
      if (oneMorePerItem) {
        subscription.join().request(1);
      }
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      done.complete(null);
    }

    synchronized List<T> items() {
      return new ArrayList<>(items);
    }
  }

  /** Proves a subscription takes only what was requested: the rest stays in the channel. */
  @Test
  void demandIsRespected() {
    Channel<Integer> ch = Channel.unbounded();
    for (int i = 0; i < 10; i++) {
      ch.trySend(i);
    }
    Recorder<Integer> r = new Recorder<>(0, false);
    r.arrived = new CountDownLatch(3);
    ch.asPublisher().subscribe(r);
    Flow.Subscription s = await(r.subscription, "onSubscribe");
    assertEquals(10, ch.size(), "nothing is taken without demand");
    s.request(3);
    Support.await(r.arrived, "three messages");
    assertEquals(List.of(0, 1, 2), r.items());
    assertEquals(7, ch.size(), "exactly the three requested were taken");
    r.arrived = new CountDownLatch(2);
    s.request(2);
    Support.await(r.arrived, "two more");
    assertEquals(List.of(0, 1, 2, 3, 4), r.items());
    assertEquals(5, ch.size());
    assertTrue(!r.done.isDone());
    s.cancel();
  }

  /** Proves a closed and drained channel completes the subscriber, demand or not. */
  @Test
  void aClosedChannelCompletes() {
    Channel<String> ch = Channel.bounded(4);
    ch.trySend("a");
    ch.trySend("b");
    ch.close();
    Recorder<String> r = new Recorder<>(Long.MAX_VALUE, false);
    ch.asPublisher().subscribe(r);
    await(r.done, "onComplete");
    assertEquals(List.of("a", "b"), r.items());

    Recorder<String> late = new Recorder<>(0, false); // no demand at all
    ch.asPublisher().subscribe(late);
    await(late.done, "onComplete without demand");
    assertEquals(List.of(), late.items());
  }

  /** Proves a close while the subscription waits in a receive completes it. */
  @Test
  void aCloseWhileWaitingCompletes() {
    Channel<String> ch = Channel.bounded(1);
    Recorder<String> r = new Recorder<>(5, false);
    r.arrived = new CountDownLatch(1);
    ch.asPublisher().subscribe(r);
    ch.send("x");
    Support.await(r.arrived, "the message");
    ch.close();
    await(r.done, "onComplete");
    assertEquals(List.of("x"), r.items());
  }

  /** Proves a close with a cause fails the subscriber with the cause itself, after the messages. */
  @Test
  void aCloseWithACauseSignalsOnError() {
    Channel<Integer> ch = Channel.unbounded();
    ch.trySend(1);
    IOException cause = new IOException("producer failed");
    ch.close(cause);
    Recorder<Integer> r = new Recorder<>(1, true);
    ch.asPublisher().subscribe(r);
    Exception e = assertThrows(Exception.class,
        () -> r.done.get(Support.PATIENCE_SECONDS, TimeUnit.SECONDS));
    assertSame(cause, e.getCause());
    assertEquals(List.of(1), r.items());
  }

  /** Proves cancelling withdraws the pending receive: a later message stays in the channel. */
  @Test
  void cancelWithdrawsTheReceive() {
    ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    Channel<String> ch = Channel.bounded(2);
    Recorder<String> r = new Recorder<>(1, false);
    ch.asPublisher(tasks::add).subscribe(r);
    runAll(tasks); // onSubscribe, request(1), empty: a receive waits
    Flow.Subscription s = r.subscription.join();
    s.cancel();
    runAll(tasks);
    assertTrue(ch.trySend("after cancel"));
    runAll(tasks);
    assertEquals("after cancel", ch.tryReceive(), "the cancelled subscription took a message");
    assertEquals(List.of(), r.items());
    s.request(1); // a no-op now (rule 3.6)
    ch.trySend("again");
    runAll(tasks);
    assertEquals("again", ch.tryReceive());
    assertTrue(!r.done.isDone(), "no signal after cancel");
  }

  /**
   * Proves a message the receive took as the subscriber cancelled is delivered, not dropped: the
   * cancel lands between the subscription's tryReceive (empty) and its receive(), which then
   * takes a message at once. Deterministic, as ChannelLoopTest's counterpart: the test runs the
   * tasks, and the channel below cancels and sends from inside that tryReceive.
   */
  @Test
  void aMessageTakenAsTheSubscriberCancelsIsDelivered() {
    Channel<String> real = Channel.unbounded();
    ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    Recorder<String> r = new Recorder<>(1, false);
    boolean[] armed = {true};
    Channel<String> racing = new Forwarding<>(real, () -> {
      if (armed[0]) {
        armed[0] = false;
        r.subscription.join().cancel(); // the cancel comes now...
        real.trySend("in flight"); // ...and a message the receive() will take at once
      }
    });
    racing.asPublisher(tasks::add).subscribe(r);
    runAll(tasks);
    assertEquals(List.of("in flight"), r.items(), "the taken message was dropped");
    assertNull(real.tryReceive());
    real.trySend("later");
    runAll(tasks);
    assertEquals("later", real.tryReceive(), "taking goes on after cancel");
    assertEquals(List.of("in flight"), r.items());
  }

  /** Proves two subscribers split the messages: each once, in channel order within each. */
  @Test
  void twoSubscribersSplitTheMessages() {
    Channel<Integer> ch = Channel.bounded(16);
    Recorder<Integer> a = new Recorder<>(1, true);
    Recorder<Integer> b = new Recorder<>(1, true);
    ch.asPublisher().subscribe(a);
    ch.asPublisher().subscribe(b);
    int n = 20_000;
    CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < n; i++) {
        ch.send(i).toCompletableFuture().join();
      }
      ch.close();
    });
    await(producer, "the producer");
    await(a.done, "a's onComplete");
    await(b.done, "b's onComplete");
    List<Integer> as = a.items();
    List<Integer> bs = b.items();
    assertEquals(n, as.size() + bs.size());
    Set<Integer> all = new HashSet<>(as);
    all.addAll(bs);
    assertEquals(n, all.size(), "a message went to both");
    assertAscending(as);
    assertAscending(bs);
  }

  /**
   * Proves 100,000 messages available at once, requested one at a time from onNext (rule 3.3),
   * do not grow the stack: the depth at onNext stays within a few frames of the first.
   */
  @Test
  void manySynchronousMessagesDoNotGrowTheStack() {
    Channel<Integer> ch = Channel.unbounded();
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      ch.trySend(i);
    }
    ch.close();
    int[] depth = {-1, 0}; // first, max (signals are serialised and ordered)
    Recorder<Integer> r = new Recorder<>(1, true) {
      int seen;

      @Override
      public void onNext(Integer item) {
        if (seen++ % 1000 == 0) {
          int d = Thread.currentThread().getStackTrace().length;
          depth[0] = depth[0] < 0 ? d : depth[0];
          depth[1] = Math.max(depth[1], d);
        }
        super.onNext(item);
      }
    };
    ch.asPublisher().subscribe(r);
    await(r.done, "onComplete");
    List<Integer> items = r.items();
    assertEquals(n, items.size());
    assertAscending(items);
    assertTrue(depth[1] <= depth[0] + 20, "stack grew from " + depth[0] + " to " + depth[1]);
  }

  /** Rule 1.9: a null subscriber is refused with NullPointerException. */
  @Test
  void aNullSubscriberIsRefused() {
    Flow.Publisher<String> p = Channel.<String>unbounded().asPublisher();
    assertThrows(NullPointerException.class, () -> p.subscribe(null));
    assertThrows(NullPointerException.class, () -> Channel.unbounded().asPublisher(null));
  }

  /** Rule 3.9: request(0) fails the subscription with IllegalArgumentException. */
  @Test
  void aNonPositiveRequestSignalsOnError() {
    Channel<String> ch = Channel.unbounded();
    ch.trySend("kept");
    Recorder<String> r = new Recorder<>(0, false);
    ch.asPublisher().subscribe(r);
    await(r.subscription, "onSubscribe").request(0);
    Exception e = assertThrows(Exception.class,
        () -> r.done.get(Support.PATIENCE_SECONDS, TimeUnit.SECONDS));
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertEquals("kept", ch.tryReceive());
  }

  private static void runAll(ArrayDeque<Runnable> tasks) {
    for (Runnable t; (t = tasks.poll()) != null; ) {
      t.run();
    }
  }

  private static void assertAscending(List<Integer> xs) {
    for (int i = 1; i < xs.size(); i++) {
      assertTrue(xs.get(i - 1) < xs.get(i), "out of order at " + i + ": " + xs.get(i - 1)
          + " before " + xs.get(i));
    }
  }

  /** A channel that forwards to another and runs a hook when a tryReceive finds nothing. */
  static final class Forwarding<T> implements Channel<T> {
    private final Channel<T> real;
    private final Runnable onEmpty;

    Forwarding(Channel<T> real, Runnable onEmpty) {
      this.real = real;
      this.onEmpty = onEmpty;
    }

    @Override
    public CompletionStage<Void> send(T m) {
      return real.send(m);
    }

    @Override
    public boolean trySend(T m) {
      return real.trySend(m);
    }

    @Override
    public CompletionStage<T> receive() {
      return real.receive();
    }

    @Override
    public T tryReceive() {
      T m = real.tryReceive();
      if (m == null) {
        onEmpty.run();
      }
      return m;
    }

    @Override
    public boolean close() {
      return real.close();
    }

    @Override
    public boolean isClosed() {
      return real.isClosed();
    }

    @Override
    public int size() {
      return real.size();
    }

    @Override
    public int capacity() {
      return real.capacity();
    }
  }
}
