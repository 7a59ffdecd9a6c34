package io.smolscale.jmh;

import io.smolscale.Channel;
import io.smolscale.Select;
import io.smolscale.jmh.harness.ForkJvm;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of a {@link Select} over two channels (issue 16) next to a plain receive on one
 * channel and to the JDK's nearest "first of", {@link CompletableFuture#anyOf}. One thread, no
 * scheduling: what the select adds to a hand-off. Not in the report: {@code java -jar
 * jmh/target/benchmarks.jar Selects}.
 *
 * <p>{@code ready}: a message is already buffered in the second of two bounded channels; the
 * operation takes it. {@code waiting}: both channels are empty, the operation waits, then one
 * message is offered ({@code trySend}) and completes it; for the select that is: lock both
 * channels, queue a waiter in each, claim by CAS, withdraw the waiter from the other channel.
 *
 * <p>{@code op}: {@code select} ({@code Select.first(onReceive(a), onReceive(b))}); {@code
 * receive} ({@code b.receive()} alone: the floor); {@code anyOf} ({@code CompletableFuture.anyOf}
 * over two plain futures, one completed with the message in {@code ready}, one completed in
 * {@code waiting}: the JDK's combinator alone, with no channel; over two channels' receive stages
 * it would not be a select, since the losing receive stays queued and takes a later message).
 */
@Fork(value = 1, jvmArgsAppend = {ForkJvm.XMS, ForkJvm.XMX, ForkJvm.THP, ForkJvm.PRETOUCH})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class Selects {
  /** Which operation; see the class comment. */
  @Param({"select", "receive", "anyOf"})
  public String op;

  private final Channel<Integer> a = Channel.bounded(4);
  private final Channel<Integer> b = Channel.bounded(4);
  private final Integer message = 7;
  private CompletableFuture<Integer> pendingA = new CompletableFuture<>();
  private CompletableFuture<Integer> pendingB = new CompletableFuture<>();

  /** For {@code anyOf}: what completes it in {@code waiting}, where a channel would. */
  private boolean offer() {
    if ("anyOf".equals(op)) {
      return pendingB.complete(message);
    }
    return b.trySend(message);
  }

  private CompletableFuture<?> take() {
    switch (op) {
      case "select":
        return Select.first(Select.onReceive(a, m -> m), Select.onReceive(b, m -> m));
      case "receive":
        return b.receive().toCompletableFuture();
      case "anyOf":
        pendingA = new CompletableFuture<>();
        pendingB = new CompletableFuture<>();
        if (b.tryReceive() != null) { // ready: the message is there
          pendingB.complete(message);
        }
        return CompletableFuture.anyOf(pendingA, pendingB);
      default:
        throw new IllegalArgumentException("op " + op);
    }
  }

  /**
   * Takes a message that is already buffered.
   *
   * @return the message
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Object ready() {
    if (!b.trySend(message)) {
      throw new AssertionError("channel b full");
    }
    CompletableFuture<?> f = take();
    Object got = f.getNow(null);
    if (got == null) {
      throw new AssertionError(op + " did not take the ready message");
    }
    return got;
  }

  /**
   * Waits on empty channels, then one message arrives.
   *
   * @return the message
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Object waiting() {
    CompletableFuture<?> f = take();
    if (f.isDone()) {
      throw new AssertionError(op + " completed on empty channels");
    }
    if (!offer()) {
      throw new AssertionError(op + " was not waiting on channel b");
    }
    Object got = f.getNow(null);
    if (got == null) {
      throw new AssertionError(op + " not completed by the message");
    }
    return got;
  }
}
