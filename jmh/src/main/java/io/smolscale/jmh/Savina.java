package io.smolscale.jmh;

import static io.smolscale.jmh.harness.Driver.check;

import io.smolscale.jmh.harness.Actor;
import io.smolscale.jmh.harness.Driver;
import io.smolscale.jmh.harness.ForkJvm;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Actor benchmarks after the Savina suite (Imam and Sarkar, "Savina - An Actor Benchmark Suite",
 * AGERE 2014), written from the published benchmark definitions, on the minimal {@link Actor}
 * layer, so that every executor runs the same actors through {@code Executor.execute} only.
 *
 * <p>Common rules: one operation creates its actors, is started from the JMH thread (a non-worker
 * thread, as Savina's main), which then waits for one {@link CompletableFuture} with {@link
 * Driver#join} (bounded by the harness timeout), and checks the result exactly: every message
 * processed once, the counts and sums it implies. A check that fails inside an actor fails the
 * same future. Sizes are smaller than Savina's defaults so that one operation takes about 1-50 ms
 * on 2 cores and the report's short iterations hold several.
 *
 * <p>Savina's benchmarks, as mapped here: PingPong ({@code ping_pong}), ThreadRing ({@code
 * thread_ring}), Counting ({@code counting}), Fork-Join create ({@code fj_create}), Fork-Join
 * throughput ({@code fj_throughput}), Chameneos ({@code chameneos}), Big ({@code big}); {@code
 * fanout_fanin} is not in Savina (a scatter-gather round, the shape of its fan-out/fan-in
 * benchmarks reduced to the messaging).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ForkJvm.XMS, ForkJvm.XMX, ForkJvm.THP, ForkJvm.PRETOUCH})
public class Savina {
  /** ping_pong: round trips per operation (Savina PingPong, N; Savina's default is 40,000). */
  public static final int PING_PONG_ROUND_TRIPS = 10_000;
  /** thread_ring: actors in the ring (Savina ThreadRing, N = 100). */
  public static final int RING_ACTORS = 100;
  /** thread_ring: hops of the token per operation (Savina ThreadRing, R; default 100,000). */
  public static final int RING_HOPS = 10_000;
  /** counting: increments the producer sends (Savina Counting, N; default 1,000,000). */
  public static final int COUNTING_MESSAGES = 200_000;
  /** fj_create: actors created from the JMH thread, one message each (Savina FJ create, N). */
  public static final int FJ_CREATE_ACTORS = 40_000;
  /** fj_throughput: actors (Savina Fork-Join throughput, A = 60). */
  public static final int FJ_THROUGHPUT_ACTORS = 60;
  /** fj_throughput: messages per actor, sent round-robin from the JMH thread (Savina N). */
  public static final int FJ_THROUGHPUT_MESSAGES = 1_000;
  /** chameneos: creatures (Savina Chameneos, C = 100). */
  public static final int CHAMENEOS_CREATURES = 100;
  /** chameneos: meetings the mall arranges (Savina Chameneos, M; default 200,000). */
  public static final int CHAMENEOS_MEETINGS = 20_000;
  /** big: actors (Savina Big, W = 120). */
  public static final int BIG_ACTORS = 120;
  /** big: pings each actor sends, one at a time (Savina Big, N; default 16,000). */
  public static final int BIG_PINGS = 500;
  /** big: seed of the actors' peer choices (each actor's own stream is seeded from it). */
  public static final long BIG_SEED = 0x5a71a4L;
  /** fanout_fanin: leaf actors. */
  public static final int FANOUT_LEAVES = 1_000;
  /** fanout_fanin: scatter-gather rounds per operation. */
  public static final int FANOUT_ROUNDS = 10;

  /** The message that starts an actor. */
  static final Object START = new Object() {
    @Override
    public String toString() {
      return "START";
    }
  };

  /** A message that carries nothing (a pong, an increment, a work item). */
  static final Object SIGNAL = new Object() {
    @Override
    public String toString() {
      return "SIGNAL";
    }
  };

