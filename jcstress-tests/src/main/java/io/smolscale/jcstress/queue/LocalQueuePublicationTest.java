package io.smolscale.jcstress.queue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.impl.queue.GlobalQueue;
import io.smolscale.impl.queue.LocalQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Safe publication through the local queue: the owner creates a task, writes its (plain,
 * non-final) fields and offers it; a balancer that takes it sees the fields written. The edge is
 * the producer's release store of tail and the consumer's acquire load of it. r1, r2 = the
 * fields seen, -1 = the balancer found nothing.
 */
@JCStressTest
@Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "not offered yet")
@Outcome(id = "42, 43", expect = ACCEPTABLE, desc = "taken, fully initialised")
@Outcome(expect = FORBIDDEN, desc = "taken, but its fields were not visible")
@State
public class LocalQueuePublicationTest {
  private final LocalQueue local = new LocalQueue(4);
  private final GlobalQueue global = new GlobalQueue();

  /** A task whose state is written after construction, with plain stores. */
  static final class Payload implements Runnable {
    int a;
    int b;

    @Override
    public void run() {}
  }

  @Actor
  public void owner() {
    Payload p = new Payload();
    p.a = 42;
    p.b = 43;
    local.offer(p);
  }

  @Actor
  public void balancer(II_Result r) {
    local.drainAllTo(global);
    Payload p = (Payload) global.poll();
    if (p == null) {
      r.r1 = -1;
      r.r2 = -1;
    } else {
      r.r1 = p.a;
      r.r2 = p.b;
    }
  }
}
