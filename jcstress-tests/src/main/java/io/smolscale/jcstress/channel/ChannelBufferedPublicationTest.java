package io.smolscale.jcstress.channel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.impl.channel.ArrayChannel;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Bounded channel, through the buffer: the sender writes a message's plain fields and sends it;
 * a receiver that takes it with tryReceive sees it whole. r1, r2 = the fields, -1 = empty.
 */
@JCStressTest
@Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "not sent yet")
@Outcome(id = "42, 43", expect = ACCEPTABLE, desc = "received whole")
@Outcome(expect = FORBIDDEN, desc = "received, but its fields were not visible")
@State
public class ChannelBufferedPublicationTest {
  /** A message with plain, non-final fields. */
  static final class Message {
    int a;
    int b;
  }

  private final ArrayChannel<Message> channel = new ArrayChannel<>(1);

  @Actor
  public void sender() {
    Message m = new Message();
    m.a = 42;
    m.b = 43;
    channel.trySend(m);
  }

  @Actor
  public void receiver(II_Result r) {
    Message m = channel.tryReceive();
    if (m == null) {
      r.r1 = -1;
      r.r2 = -1;
    } else {
      r.r1 = m.a;
      r.r2 = m.b;
    }
  }
}
