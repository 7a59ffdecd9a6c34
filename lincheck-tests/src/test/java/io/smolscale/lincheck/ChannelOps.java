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
 * the asynchronous send and receive, the immediate trySend and tryReceive, close, and the
 * observers. The result of send and receive is their outcome at the linearization point, inside
 * the channel's lock: {@code pending} if the channel queued the operation ({@link
 * ArrayChannel#wasQueued}), else the state of the already completed stage (done, got, closed). A
 * pending receiver's value is not observed directly, but its effect is: it is not in the buffer,
 * so later receives differ if the hand-off went wrong.
 *
 * <p>An earlier version read the stage's state after the call returned ({@code isDone}), which is
 * not atomic with the call: Lincheck's long mode (model checking at its default sizes) found a
 * send queued on a full channel, admitted by a concurrent {@code close} before the test looked,
 * reported as {@code done}: an outcome no sequential order gives. The channel was right (close
 * admits waiting senders); the test's observation was not linearizable.
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
    if (ArrayChannel.wasQueued(stage)) {
      return "pending";
    }
    CompletableFuture<?> f = stage.toCompletableFuture();
    if (!f.isDone()) {
      return "not queued, yet not complete"; // no specification outcome: fails the check
    }
    try {
      Object v = f.join();
      return v == null ? "done" : "got " + v;
    } catch (CompletionException e) {
      return e.getCause() instanceof ChannelClosedException ? "closed" : "failed " + e.getCause();
    }
  }
}
