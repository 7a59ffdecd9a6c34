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
 * The real scheduler, one worker: a spawn from outside racing the worker going idle after its
 * previous task (publish idleness, re-check the queues, park). The task must run: a lost
 * wake-up leaves it in the global queue and the waiter waits forever. The scheduler is shared by
 * every round of the test (one per test JVM), so each spawn lands at a random point of the
 * worker's way to sleep. A long keep-alive keeps the worker from retiring (see
 * SubmitRacesRetiringWorkerTest for that race).
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the spawned task ran")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: the task was never run")
@State
public class SubmitRacesParkingWorkerTest {
  private static final Scheduler SCHEDULER = Scheduler.builder()
      .parallelism(1)
      .keepAlive(Duration.ofSeconds(60))
      .threadNamePrefix("jcstress-parking-")
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
