package io.smolscale.jmh.report;

import io.smolscale.jmh.harness.ExecutorKind;
import java.util.List;

/**
 * The benchmarks the report runs, in report order, with the JMH include pattern of each, the
 * metric the comparison uses and the executors it runs on.
 *
 * @param name short name in the report
 * @param include JMH include regex (fully qualified method)
 * @param metric what the comparison ranks: "time" (primary score), "cpu" (CPU per op),
 *     "throughput" (a rate, ops/s: ranked by its inverse, time per operation, so that lower is
 *     better as for every other metric) or an extra (e.g. "p99", "idleCpuMsPerSec",
 *     "retainedBytesPerTask")
 * @param what one line for the report's legend
 * @param executors the executors it runs on (the report's {@code --executors} selects among
 *     them): {@link #GENERAL} for most, {@link #EVERY} for the blocking benchmarks
 */
public record Suite(String name, String include, String metric, String what,
    List<String> executors) {
  private static final String P = "io\\.smolscale\\.jmh\\.";

  /**
   * Every executor but the blocking pools ({@code smolscaleBlocking}, {@code cachedPool}, {@code
   * kotlinIO}): a thread per blocked task means nothing on message passing, and a cached pool fed
   * 300 tasks that yield forever grows a thread per yield.
   */
  public static final List<String> GENERAL = ExecutorKind.names(false);

  /** Every executor, the blocking pools included: the blocking benchmarks. */
  public static final List<String> EVERY = ExecutorKind.names(true);

  /**
   * A benchmark of the general executors.
   *
   * @param name short name
   * @param include JMH include regex
   * @param metric ranked metric
   * @param what legend line
   */
  public Suite(String name, String include, String metric, String what) {
    this(name, include, metric, what, GENERAL);
  }

  /** Every benchmark of the module. */
  public static final List<Suite> ALL =
      List.of(
          new Suite("spawn_one", P + "OriginalSuite\\.spawn_one$", "time",
              "spawn one empty task and wait for it"),
          new Suite("spawn_many", P + "OriginalSuite\\.spawn_many$", "time",
              "spawn 25,000 empty tasks, then wait for each"),
          new Suite("yield_now", P + "OriginalSuite\\.yield_now$", "time",
              "300 tasks x 300 yields"),
          new Suite("ping_pong", P + "OriginalSuite\\.ping_pong$", "time",
              "1,000 round trips to a server task (bounded(10) + one-shot replies)"),
          new Suite("spawn_executors_recursively",
              P + "OriginalSuite\\.spawn_executors_recursively$", "time",
              "300 x go(300): a new serial executor per level (90,000)"),
          new Suite("context_switch_quiet", P + "OriginalSuite\\.context_switch_quiet$", "time",
              "one message through 300 forwarding tasks"),
          new Suite("context_switch_busy", P + "OriginalSuite\\.context_switch_busy$", "time",
              "10 round trips through 30 forwarders beside 300 tasks yielding forever"),
          new Suite("fanout", P + "OriginalSuite\\.fanout$", "time",
              "1,000 receivers on one bounded(1) channel, 1,000 messages"),
          new Suite("actor_ping_pong", P + "Savina\\.ping_pong$", "time",
              "Savina PingPong: 2 actors, 10,000 round trips"),
          new Suite("actor_thread_ring", P + "Savina\\.thread_ring$", "time",
              "Savina ThreadRing: 100 actors in a ring, a token passed 10,000 hops"),
          new Suite("actor_counting", P + "Savina\\.counting$", "time",
              "Savina Counting: a producer actor sends 200,000 increments to a counter actor"),
          new Suite("actor_fj_create", P + "Savina\\.fj_create$", "time",
              "Savina Fork-Join create: 40,000 actors created from the JMH thread, one message"
                  + " each"),
          new Suite("actor_fj_throughput", P + "Savina\\.fj_throughput$", "time",
              "Savina Fork-Join throughput: 60 actors fed 1,000 messages each, round-robin"),
          new Suite("actor_chameneos", P + "Savina\\.chameneos$", "time",
              "Savina Chameneos: a mall actor and 100 creatures, 20,000 meetings"),
          new Suite("actor_big", P + "Savina\\.big$", "time",
              "Savina Big: 120 actors, 500 pings each to random peers, one at a time"),
          new Suite("actor_fanout_fanin", P + "Savina\\.fanout_fanin$", "time",
              "a hub actor and 1,000 leaf actors, 10 scatter-gather rounds"),
          new Suite("cf_chains", P + "Futures\\.cf_chains$", "time",
              "200 chains of 300 thenApplyAsync stages"),
          new Suite("cf_fanout", P + "Futures\\.cf_fanout$", "time",
              "10,000 supplyAsync from the JMH thread, joined with allOf"),
          new Suite("partial_load", P + "PartialLoad\\.partial_load$", "cpu",
              "4 ping-pong pairs, a message every 200 us: CPU per message"),
          new Suite("blocking", P + "Blocking\\.tiny_task_latency$", "p99",
              "tiny task latency while every worker sleeps 5 ms at a time", EVERY),
          new Suite("blocking_burst_sleep", P + "BlockingThroughput\\.burst_sleep$", "time",
              "a burst of 1,000 tasks, each sleeping 5 ms, submitted at once: time per burst",
              EVERY),
          new Suite("blocking_burst_socket", P + "BlockingThroughput\\.burst_socket$", "time",
              "a burst of 1,000 tasks, each a loopback TCP round trip answered after 5 ms: time"
                  + " per burst", EVERY),
          new Suite("blocking_loop_sleep", P + "BlockingThroughput\\.closed_loop_sleep$",
              "throughput",
              "64 clients, each submits a task sleeping 5 ms and waits for it: requests/s", EVERY),
          new Suite("blocking_loop_socket", P + "BlockingThroughput\\.closed_loop_socket$",
              "throughput",
              "64 clients, each submits a task making a TCP round trip answered after 5 ms and"
                  + " waits for it: requests/s", EVERY),
          new Suite("idle", P + "Idle\\.idle$", "idleCpuMsPerSec",
              "CPU ms/s and live threads 4 s after a burst"),
          new Suite("retained_execute", P + "Retained\\.retained_execute$", "retainedBytesPerTask",
              "heap bytes retained per task queued with execute (one shared Runnable), not yet run"),
          new Suite("retained_spawn", P + "Retained\\.retained_spawn$", "retainedBytesPerTask",
              "heap bytes retained per task queued with a handle (Smolscale.spawn,"
                  + " CompletableFuture.runAsync for peers), handle included"));

  /**
   * Finds a benchmark by its short name.
   *
   * @param name the name
   * @return the benchmark
   * @throws IllegalArgumentException if unknown
   */
  public static Suite named(String name) {
    for (Suite s : ALL) {
      if (s.name.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown benchmark '" + name + "', known: " + names());
  }

  /**
   * The short names.
   *
   * @return the names, comma separated
   */
  public static String names() {
    StringBuilder b = new StringBuilder();
    for (Suite s : ALL) {
      b.append(b.length() == 0 ? "" : ",").append(s.name);
    }
    return b.toString();
  }
}
