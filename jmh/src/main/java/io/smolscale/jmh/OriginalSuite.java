package io.smolscale.jmh;

import static io.smolscale.jmh.harness.Driver.check;

import io.smolscale.Channel;
import io.smolscale.OneShot;
import io.smolscale.jmh.harness.Driver;
import io.smolscale.jmh.harness.ForkJvm;
import io.smolscale.jmh.harness.Job;
import io.smolscale.jmh.harness.SerialExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The original smolscale benchmark suite (Rust, {@code benches/}), one JMH benchmark per Rust
 * bench, with its constants. See the module README for the mapping of each one.
 *
 * <p>Common rules: each iteration is driven from the JMH thread, a non-worker thread, through a
 * {@link Driver} (the original's {@code block_on}); tasks are {@link Job}s whose waits resume on
 * the executor under test; messages go through {@link Channel} and {@link OneShot}, the same for
 * every executor; each benchmark checks what it computed and throws if it is wrong.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ForkJvm.XMS, ForkJvm.XMX, ForkJvm.THP, ForkJvm.PRETOUCH})
public class OriginalSuite {
  /** Tasks per iteration of the multi-task benchmarks. */
  public static final int TASKS = 300;
  /** Steps per task. */
  public static final int STEPS = 300;
  /** Empty tasks spawned by {@code spawn_many}. */
  public static final int LIGHT_TASKS = 25_000;
  /** Round trips per {@code ping_pong} iteration. */
  public static final int PINGS = 1_000;
  /** Receivers (and messages) of {@code fanout}. */
  public static final int FANOUT = 1_000;
  /** Chain length of {@code context_switch_busy}. */
  public static final int BUSY_CHAIN = 30;
  /** Round trips per {@code context_switch_busy} iteration. */
  public static final int BUSY_ROUNDS = 10;

  // ---------------------------------------------------------------- spawn_one

  /**
   * spawn_one: spawn one empty task and wait for it.
   *
   * @param s the executor
   * @return the task's value
   */
  @Benchmark
  public int spawn_one(ExecutorState s) {
    CompletableFuture<Integer> handle = new CompletableFuture<>();
    s.ex.execute(() -> handle.complete(42));
    int v = Driver.join(handle);
    check(v == 42, "spawn_one returned " + v);
    return v;
  }

  // ---------------------------------------------------------------- spawn_many

