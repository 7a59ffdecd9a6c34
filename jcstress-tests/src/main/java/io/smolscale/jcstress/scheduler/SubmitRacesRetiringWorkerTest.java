package io.smolscale.jcstress.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smolscale.Scheduler;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/**
 * The real scheduler, one worker with a 50 us keep-alive: a spawn from outside racing the worker
 * retiring (its keep-alive passed while parked: it withdraws from the idle set and exits) or a
 * new worker starting. The task must run: a spawn that sees a live worker which then retires
 * without re-checking the queues is stranded.
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the spawned task ran")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: the task was never run")
@State
public class SubmitRacesRetiringWorkerTest {
  private static final Scheduler SCHEDULER = Scheduler.builder()
      .parallelism(1)
      .keepAlive(Duration.ofNanos(50_000))
      .threadNamePrefix("jcstress-retiring-")
      .build();

  private final CountDownLatch ran = new CountDownLatch(1);

  @Actor
  public void waiter() throws InterruptedException {
    ran.await();
  }

  @Signal
  public void submitter() {
    SCHEDULER.spawn(ran::countDown);
  }
}
