package io.smolscale.impl.api;

import io.smolscale.Channel;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * The Reactive Streams TCK (1.0.4, {@code reactive-streams-tck-flow}) against {@code
 * Channel.asPublisher()}: a publisher of n elements is a channel holding n messages and closed;
 * the failed publisher is a channel closed with a cause. TestNG, run by the JUnit Platform's
 * TestNG engine.
 */
public class ChannelPublisherTckTest extends FlowPublisherVerification<Long> {

  public ChannelPublisherTckTest() {
    super(new TestEnvironment(500, 100));
  }

  @Override
  public Flow.Publisher<Long> createFlowPublisher(long elements) {
    Channel<Long> ch = Channel.unbounded();
    for (long i = 0; i < elements; i++) {
      ch.trySend(i);
    }
    ch.close();
    return ch.asPublisher();
  }

  @Override
  public Flow.Publisher<Long> createFailedFlowPublisher() {
    Channel<Long> ch = Channel.unbounded();
    ch.close(new RuntimeException("failed publisher (TCK)"));
    return ch.asPublisher();
  }

  @Override
  public long maxElementsFromPublisher() {
    return 4096; // each element is a buffered message
  }
}
