package io.smolscale.impl.channel;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Test support: runs the actors of many rounds on dedicated threads, released together by a
 * barrier, and verifies each round after all actors finished (the barrier orders both edges).
 * Also reads the stress multiplier {@code smolscale.test.scale}.
 */
final class Races {
  private Races() {}

  /** One round of a race: fresh state, the actors that race on it, and the outcome check. */
  interface Round {
    Runnable[] actors();

    void verify();
  }

  /** The stress multiplier: {@code -Dsmolscale.test.scale=0.1} runs a tenth, 10 ten times more. */
  static double scale() {
    String s = System.getProperty("smolscale.test.scale", "1");
    double scale = Double.parseDouble(s.isBlank() ? "1" : s);
    if (!(scale > 0)) {
      throw new IllegalArgumentException("smolscale.test.scale must be positive, was " + s);
    }
    return scale;
  }

  /** {@code base} scaled, at least {@code min}. */
  static long scaled(long base, long min) {
    return Math.max(min, (long) (base * scale()));
  }

  /**
   * Runs {@code rounds} rounds. Each round's actors run concurrently on {@code parties} threads;
   * {@link Round#verify} runs on the calling thread once they are all done.
   */
  static void run(long rounds, int parties, Supplier<Round> newRound) throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(parties + 1);
    AtomicReference<Round> current = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread[] threads = new Thread[parties];
    for (int i = 0; i < parties; i++) {
      int index = i;
      threads[i] =
          new Thread(
              () -> {
                try {
                  for (long r = 0; r < rounds; r++) {
                    barrier.await(); // start
                    try {
                      current.get().actors()[index].run();
                    } catch (Throwable t) {
                      failure.compareAndSet(null, t);
                    }
                    barrier.await(); // end
                  }
                } catch (InterruptedException | BrokenBarrierException e) {
                  // the test thread gave up; exit
                }
              },
              "race-actor-" + i);
      threads[i].setDaemon(true);
      threads[i].start();
    }
    try {
      for (long r = 0; r < rounds; r++) {
        Round round = newRound.get();
        if (round.actors().length != parties) {
          throw new IllegalArgumentException("a round must have " + parties + " actors");
        }
        current.set(round);
        barrier.await(30, TimeUnit.SECONDS);
        barrier.await(30, TimeUnit.SECONDS);
        Throwable t = failure.get();
        if (t != null) {
          throw new AssertionError("an actor failed in round " + r, t);
        }
        round.verify();
      }
    } catch (TimeoutException e) {
      throw new AssertionError("an actor did not finish its round", e);
    } finally {
      for (Thread t : threads) {
        t.interrupt();
      }
    }
  }
}
