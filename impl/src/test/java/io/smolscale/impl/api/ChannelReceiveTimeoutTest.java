package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.Channel;
import io.smolscale.ChannelClosedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@code Channel.receive(Duration)} (issue 16): a receive that times out takes no message, a
 * message available now is taken at once whatever the timeout, and the time-out completes the
 * stage on a worker of the global scheduler, not on the timer thread.
 */
class ChannelReceiveTimeoutTest {

  // Timed out: the stage fails with TimeoutException, on a smolscale worker; a message sent
  // afterwards is still there for the next receiver. The dependent that looks at the thread is
  // attached after receive() returns: if the time-out has already fired by then (a busy machine),
  // CompletableFuture runs the dependent on this thread, which says nothing about the timer; that
  // attempt is inconclusive and the next one doubles the timeout (bounded: 8 attempts, 5 ms to
  // 640 ms). A dependent that runs on any other thread must run on a worker.
  @Test
  void aTimedOutReceiveTakesNothing() {
    Channel<String> ch = Channel.bounded(2);
    Thread me = Thread.currentThread();
    boolean conclusive = false;
    for (int attempt = 0, millis = 5; attempt < 8 && !conclusive; attempt++, millis *= 2) {
      CompletableFuture<String> r = ch.receive(Duration.ofMillis(millis)).toCompletableFuture();
      CompletableFuture<Thread> ranOn = new CompletableFuture<>();
      CompletableFuture<Boolean> onWorker = new CompletableFuture<>();
      CompletableFuture<Throwable> failure =
          r.handle(
              (v, e) -> {
                ranOn.complete(Thread.currentThread());
                onWorker.complete(io.smolscale.Smolscale.global().isWorkerThread());
                return e;
              });
      assertInstanceOf(TimeoutException.class, await(failure, "the receive to time out"));
      if (await(ranOn, "the dependent") != me) {
        conclusive = true;
        assertTrue(
            await(onWorker, "the thread check"), "completed on a worker of the global scheduler");
      }
    }
    assertTrue(conclusive, "every attempt timed out before its dependent was attached");
    assertTrue(ch.trySend("later"));
    assertEquals("later", ch.tryReceive(), "the timed-out receive took nothing");
  }

  // A message available now is taken at once, even with a zero timeout; with nothing there a
  // zero timeout fails at once; a message that comes in time is received.
  @Test
  void zeroAndAmpleTimeouts() {
    Channel<String> ch = Channel.unbounded();
    assertTrue(ch.trySend("now"));
    assertEquals("now", ch.receive(Duration.ZERO).toCompletableFuture().join());
    CompletableFuture<String> none = ch.receive(Duration.ZERO).toCompletableFuture();
    assertTrue(none.isDone(), "a zero timeout does not wait");
    assertInstanceOf(TimeoutException.class, none.handle((v, e) -> e).join());
    CompletableFuture<String> waiting =
        ch.receive(Duration.ofSeconds(Support.PATIENCE_SECONDS)).toCompletableFuture();
    assertTrue(ch.trySend("in time"));
    assertEquals("in time", await(waiting, "the message"));
    ch.close();
    Throwable closed =
        ch.receive(Duration.ofDays(1)).toCompletableFuture().handle((v, e) -> e).join();
    assertInstanceOf(ChannelClosedException.class, closed);
    assertThrows(NullPointerException.class, () -> ch.receive(null));
  }
}