  /**
   * The small computation of the fork-join benchmarks, an integer stand-in for Savina's
   * per-message floating-point kernel: a few multiply-xor-shift rounds (a 64-bit mixer), cheap,
   * deterministic and checkable, so scheduling dominates.
   *
   * @param x the input
   * @return the mixed value
   */
  static long compute(long x) {
    long z = x * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  // ---------------------------------------------------------------- ping_pong

  /** Savina PingPong's ping actor: sends a ping, waits for the pong, N times. */
  static final class Pinger extends Actor<Object> {
    private final CompletableFuture<Integer> done;
    Ponger pong;
    int pongs;

    Pinger(Executor ex, CompletableFuture<Integer> done) {
      super(ex, done);
      this.done = done;
    }

    @Override
    protected void receive(Object m) {
      if (m == SIGNAL) {
        pongs++;
      } else {
        check(m == START, "ping_pong: unexpected message " + m);
      }
      if (pongs == PING_PONG_ROUND_TRIPS) {
        done.complete(pongs);
      } else {
        pong.tell(this);
      }
    }
  }

  /** Savina PingPong's pong actor: answers each ping to its sender. */
  static final class Ponger extends Actor<Actor<Object>> {
    int pings;

    Ponger(Executor ex, CompletableFuture<?> failure) {
      super(ex, failure);
    }

    @Override
    protected void receive(Actor<Object> sender) {
      pings++;
      sender.tell(SIGNAL);
    }
  }

  /**
   * ping_pong (Savina PingPong): two actors, 10,000 sequential round trips.
   *
   * @param s the executor
   * @return round trips
   */
  @Benchmark
  public int ping_pong(ExecutorState s) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    Pinger ping = new Pinger(s.ex, done);
    Ponger pong = new Ponger(s.ex, done);
    ping.pong = pong;
    ping.tell(START);
    int n = Driver.join(done);
    check(n == PING_PONG_ROUND_TRIPS && ping.pongs == n && pong.pings == n,
        "ping_pong: " + n + " round trips, " + pong.pings + " pings, " + ping.pongs + " pongs");
    return n;
  }

  // ---------------------------------------------------------------- thread_ring

  /** The token of thread_ring: hops left. One per operation, handed from actor to actor. */
  static final class Token {
    int hops;

    Token(int hops) {
      this.hops = hops;
    }
  }

  /** A member of the ring: passes the token on with one hop less, or ends the run at zero. */
  static final class RingMember extends Actor<Token> {
    private final int index;
    private final CompletableFuture<Integer> done;
    RingMember next;
    int received;

    RingMember(Executor ex, int index, CompletableFuture<Integer> done) {
      super(ex, done);
      this.index = index;
      this.done = done;
    }

    @Override
    protected void receive(Token t) {
      received++;
      if (t.hops == 0) {
        done.complete(index);
      } else {
        t.hops--;
        next.tell(t);
      }
    }
  }

