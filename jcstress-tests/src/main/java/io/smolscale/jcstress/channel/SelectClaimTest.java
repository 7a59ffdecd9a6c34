package io.smolscale.jcstress.channel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.Select;
import io.smolscale.impl.channel.ArrayChannel;
import io.smolscale.impl.channel.Selects;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Select, the claim: a select waits to receive from two rendezvous channels, so it is queued as a
 * receiver in both; two senders each offer one message with {@code trySend}, one per channel,
 * each under its own channel's lock. The two locks do not exclude each other, so only the
 * select's compare-and-set on its winner keeps the two channels from both handing it a message
 * (the second message would be lost: its sender was told it was received). Afterwards no waiter
 * of the decided select is left in either channel: the winner withdraws it from the other, or
 * the losing sender drops it as dead.
 *
 * <p>r1, r2 = the senders' {@code trySend} results (1 = taken); r3 = the select's result (1 from a, 2 from b,
 * 0 = not decided); r4 = channels still holding a waiting receiver.
 *
 * <p>Negative control: {@code broken.BrokenSelectClaimTest} (the claim as check-then-set).
 */
@JCStressTest
@Outcome(id = {"1, 0, 1, 0", "0, 1, 2, 0"}, expect = ACCEPTABLE, desc = "one winner")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "both messages taken by one select")
@Outcome(expect = FORBIDDEN, desc = "no winner, a result not the winner's, or a waiter left")
@State
public class SelectClaimTest {
  private final ArrayChannel<Integer> a = new ArrayChannel<>(0);
  private final ArrayChannel<Integer> b = new ArrayChannel<>(0);
  private final CompletableFuture<Integer> select =
      Selects.select(
          List.<Select.Clause<Integer>>of(Selects.receive(a, m -> m), Selects.receive(b, m -> m)));

  @Actor
  public void senderA(IIII_Result r) {
    r.r1 = a.trySend(1) ? 1 : 0;
  }

  @Actor
  public void senderB(IIII_Result r) {
    r.r2 = b.trySend(2) ? 1 : 0;
  }

  @Arbiter
  public void outcome(IIII_Result r) {
    r.r3 = select.getNow(0);
    r.r4 = waiting(a) + waiting(b);
  }

  private static int waiting(ArrayChannel<?> channel) {
    // toString reports "receivers waiting=N" only while N > 0.
    return channel.toString().contains("receivers waiting") ? 1 : 0;
  }
}
