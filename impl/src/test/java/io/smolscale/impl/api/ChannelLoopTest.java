package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Channel;
import io.smolscale.ChannelClosedException;
import io.smolscale.Scheduler;
import io.smolscale.Task;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Channels that loop (issue 16): {@code forEach} over many buffered messages without stack
 * growth, in order, ending with the channel; {@code drainTo}; and receive stages that compensate
 * when joined on a worker, so that a one-worker scheduler with preemption off does not deadlock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChannelLoopTest {
  /** Runs the loop inline: deterministic, for the tests that must know where the loop stands. */
  private static final Executor DIRECT = Runnable::run;

  /**
   * Proves forEach handles 200,000 buffered messages (a recursive thenCompose loop overflows the
   * stack within 1-10k) in order, and completes normally once the channel is closed and drained.
   */
  @Test
  void forEachOverManyBufferedMessagesKeepsOrderAndEnds() {
    Channel<Integer> ch = Channel.unbounded();
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      assertTrue(ch.trySend(i));
    }
    ch.close();
    List<Integer> seen = new ArrayList<>(); // one action at a time, each before the next
    CompletableFuture<Void> loop = ch.forEach(seen::add);
    await(loop, "the loop to end");
    assertEquals(n, seen.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i, seen.get(i));
    }
  }

  /**
   * Proves messages sent while the loop waits all arrive, in order, and that a close with a cause
   * fails the loop with a ChannelClosedException carrying it.
   */
  @Test
  void forEachFollowsAProducerAndReportsTheCloseCause() throws Exception {
    Channel<Integer> ch = Channel.bounded(4);
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<Void> loop = ch.forEach(seen::add);
    IOException cause = new IOException("producer failed");
    try (Scheduler s = Support.small(2).build()) {
      Task<Void> producer = s.spawn(() -> {
        for (int i = 0; i < 10_000; i++) {
          ch.send(i).toCompletableFuture().join(); // back-pressure: 4 in the buffer at most
        }
        ch.close(cause);
      });
      await(producer.toCompletableFuture(), "the producer");
    }
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> loop.get(Support.PATIENCE_SECONDS, TimeUnit.SECONDS));
    assertInstanceOf(ChannelClosedException.class, e.getCause());
    assertSame(cause, e.getCause().getCause());
    assertEquals(10_000, seen.size());
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(i, seen.get(i));
    }
  }

  /** Proves an action that throws stops the loop at that message and leaves the rest queued. */
  @Test
  void aFailingActionStopsTheLoop() {
    Channel<Integer> ch = Channel.unbounded();
    for (int i = 0; i < 5; i++) {
      ch.trySend(i);
    }
    IllegalStateException boom = new IllegalStateException("no 2");
    CompletableFuture<Void> loop = ch.forEach(m -> {
      if (m == 2) {
        throw boom;
      }
    }, DIRECT);
    assertTrue(loop.isCompletedExceptionally());
    ExecutionException e = assertThrows(ExecutionException.class, loop::get);
    assertSame(boom, e.getCause());
    assertEquals(3, ch.tryReceive(), "the loop took exactly the messages up to the failing one");
    assertTrue(!ch.isClosed());
  }

  /** Proves cancelling the loop withdraws its pending receive: a later message stays queued. */
  @Test
  void cancellingTheLoopWithdrawsItsReceive() {
    Channel<String> ch = Channel.bounded(2);
    List<String> seen = new ArrayList<>();
    CompletableFuture<Void> loop = ch.forEach(seen::add, DIRECT); // now waiting in receive()
    assertTrue(ch.trySend("first"));
    assertEquals(List.of("first"), seen, "the waiting loop takes a message at once");
    assertTrue(loop.cancel(false));
    assertTrue(ch.trySend("after cancel"));
    assertEquals("after cancel", ch.tryReceive(), "the cancelled loop still took a message");
    assertEquals(List.of("first"), seen);
  }

  /** Proves drainTo moves what is there now, honours its limit, and ends quietly when closed. */
  @Test
  void drainToTakesWhatIsThere() {
    Channel<Integer> ch = Channel.bounded(8);
    for (int i = 0; i < 5; i++) {
      ch.trySend(i);
    }
    List<Integer> sink = new ArrayList<>();
    assertEquals(3, ch.drainTo(sink, 3));
    assertEquals(2, ch.drainTo(sink));
    assertEquals(List.of(0, 1, 2, 3, 4), sink);
    assertEquals(0, ch.drainTo(sink));
    ch.close();
    assertEquals(0, ch.drainTo(sink), "closed and drained: none, no exception");
    assertThrows(NullPointerException.class, () -> ch.drainTo(null));
  }

  /**
   * Proves a join on a receive stage (and on a stage derived from it) compensates on a worker: on
   * one worker with preemption off, the task that joins would otherwise hold the only thread
   * while the sending task waits behind it in the queue.
   */
  @Test
  void joiningAReceiveOnAWorkerCompensates() {
    // One worker, no preemption; room for a replacement thread, which only compensation starts.
    try (Scheduler s = Scheduler.builder().parallelism(1).maxThreads(4).preemption(false)
        .keepAlive(Support.KEEP_ALIVE).build()) {
      Channel<String> ch = Channel.bounded(1);
      Task<String> receiver = s.spawn(() -> {
        Task<?> sender = s.spawn(() -> ch.trySend("hello"));
        String direct = ch.receive().toCompletableFuture().join();
        s.spawn(() -> ch.trySend("again"));
        String derived = ch.receive().thenApply(String::toUpperCase).toCompletableFuture().join();
        sender.join();
        return direct + " " + derived;
      });
      try {
        assertEquals("hello AGAIN", await(receiver.toCompletableFuture(), "the receiving task"));
      } finally {
        // Without compensation the receiver is stuck in an uninterruptible join that close()
        // would wait for: free it, so that a broken build fails this test instead of hanging it.
        ch.trySend("unblock");
        ch.trySend("unblock");
      }
    }
  }

  /**
   * Proves a message the loop's receive took as the loop was being cancelled still reaches the
   * action: the cancel lands between the loop's tryReceive (empty) and its receive(), which then
   * returns a message at once. Deterministic: the test runs the loop's tasks itself, and the
   * channel below cancels the loop and sends from inside that tryReceive.
   */
  @Test
  void aMessageTakenAsTheLoopIsCancelledIsNotLost() {
    Channel<String> real = Channel.unbounded();
    java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();
    CompletableFuture<?>[] loopRef = new CompletableFuture<?>[1];
    boolean[] armed = {false};
    Channel<String> racing = new Channel<>() {
      @Override
      public java.util.concurrent.CompletionStage<Void> send(String m) {
        return real.send(m);
      }

      @Override
      public boolean trySend(String m) {
        return real.trySend(m);
      }

      @Override
      public java.util.concurrent.CompletionStage<String> receive() {
        return real.receive();
      }

      @Override
      public String tryReceive() {
        String m = real.tryReceive();
        if (m == null && armed[0]) {
          armed[0] = false;
          loopRef[0].cancel(false); // the cancel comes now...
          real.trySend("in flight"); // ...and a message the loop's receive() will take at once
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
    };
    List<String> seen = new ArrayList<>();
    CompletableFuture<Void> loop = racing.forEach(seen::add, tasks::add);
    loopRef[0] = loop;
    armed[0] = true;
    for (Runnable t; (t = tasks.poll()) != null; ) {
      t.run();
    }
    assertTrue(loop.isCancelled());
    assertEquals(List.of("in flight"), seen, "the taken message was dropped");
    assertEquals(null, real.tryReceive());
  }
}