  /**
   * thread_ring (Savina ThreadRing): 100 actors in a ring pass one token 10,000 hops.
   *
   * @param s the executor
   * @return the index of the actor that received the last hop
   */
  @Benchmark
  public int thread_ring(ExecutorState s) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    RingMember[] ring = new RingMember[RING_ACTORS];
    for (int i = 0; i < RING_ACTORS; i++) {
      ring[i] = new RingMember(s.ex, i, done);
    }
    for (int i = 0; i < RING_ACTORS; i++) {
      ring[i].next = ring[(i + 1) % RING_ACTORS];
    }
    ring[0].tell(new Token(RING_HOPS));
    int last = Driver.join(done);
    long received = 0;
    for (RingMember m : ring) {
      received += m.received;
    }
    check(last == RING_HOPS % RING_ACTORS && received == RING_HOPS + 1,
        "thread_ring ended at " + last + " after " + received + " messages");
    return last;
  }

  // ---------------------------------------------------------------- counting

  /** Savina Counting's producer: sends N increments, then asks for the total. */
  static final class Producer extends Actor<Object> {
    private final CompletableFuture<Long> done;
    Counter counter;

    Producer(Executor ex, CompletableFuture<Long> done) {
      super(ex, done);
      this.done = done;
    }

    @Override
    protected void receive(Object m) {
      if (m == START) {
        for (int i = 0; i < COUNTING_MESSAGES; i++) {
          counter.tell(SIGNAL);
        }
        counter.tell(this); // the retrieve message: reply to me
      } else {
        done.complete((Long) m);
      }
    }
  }

  /** Savina Counting's counter: counts increments, answers a retrieve message with the total. */
  static final class Counter extends Actor<Object> {
    long count;

    Counter(Executor ex, CompletableFuture<?> failure) {
      super(ex, failure);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void receive(Object m) {
      if (m == SIGNAL) {
        count++;
      } else {
        ((Actor<Object>) m).tell(count);
      }
    }
  }

  /**
   * counting (Savina Counting): a producer actor sends 200,000 increments to a counter actor, then
   * asks it for the total.
   *
   * @param s the executor
   * @return the total
   */
  @Benchmark
  public long counting(ExecutorState s) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    Producer producer = new Producer(s.ex, done);
    producer.counter = new Counter(s.ex, done);
    producer.tell(START);
    long total = Driver.join(done);
    check(total == COUNTING_MESSAGES, "counting total " + total);
    return total;
  }

  // ---------------------------------------------------------------- fj_create

  /** A fork-join actor of fj_create: one message, one computation, then it is garbage. */
  static final class Forked extends Actor<Object> {
    private final int index;
    private final long[] results;
    private final int[] hits;
    private final AtomicInteger remaining;
    private final CompletableFuture<Integer> done;

    Forked(Executor ex, int index, long[] results, int[] hits, AtomicInteger remaining,
        CompletableFuture<Integer> done) {
      super(ex, done);
      this.index = index;
      this.results = results;
      this.hits = hits;
      this.remaining = remaining;
      this.done = done;
    }

    @Override
    protected void receive(Object m) {
      results[index] = compute(index);
      hits[index]++;
      if (remaining.decrementAndGet() == 0) {
        done.complete(hits.length);
      }
    }
  }

  /**
   * fj_create (Savina Fork-Join actor creation): the JMH thread creates 40,000 actors and sends
   * each one message; waits until every one has processed it.
   *
   * @param s the executor
   * @return the actors that ran
   */
  @Benchmark
  public long fj_create(ExecutorState s) {
    int n = FJ_CREATE_ACTORS;
    long[] results = new long[n];
    int[] hits = new int[n];
    AtomicInteger remaining = new AtomicInteger(n);
    CompletableFuture<Integer> done = new CompletableFuture<>();
    for (int i = 0; i < n; i++) {
      new Forked(s.ex, i, results, hits, remaining, done).tell(SIGNAL);
    }
    Driver.join(done);
    // Each actor's writes precede its decrement, the last decrement precedes done.
    for (int i = 0; i < n; i++) {
      check(hits[i] == 1 && results[i] == compute(i),
          "fj_create actor " + i + " ran " + hits[i] + " times");
    }
    return n;
  }

  // ---------------------------------------------------------------- fj_throughput

  /** A fork-join actor of fj_throughput: computes on each of its N messages. */
  static final class Throughput extends Actor<Object> {
    private final AtomicInteger remaining;
    private final CompletableFuture<Integer> done;
    int received;
    long acc;

    Throughput(Executor ex, AtomicInteger remaining, CompletableFuture<Integer> done) {
      super(ex, done);
      this.remaining = remaining;
      this.done = done;
    }

    @Override
    protected void receive(Object m) {
      acc += compute(received);
      if (++received == FJ_THROUGHPUT_MESSAGES && remaining.decrementAndGet() == 0) {
        done.complete(FJ_THROUGHPUT_ACTORS);
      }
    }
  }

  /** What each fj_throughput actor must have accumulated. */
  private static final long FJ_THROUGHPUT_ACC = expectedAcc();

  private static long expectedAcc() {
    long acc = 0;
    for (int i = 0; i < FJ_THROUGHPUT_MESSAGES; i++) {
      acc += compute(i);
    }
    return acc;
  }

  /**
   * fj_throughput (Savina Fork-Join throughput): 60 actors, fed 1,000 messages each round-robin
   * from the JMH thread.
   *
   * @param s the executor
   * @return messages processed
   */
  @Benchmark
  public long fj_throughput(ExecutorState s) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    AtomicInteger remaining = new AtomicInteger(FJ_THROUGHPUT_ACTORS);
    Throughput[] actors = new Throughput[FJ_THROUGHPUT_ACTORS];
    for (int i = 0; i < actors.length; i++) {
      actors[i] = new Throughput(s.ex, remaining, done);
    }
    for (int m = 0; m < FJ_THROUGHPUT_MESSAGES; m++) {
      for (Throughput a : actors) {
        a.tell(SIGNAL);
      }
    }
    Driver.join(done);
    long total = 0;
    for (Throughput a : actors) {
      check(a.received == FJ_THROUGHPUT_MESSAGES && a.acc == FJ_THROUGHPUT_ACC,
          "fj_throughput actor received " + a.received);
      total += a.received;
    }
    return total;
  }

  // ---------------------------------------------------------------- chameneos

  /** Colours 0, 1, 2 (Savina's red, yellow, blue). */
  static final int COLOURS = 3;

  /**
   * The colour two chameneos take after meeting (chameneos-redux's rule: the same colour stays,
   * two different colours give the third). With colours as integers mod 3 this is -(a + b) mod
   * 3, which makes the sum of all colours mod 3 invariant under a meeting: a checkable
   * bookkeeping identity.
   */
  static int complement(int a, int b) {
    return (2 * COLOURS - a - b) % COLOURS;
  }

  /** A creature's request to meet, with its current colour; forwarded by the mall to the partner. */
  static final class Meet {
    final Creature creature;
    final int colour;

    Meet(Creature creature, int colour) {
      this.creature = creature;
      this.colour = colour;
    }
  }

  /** What a creature reports when the mall has closed: meetings and final colour. */
  static final class Faded {
    final Creature creature;
    final int meetings;
    final int colour;

    Faded(Creature creature, int meetings, int colour) {
      this.creature = creature;
      this.meetings = meetings;
      this.colour = colour;
    }
  }

  /**
   * Savina Chameneos' creature: asks the mall for a meeting; when paired it takes the
   * complementary colour, tells its partner, and asks again; reports when the mall closes.
   */
  static final class Creature extends Actor<Object> {
    final int id;
    private final Mall mall;
    private int colour;
    private int meetings;

    Creature(Executor ex, CompletableFuture<?> failure, int id, int colour, Mall mall) {
      super(ex, failure);
      this.id = id;
      this.colour = colour;
      this.mall = mall;
    }

    @Override
    protected void receive(Object m) {
      if (m == START) {
        mall.tell(new Meet(this, colour));
      } else if (m instanceof Meet) {
        // Paired by the mall, with the partner's request: change, tell the partner, ask again.
        Meet partner = (Meet) m;
        check(partner.creature != this, "chameneos: a creature met itself");
        colour = complement(colour, partner.colour);
        meetings++;
        partner.creature.tell(colour); // Integer.valueOf of 0..2: cached, no allocation
        mall.tell(new Meet(this, colour));
      } else if (m instanceof Integer) {
        // The partner's change: take the new colour, ask again.
        colour = (Integer) m;
        meetings++;
        mall.tell(new Meet(this, colour));
      } else {
        check(m == SIGNAL, "chameneos: unexpected message " + m);
        mall.tell(new Faded(this, meetings, colour));
      }
    }
  }

  /**
   * Savina Chameneos' mall (the broker): pairs requests two by two until M meetings have been
   * arranged, then answers every request with "faded" (SIGNAL) and sums the reports. It keeps
   * every creature's expected colour and checks each request and report against it.
   */
  static final class Mall extends Actor<Object> {
    private final CompletableFuture<Long> done;
    private final int[] expected = new int[CHAMENEOS_CREATURES];
    private int left = CHAMENEOS_MEETINGS;
    private Meet waiting;
    private int faded;
    long meetings;
    int colourSum;
    int startColourSum;

    Mall(Executor ex, CompletableFuture<Long> done) {
      super(ex, done);
      this.done = done;
    }

    void expect(int id, int colour) {
      expected[id] = colour;
      startColourSum += colour;
    }

    @Override
    protected void receive(Object m) {
      if (m instanceof Meet) {
        Meet r = (Meet) m;
        check(r.colour == expected[r.creature.id],
            "chameneos: creature " + r.creature.id + " asks as colour " + r.colour + ", expected "
                + expected[r.creature.id]);
        if (left == 0) {
          r.creature.tell(SIGNAL);
        } else if (waiting == null) {
          waiting = r;
        } else {
          check(waiting.creature != r.creature, "chameneos: a creature asked twice");
          left--;
          int c = complement(waiting.colour, r.colour);
          expected[waiting.creature.id] = c;
          expected[r.creature.id] = c;
          // The partner's request is the pairing message: who, and in which colour.
          waiting.creature.tell(r);
          waiting = null;
        }
      } else {
        Faded f = (Faded) m;
        check(f.colour == expected[f.creature.id],
            "chameneos: creature " + f.creature.id + " faded as " + f.colour);
        meetings += f.meetings;
        colourSum += f.colour;
        if (++faded == CHAMENEOS_CREATURES) {
          done.complete(meetings);
        }
      }
    }
  }

  /**
   * chameneos (Savina Chameneos): a mall actor and 100 creatures arrange 20,000 meetings.
   *
   * @param s the executor
   * @return creature meetings (two per meeting)
   */
  @Benchmark
  public long chameneos(ExecutorState s) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    Mall mall = new Mall(s.ex, done);
    Creature[] creatures = new Creature[CHAMENEOS_CREATURES];
    for (int i = 0; i < creatures.length; i++) {
      mall.expect(i, i % COLOURS);
      creatures[i] = new Creature(s.ex, done, i, i % COLOURS, mall);
    }
    for (Creature c : creatures) {
      c.tell(START);
    }
    long meetings = Driver.join(done);
    check(meetings == 2L * CHAMENEOS_MEETINGS && mall.meetings == meetings,
        "chameneos: " + meetings + " creature meetings for " + CHAMENEOS_MEETINGS + " meetings");
    check(mall.colourSum % COLOURS == mall.startColourSum % COLOURS,
        "chameneos: colour sum " + mall.colourSum + " not congruent to " + mall.startColourSum);
    return meetings;
  }

  // ---------------------------------------------------------------- big

  /**
   * Savina Big's actor: pings a random peer, waits for its pong, 500 times, then tells the sink;
   * meanwhile answers every ping it receives. A ping is the sender itself, a pong is SIGNAL.
   */
  static final class BigActor extends Actor<Object> {
    private final int id;
    private final BigActor[] peers;
    private final SplittableRandom random;
    private final Actor<Object> sink;
    int pongs;
    int pingsReceived;

    BigActor(Executor ex, CompletableFuture<?> failure, int id, BigActor[] peers,
        Actor<Object> sink) {
      super(ex, failure);
      this.id = id;
      this.peers = peers;
      this.random = stream(id);
      this.sink = sink;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void receive(Object m) {
      if (m == START) {
        peers[peer(random, id)].tell(this);
      } else if (m == SIGNAL) {
        if (++pongs == BIG_PINGS) {
          sink.tell(this);
        } else {
          peers[peer(random, id)].tell(this);
        }
      } else {
        pingsReceived++;
        ((Actor<Object>) m).tell(SIGNAL);
      }
    }
  }

  /** Each Big actor's own random stream, so the whole run's choices are fixed in advance. */
  static SplittableRandom stream(int id) {
    return new SplittableRandom(BIG_SEED + 0x632BE59BD9B4E019L * id);
  }

  /** A random peer other than {@code self}. */
  static int peer(SplittableRandom r, int self) {
    int p = r.nextInt(BIG_ACTORS - 1);
    return p >= self ? p + 1 : p;
  }

  /** The pings each Big actor must receive: the choices depend on the seeds only. */
  private static final int[] BIG_EXPECTED = bigExpected();

  private static int[] bigExpected() {
    int[] expected = new int[BIG_ACTORS];
    for (int id = 0; id < BIG_ACTORS; id++) {
      SplittableRandom r = stream(id);
      for (int i = 0; i < BIG_PINGS; i++) {
        expected[peer(r, id)]++;
      }
    }
    return expected;
  }

  /** Savina Big's sink: counts the actors that are done. */
  static final class Sink extends Actor<Object> {
    private final CompletableFuture<Integer> done;
    private final int expected;
    private int count;

    Sink(Executor ex, CompletableFuture<Integer> done, int expected) {
      super(ex, done);
      this.done = done;
      this.expected = expected;
    }

    @Override
    protected void receive(Object m) {
      if (++count == expected) {
        done.complete(count);
      }
    }
  }

  /**
   * big (Savina Big): 120 actors, each pings random peers (seeded) 500 times, one ping in flight
   * at a time, and answers the pings it receives.
   *
   * @param s the executor
   * @return pings answered
   */
  @Benchmark
  public long big(ExecutorState s) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    Sink sink = new Sink(s.ex, done, BIG_ACTORS);
    BigActor[] actors = new BigActor[BIG_ACTORS];
    for (int i = 0; i < BIG_ACTORS; i++) {
      actors[i] = new BigActor(s.ex, done, i, actors, sink);
    }
    for (BigActor a : actors) {
      a.tell(START);
    }
    Driver.join(done);
    // Every ping received was answered before its sender could finish, so all are counted here.
    long pings = 0;
    for (int i = 0; i < BIG_ACTORS; i++) {
      BigActor a = actors[i];
      check(a.pongs == BIG_PINGS && a.pingsReceived == BIG_EXPECTED[i],
          "big actor " + i + ": " + a.pongs + " pongs, " + a.pingsReceived + " pings received, "
              + BIG_EXPECTED[i] + " expected");
      pings += a.pingsReceived;
    }
    check(pings == (long) BIG_ACTORS * BIG_PINGS, "big: " + pings + " pings");
    return pings;
  }

  // ---------------------------------------------------------------- fanout_fanin

  /** A leaf: answers each round's request to the hub, with itself (round in {@link #round}). */
  static final class Leaf extends Actor<Integer> {
    final int id;
    private final Hub hub;
    int round;

    Leaf(Executor ex, CompletableFuture<?> failure, int id, Hub hub) {
      super(ex, failure);
      this.id = id;
      this.hub = hub;
    }

    @Override
    protected void receive(Integer r) {
      round = r;
      hub.tell(this);
    }
  }

  /** The hub: sends a round to every leaf, waits for all replies, next round. */
  static final class Hub extends Actor<Object> {
    private final CompletableFuture<Integer> done;
    private final int[] replied = new int[FANOUT_LEAVES];
    Leaf[] leaves;
    private int round;
    private int replies;
    long total;

    Hub(Executor ex, CompletableFuture<Integer> done) {
      super(ex, done);
      this.done = done;
    }

    private void scatter() {
      round++;
      Integer r = round; // <= FANOUT_ROUNDS: cached, no allocation
      for (Leaf l : leaves) {
        l.tell(r);
      }
    }

    @Override
    protected void receive(Object m) {
      if (m == START) {
        scatter();
        return;
      }
      Leaf l = (Leaf) m;
      check(l.round == round && replied[l.id] == round - 1,
          "fanout_fanin: leaf " + l.id + " replied for round " + l.round + " in round " + round);
      replied[l.id] = round;
      total++;
      if (++replies == FANOUT_LEAVES) {
        replies = 0;
        if (round == FANOUT_ROUNDS) {
          done.complete(round);
        } else {
          scatter();
        }
      }
    }
  }

  /**
   * fanout_fanin: a hub actor sends to 1,000 leaf actors, each replies, the hub waits for all
   * 1,000 replies; 10 rounds.
   *
   * @param s the executor
   * @return replies received
   */
  @Benchmark
  public long fanout_fanin(ExecutorState s) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    Hub hub = new Hub(s.ex, done);
    Leaf[] leaves = new Leaf[FANOUT_LEAVES];
    for (int i = 0; i < leaves.length; i++) {
      leaves[i] = new Leaf(s.ex, done, i, hub);
    }
    hub.leaves = leaves;
    hub.tell(START);
    int rounds = Driver.join(done);
    check(rounds == FANOUT_ROUNDS && hub.total == (long) FANOUT_ROUNDS * FANOUT_LEAVES,
        "fanout_fanin: " + hub.total + " replies in " + rounds + " rounds");
    return hub.total;
  }
}
