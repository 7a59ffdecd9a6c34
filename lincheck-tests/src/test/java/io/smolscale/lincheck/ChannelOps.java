package io.smolscale.lincheck;

import io.smolscale.ChannelClosedException;
import io.smolscale.impl.channel.ArrayChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;

/**
 * The operations of the channel tests, over an {@link ArrayChannel} of the subclass's capacity:
 * the asynchronous send and receive (their result is the state of the returned stage when the
 * call returns: done, pending, or closed), the immediate trySend and tryReceive, close, and the
 * observers. A pending receiver's value is not observed directly, but its effect is: it is not
 * in the buffer, so later receives differ if the hand-off went wrong.
 */
@Param(name = "m", gen = IntGen.class, conf = "1:9")
public abstract class ChannelOps {
  private final ArrayChannel<Integer> channel;

  protected ChannelOps(int capacity) {
    channel = new ArrayChannel<>(capacity);
  }

  @Operation
  public String send(@Param(name = "m") int m) {
    return describe(channel.send(m));
  }

  @Operation
  public boolean trySend(@Param(name = "m") int m) {
    return channel.trySend(m); // ChannelClosedException is a result too
  }

  @Operation
  public String receive() {
    return describe(channel.receive());
  }

  @Operation
  public Integer tryReceive() {
    return channel.tryReceive();
  }

  @Operation
  public boolean close() {
    return channel.close();
  }

  @Operation
  public boolean isClosed() {
    return channel.isClosed();
  }

  @Operation
  public int size() {
    return channel.size();
  }

  private static String describe(CompletionStage<?> stage) {
    CompletableFuture<?> f = stage.toCompletableFuture();
    if (!f.isDone()) {
      return "pending";
    }
    try {
      Object v = f.join();
      return v == null ? "done" : "got " + v;
    } catch (CompletionException e) {
      return e.getCause() instanceof ChannelClosedException ? "closed" : "failed " + e.getCause();
    }
  }
}