  /**
   * spawn_many: spawn 25,000 empty tasks from the benchmark thread, then wait for each.
   *
   * @param s the executor
   * @return the sum of the tasks' values
   */
  @Benchmark
  public long spawn_many(ExecutorState s) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    CompletableFuture<Integer>[] handles = new CompletableFuture[LIGHT_TASKS];
    Executor ex = s.ex;
    for (int i = 0; i < LIGHT_TASKS; i++) {
      CompletableFuture<Integer> h = new CompletableFuture<>();
      int value = i;
      handles[i] = h;
      ex.execute(() -> h.complete(value));
    }
    long sum = 0;
    for (CompletableFuture<Integer> h : handles) {
      sum += Driver.join(h);
    }
    check(sum == (long) LIGHT_TASKS * (LIGHT_TASKS - 1) / 2, "spawn_many sum " + sum);
    return sum;
  }

  // ---------------------------------------------------------------- yield_now

  /** Yields {@code STEPS} times, then completes its handle with the number of polls it saw. */
  static final class Yielder extends Job {
    private final CompletableFuture<Integer> handle;
    private int polls;

    Yielder(Executor ex, CompletableFuture<Integer> handle) {
      super(ex, handle);
      this.handle = handle;
    }

    @Override
    protected void step() {
      if (++polls <= STEPS) {
        yieldNow();
      } else {
        handle.complete(polls - 1);
      }
    }
  }

  /**
   * yield_now: 300 tasks, each yields 300 times (90,000 yields).
   *
   * @param s the executor
   * @return the number of yields
   */
  @Benchmark
  public long yield_now(ExecutorState s) {
    List<CompletableFuture<Integer>> handles = new ArrayList<>(TASKS);
    for (int i = 0; i < TASKS; i++) {
      CompletableFuture<Integer> h = new CompletableFuture<>();
      handles.add(h);
      new Yielder(s.ex, h).start();
    }
    long yields = 0;
    for (CompletableFuture<Integer> h : handles) {
      yields += Driver.join(h);
    }
    check(yields == (long) TASKS * STEPS, "yield_now yields " + yields);
    return yields;
  }

  // ---------------------------------------------------------------- ping_pong

  /**
   * The long-lived server of ping_pong: reads one-shot reply channels from a bounded(10) channel
   * and answers each with its sequence number.
   */
  static final class PingServer extends Job {
    private final Channel<OneShot<Integer>> requests;
    private int served;
    private boolean receiving;

    PingServer(Executor ex, CompletableFuture<?> trouble, Channel<OneShot<Integer>> requests) {
      super(ex, trouble);
      this.requests = requests;
    }

    @Override
    protected void step() {
      for (;;) {
        if (receiving) {
          receiving = false;
          if (closed()) {
            return;
          }
          OneShot<Integer> reply = take();
          reply.send(++served);
        }
        receiving = true;
        if (suspend(requests.receive())) {
          return;
        }
      }
    }
  }

  /** The server of ping_pong, alive for the whole trial. */
  @State(Scope.Benchmark)
  public static class PingPong {
    Channel<OneShot<Integer>> requests;
    final CompletableFuture<Void> trouble = new CompletableFuture<>();
    int expected;

    /**
     * Spawns the server.
     *
     * @param s the executor
     */
    @Setup(Level.Trial)
    public void up(ExecutorState s) {
      requests = Channel.bounded(10);
      new PingServer(s.ex, trouble, requests).start();
    }

    /** Closing the channel ends the server. */
    @TearDown(Level.Trial)
    public void down() {
      if (requests != null) {
        requests.close();
      }
    }
  }

  /** The client of ping_pong, run by the benchmark thread's driver. */
  static final class PingClient extends Job {
    private final PingPong p;
    private final CompletableFuture<Integer> done;
    private int round;
    private int state;
    private OneShot<Integer> reply;

    PingClient(Executor driver, CompletableFuture<Integer> done, PingPong p) {
      super(driver, done);
      this.p = p;
      this.done = done;
    }

    // States: 0 = start a round, 1 = request sent (awaiting the send), 2 = awaiting the reply.
    @Override
    protected void step() {
      for (;;) {
        switch (state) {
          case 0:
            if (round == PINGS) {
              done.complete(round);
              return;
            }
            reply = OneShot.create();
            state = 1;
            if (suspend(p.requests.send(reply))) {
              return;
            }
            break;
          case 1:
            take();
            state = 2;
            if (suspend(reply.receive())) {
              return;
            }
            break;
          default:
            int v = take();
            check(v == ++p.expected, "ping_pong reply " + v + ", expected " + p.expected);
            round++;
            state = 0;
        }
      }
    }
  }

  /**
   * ping_pong: 1,000 sequential round trips to the server, from the benchmark thread.
   *
   * @param s the executor
   * @param p the server
   * @return round trips made
   */
  @Benchmark
  public int ping_pong(ExecutorState s, PingPong p) {
    check(!p.trouble.isDone(), "ping_pong server failed: " + p.trouble);
    Driver driver = new Driver();
    CompletableFuture<Integer> done = new CompletableFuture<>();
    new PingClient(driver, done, p).start();
    int n = driver.blockOn(done);
    check(n == PINGS, "ping_pong rounds " + n);
    return n;
  }

  // ---------------------------------------------------------------- spawn_executors_recursively

  /**
   * go(i): creates a new executor, spawns go(i - 1) on it, waits for it and returns its depth
   * plus one. The new executor is a {@link SerialExecutor} over the executor under test, dropped
   * when go(i - 1) is done; see the README for why this is the JVM analogue.
   */
  static final class Go extends Job {
    private final Executor root;
    private final int level;
    private final CompletableFuture<Integer> handle;
    private boolean spawned;

    Go(Executor runsOn, Executor root, int level, CompletableFuture<Integer> handle) {
      super(runsOn, handle);
      this.root = root;
      this.level = level;
      this.handle = handle;
    }

    @Override
    protected void step() {
      if (level == 0) {
        handle.complete(0);
        return;
      }
      if (!spawned) {
        spawned = true;
        Executor nested = new SerialExecutor(root);
        CompletableFuture<Integer> child = new CompletableFuture<>();
        new Go(nested, root, level - 1, child).start();
        if (suspend(child)) {
          return;
        }
      }
      int depth = this.<Integer>take();
      handle.complete(depth + 1);
    }
  }

  /**
   * spawn_executors_recursively: 300 tasks, each runs go(300) (90,000 nested executors).
   *
   * @param s the executor
   * @return the summed depths
   */
  @Benchmark
  public long spawn_executors_recursively(ExecutorState s) {
    List<CompletableFuture<Integer>> handles = new ArrayList<>(TASKS);
    for (int i = 0; i < TASKS; i++) {
      CompletableFuture<Integer> h = new CompletableFuture<>();
      handles.add(h);
      new Go(s.ex, s.ex, STEPS, h).start();
    }
    long depth = 0;
    for (CompletableFuture<Integer> h : handles) {
      int d = Driver.join(h);
      check(d == STEPS, "spawn_executors_recursively depth " + d);
      depth += d;
    }
    return depth;
  }

  // ---------------------------------------------------------------- context switches

  /** Forwards every message from one channel to the next; ends when its input is closed. */
  static final class Forwarder extends Job {
    private final Channel<Integer> in;
    private final Channel<Integer> out;

    Forwarder(Executor ex, CompletableFuture<?> trouble, Channel<Integer> in, Channel<Integer> out) {
      super(ex, trouble);
      this.in = in;
      this.out = out;
    }

    private int state;

    // States: 0 = idle, 1 = awaiting a message, 2 = awaiting the send of it.
    @Override
    protected void step() {
      for (;;) {
        switch (state) {
          case 0:
            state = 1;
            if (suspend(in.receive())) {
              return;
            }
            break;
          case 1:
            if (closed()) {
              out.close();
              return;
            }
            Integer m = take();
            state = 2;
            if (suspend(out.send(m))) {
              return;
            }
            break;
          default:
            if (closed()) {
              return;
            }
            take();
            state = 0;
        }
      }
    }
  }

  /** A chain of forwarding tasks linked by bounded(1) channels, alive for the whole trial. */
  abstract static class Chain {
    Channel<Integer> head;
    Channel<Integer> tail;
    final CompletableFuture<Void> trouble = new CompletableFuture<>();
    int next;

    void build(Executor ex, int length) {
      head = Channel.bounded(1);
      Channel<Integer> in = head;
      for (int i = 0; i < length; i++) {
        Channel<Integer> out = Channel.bounded(1);
        new Forwarder(ex, trouble, in, out).start();
        in = out;
      }
      tail = in;
    }

    /** Sends {@code rounds} messages through the chain from the benchmark thread, one at a time. */
    int roundTrips(int rounds) {
      check(!trouble.isDone(), "a forwarding task failed: " + trouble);
      Driver driver = new Driver();
      CompletableFuture<Integer> done = new CompletableFuture<>();
      new Job(driver, done) {
        int round;
        int sent;
        int state;

        // States: 0 = start a round, 1 = awaiting the send, 2 = awaiting the message at the end.
        @Override
        protected void step() {
          for (;;) {
            switch (state) {
              case 0:
                if (round == rounds) {
                  done.complete(round);
                  return;
                }
                sent = next++;
                state = 1;
                if (suspend(head.send(sent))) {
                  return;
                }
                break;
              case 1:
                take();
                state = 2;
                if (suspend(tail.receive())) {
                  return;
                }
                break;
              default:
                int v = take();
                check(v == sent, "context switch delivered " + v + ", expected " + sent);
                round++;
                state = 0;
            }
          }
        }
      }.start();
      return driver.blockOn(done);
    }

    void close() {
      if (head != null) {
        head.close();
      }
    }
  }

  /** The 300-task chain of context_switch_quiet. */
  @State(Scope.Benchmark)
  public static class QuietChain extends Chain {
    /**
     * Spawns the chain.
     *
     * @param s the executor
     */
    @Setup(Level.Trial)
    public void up(ExecutorState s) {
      build(s.ex, TASKS);
    }

    /** Closing the head ends every forwarder in turn. */
    @TearDown(Level.Trial)
    public void down() {
      close();
    }
  }

  /**
   * context_switch_quiet: one message through a chain of 300 forwarding tasks (300 hops).
   *
   * @param c the chain
   * @return messages delivered
   */
  @Benchmark
  public int context_switch_quiet(QuietChain c) {
    return c.roundTrips(1);
  }

  /** Yields forever (until the trial ends): the background load of context_switch_busy. */
  static final class Spinner extends Job {
    private final BusyChain owner;

    Spinner(Executor ex, BusyChain owner) {
      super(ex, owner.trouble);
      this.owner = owner;
    }

    @Override
    protected void step() {
      if (!owner.stop) {
        yieldNow();
      }
    }
  }

  /** The 30-task chain and the 300 yielding tasks of context_switch_busy. */
  @State(Scope.Benchmark)
  public static class BusyChain extends Chain {
    volatile boolean stop;

    /**
     * Spawns the chain and the yielding tasks.
     *
     * @param s the executor
     */
    @Setup(Level.Trial)
    public void up(ExecutorState s) {
      build(s.ex, BUSY_CHAIN);
      for (int i = 0; i < TASKS; i++) {
        new Spinner(s.ex, this).start();
      }
    }

    /** Stops the yielding tasks and ends the chain. */
    @TearDown(Level.Trial)
    public void down() {
      stop = true;
      close();
    }
  }

  /**
   * context_switch_busy: 10 round trips through a 30-task chain while 300 tasks yield forever.
   *
   * <p>On ForkJoinPool (both modes, and virtual threads, whose scheduler is one) this does not
   * finish: a yield from a worker lands in its local queue, and a worker keeps running its local
   * queue as long as it is not empty, so the chain's external wake-up is never taken. The report
   * shows such a run as STARVED (no progress within the timeout), not as a score.
   *
   * @param c the chain
   * @return messages delivered
   */
  @Benchmark
  public int context_switch_busy(BusyChain c) {
    try {
      return c.roundTrips(BUSY_ROUNDS);
    } catch (RuntimeException e) {
      // Stop the spinners now, whatever JMH does after a failure: in an in-process (smoke) run
      // they would otherwise keep a shared pool busy for every benchmark after this one.
      c.down();
      throw e;
    }
  }

  // ---------------------------------------------------------------- fanout

  /** Receives one message and completes its handle with it. */
  static final class Receiver extends Job {
    private final Channel<Integer> channel;
    private final CompletableFuture<Integer> handle;

    Receiver(Executor ex, Channel<Integer> channel, CompletableFuture<Integer> handle) {
      super(ex, handle);
      this.channel = channel;
      this.handle = handle;
    }

    private boolean receiving;

    @Override
    protected void step() {
      if (!receiving) {
        receiving = true;
        if (suspend(channel.receive())) {
          return;
        }
      }
      handle.complete(take());
    }
  }

  /**
   * fanout: 1,000 receivers on one bounded(1) channel; the benchmark thread sends 1,000 messages,
   * then waits for every receiver; each message must arrive exactly once.
   *
   * @param s the executor
   * @return messages received
   */
  @Benchmark
  public int fanout(ExecutorState s) {
    Channel<Integer> channel = Channel.bounded(1);
    List<CompletableFuture<Integer>> handles = new ArrayList<>(FANOUT);
    for (int i = 0; i < FANOUT; i++) {
      CompletableFuture<Integer> h = new CompletableFuture<>();
      handles.add(h);
      new Receiver(s.ex, channel, h).start();
    }
    Driver driver = new Driver();
    CompletableFuture<Integer> sent = new CompletableFuture<>();
    new Job(driver, sent) {
      int n;
      boolean sending;

      @Override
      protected void step() {
        for (;;) {
          if (sending) {
            sending = false;
            take();
          }
          if (n == FANOUT) {
            sent.complete(n);
            return;
          }
          sending = true;
          if (suspend(channel.send(n++))) {
            return;
          }
        }
      }
    }.start();
    driver.blockOn(sent);
    boolean[] seen = new boolean[FANOUT];
    int received = 0;
    for (CompletableFuture<Integer> h : handles) {
      int v = Driver.join(h);
      check(v >= 0 && v < FANOUT && !seen[v], "fanout message " + v + " duplicated or unknown");
      seen[v] = true;
      received++;
    }
    check(received == FANOUT, "fanout received " + received);
    return received;
  }
}
