package io.smolscale.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.smolscale.Scheduler;
import io.smolscale.Smolscale;
import io.smolscale.Stats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.checkerframework.checker.lock.qual.GuardSatisfied;
import org.checkerframework.checker.nullness.qual.EnsuresNonNullIf;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Publishes a scheduler's {@link Stats} to a Micrometer {@link MeterRegistry}: the gauges of
 * {@code Stats} as {@link Gauge}s, its monotonic counts as {@link FunctionCounter}s, every meter
 * tagged {@code name=<the scheduler's name>} plus the tags given here.
 *
 * <pre>{@code
 * new SmolscaleMetrics(scheduler, "orders").bindTo(registry);
 * SmolscaleMetrics.global().bindTo(registry); // the global scheduler, name=global
 * }</pre>
 *
 * <p>The meters, their units and what they count are listed in spec/README.md §10 ("Micrometer");
 * they follow the conventions of Micrometer's own {@code ExecutorServiceMetrics} (which binds
 * {@code ThreadPoolExecutor} and {@code ForkJoinPool}): dot-separated lower-case names, base
 * units {@code tasks} and {@code threads}, and the scheduler's name as the {@code name} tag. A
 * {@code name} among the extra tags is replaced by the name given.
 *
 * <p><b>One snapshot per scrape.</b> {@link Scheduler#stats()} takes the scheduler's registry lock
 * (the one a worker takes when its thread starts or exits) and walks every live worker and every
 * counter, so reading one snapshot per meter would cost about twenty snapshots per scrape. The
 * meters of one binder share a snapshot, taken by the first meter read after the previous one
 * has become older than {@code maxSnapshotAge} ({@value #DEFAULT_MAX_SNAPSHOT_AGE_MILLIS} ms
 * unless set): a registry reads all its meters in one pass, well within that, so one scrape costs
 * one snapshot and its values come from one instant; between scrapes a value is at most that old.
 * {@link Duration#ZERO} takes a fresh snapshot on every read, as Micrometer's own binders do.
 * Snapshots are taken one at a time, so a counter never reads lower than it did before.
 *
 * <p><b>References.</b> The meters hold the scheduler weakly (Micrometer's default for {@code
 * Gauge.builder(name, obj, f)} and {@code FunctionCounter.builder}), so binding never keeps a
 * scheduler alive: once a scheduler nobody else refers to has been collected, its gauges read
 * {@code NaN} and its counters keep their last value. The binder itself holds the scheduler
 * strongly (it needs it for {@link #bindTo}); drop the binder, or {@link #close()} it, with the
 * scheduler. After {@link Scheduler#close()} the meters go on reading the final values of the
 * stopped scheduler; {@link #close()} removes them from every registry this binder bound them to
 * (a registry returns an existing meter for the same name and tags, so meters of a closed
 * scheduler would otherwise hide those of a new one bound under the same name).
 *
 * <p>Instances are thread-safe.
 */
public final class SmolscaleMetrics implements MeterBinder, AutoCloseable {
  /** The default of {@code maxSnapshotAge}, in milliseconds. */
  public static final long DEFAULT_MAX_SNAPSHOT_AGE_MILLIS = 100;

  /** The tag that carries the scheduler's name, as in Micrometer's ExecutorServiceMetrics. */
  public static final String NAME_TAG = "name";

  private static final String TASKS = BaseUnits.TASKS;
  private static final String THREADS = BaseUnits.THREADS;

  /** One meter: how it is published and which component of {@link Stats} it reads. */
  private record Definition(
      boolean counter,
      String name,
      Tags tags,
      @Nullable String unit,
      String description,
      ToDoubleFunction<Stats> field) {}

  /**
   * Every meter, in the order of the {@link Stats} components. The descriptions are those of
   * spec/README.md §10, shortened; the table there lists the same meters. Where two components
   * add up (the two queues, the two kinds of push, the two outcomes of a spin) they are one name
   * with a tag, as Micrometer's naming guide advises; the others have a name each.
   */
  private static final List<Definition> DEFINITIONS =
      Stream.of(
              gauge("smolscale.workers", THREADS,
                  "Live worker threads: active, parked, spares and blocked", Stats::workers),
              gauge("smolscale.workers.active", THREADS,
                  "Workers counted towards parallelism and not parked", Stats::active),
              gauge("smolscale.workers.parked", THREADS,
                  "Workers parked in the idle set, and spares", Stats::parked),
              gauge("smolscale.workers.blocked", THREADS,
                  "Workers marked blocked: preempted, compensating or running a blocking-path"
                      + " body",
                  Stats::blocked),
              split(false, "smolscale.tasks.queued", TASKS,
                  "Tasks waiting in the queue: global (with blocking-path bodies waiting for a"
                      + " place) or the workers' local queues",
                  "queue", "global", Stats::queuedGlobal, "local", Stats::queuedLocal),
              counter("smolscale.tasks.spawned", TASKS,
                  "Runnables accepted by execute or the blocking path: tasks, raw runnables,"
                      + " continuations, yields, blocking bodies",
                  Stats::spawned),
              counter("smolscale.tasks.completed", TASKS,
                  "Runnables a worker has run to the end (cancelled tasks discarded unrun"
                      + " included), and blocking bodies that ended on virtual threads",
                  Stats::completed),
              split(true, "smolscale.tasks.pushed", TASKS,
                  "Tasks pushed to a queue: local (of the worker that spawned or woke them) or"
                      + " global (from outside, by a blocked worker, on overflow, blocking-path"
                      + " starts)",
                  "queue", "local", Stats::localPushes, "global", Stats::globalPushes),
              counter("smolscale.shared.batches", null,
                  "Times a worker with a backlog shared half of it with idle workers",
                  Stats::sharedBatches),
              counter("smolscale.tasks.moved", TASKS,
                  "Tasks moved from local queues to the global queue by the balancer, the"
                      + " preemptor or a compensating worker",
                  Stats::balancerMoves),
              counter("smolscale.balancer.ticks", null, "Balancer periods run",
                  Stats::balancerTicks),
              counter("smolscale.preemptions", null, "Workers marked blocked by the monitor",
                  Stats::preemptions),
              counter("smolscale.compensations", null,
                  "Workers that marked themselves blocked: join or get, blockOn, Nursery.close",
                  Stats::compensations),
              counter("smolscale.threads.started", THREADS, "Worker threads started",
                  Stats::threadsStarted),
              counter("smolscale.threads.retired", THREADS, "Worker threads that have exited",
                  Stats::threadsRetired),
              counter("smolscale.wakeups", null, "Parked workers woken to take new work",
                  Stats::wakeups),
              split(true, "smolscale.spins", null,
                  "Pre-park spins of the last awake worker: hit (found work, saved a park and a"
                      + " wake-up) or miss (found nothing, then parked)",
                  "outcome", "hit", Stats::spinHits, "miss", Stats::spinMisses))
          .flatMap(Stream::of)
          .collect(Collectors.toUnmodifiableList());

  private static Definition[] gauge(
      String name, String unit, String description, ToDoubleFunction<Stats> field) {
    return new Definition[] {new Definition(false, name, Tags.empty(), unit, description, field)};
  }

  private static Definition[] counter(
      String name, @Nullable String unit, String description, ToDoubleFunction<Stats> field) {
    return new Definition[] {new Definition(true, name, Tags.empty(), unit, description, field)};
  }

  /** Two components that add up: one name, a tag with a value for each. */
  private static Definition[] split(
      boolean counter,
      String name,
      @Nullable String unit,
      String description,
      String key,
      String first,
      ToDoubleFunction<Stats> firstField,
      String second,
      ToDoubleFunction<Stats> secondField) {
    return new Definition[] {
      new Definition(counter, name, Tags.of(key, first), unit, description, firstField),
      new Definition(counter, name, Tags.of(key, second), unit, description, secondField)
    };
  }

  private final Scheduler scheduler;
  private final Tags tags;
  private final SnapshotCache cache;
  private final List<Registered> registered = new ArrayList<>();
  private final String description;

  /** A meter this binder registered, and where. */
  private record Registered(MeterRegistry registry, Meter meter) {}

  /**
   * Binds a scheduler under a name, with no other tag.
   *
   * @param scheduler the scheduler
   * @param name the value of the {@code name} tag
   * @throws NullPointerException if {@code scheduler} or {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public SmolscaleMetrics(Scheduler scheduler, String name) {
    this(scheduler, name, Tags.empty());
  }

  /**
   * Binds a scheduler under a name, with extra tags.
   *
   * @param scheduler the scheduler
   * @param name the value of the {@code name} tag
   * @param tags tags added to every meter
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public SmolscaleMetrics(Scheduler scheduler, String name, Iterable<Tag> tags) {
    this(scheduler, name, tags, Duration.ofMillis(DEFAULT_MAX_SNAPSHOT_AGE_MILLIS));
  }

  /**
   * Binds a scheduler under a name, with extra tags and a limit on the age of the shared
   * snapshot (see the class comment).
   *
   * @param scheduler the scheduler
   * @param name the value of the {@code name} tag
   * @param tags tags added to every meter
   * @param maxSnapshotAge how long the meters may go on reading one {@link Stats} snapshot;
   *     {@link Duration#ZERO}: a fresh one on every read
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is blank or {@code maxSnapshotAge} is negative
   */
  public SmolscaleMetrics(
      Scheduler scheduler, String name, Iterable<Tag> tags, Duration maxSnapshotAge) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tags, "tags");
    Objects.requireNonNull(maxSnapshotAge, "maxSnapshotAge");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank: '" + name + "'");
    }
    if (maxSnapshotAge.isNegative()) {
      throw new IllegalArgumentException("maxSnapshotAge must not be negative: " + maxSnapshotAge);
    }
    this.tags = Tags.of(tags).and(NAME_TAG, name);
    this.cache = new SnapshotCache(nanosSaturated(maxSnapshotAge));
    this.description = "SmolscaleMetrics" + this.tags + " maxSnapshotAge=" + maxSnapshotAge;
  }

  /**
   * A binder for the global scheduler ({@link Smolscale#global()}), tagged {@code name=global}
   * (the name of its JMX bean).
   *
   * @return the binder
   * @throws IllegalStateException if no implementation is on the class or module path
   */
  public static SmolscaleMetrics global() {
    return global(Tags.empty());
  }

  /**
   * A binder for the global scheduler ({@link Smolscale#global()}), tagged {@code name=global}
   * and with extra tags.
   *
   * @param tags tags added to every meter
   * @return the binder
   * @throws NullPointerException if {@code tags} is null
   * @throws IllegalStateException if no implementation is on the class or module path
   */
  public static SmolscaleMetrics global(Iterable<Tag> tags) {
    Objects.requireNonNull(tags, "tags");
    return new SmolscaleMetrics(Smolscale.global(), "global", tags);
  }

  /**
   * Registers the meters with a registry. Binding to a registry that already has meters of the
   * same names and tags leaves those in place (Micrometer returns the existing meter).
   *
   * @param registry the registry
   * @throws NullPointerException if {@code registry} is null
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    SnapshotCache c = cache;
    List<Registered> bound = new ArrayList<>(DEFINITIONS.size());
    for (Definition d : DEFINITIONS) {
      ToDoubleFunction<Stats> field = d.field();
      // The function must not capture the scheduler (the meter holds the function strongly and
      // the scheduler weakly): it gets the scheduler as its argument.
      ToDoubleFunction<Scheduler> read = s -> field.applyAsDouble(c.stats(s));
      Iterable<Tag> all = tags.and(d.tags());
      Meter m;
      if (d.counter()) {
        m = FunctionCounter.builder(d.name(), scheduler, read)
            .tags(all)
            .baseUnit(d.unit())
            .description(d.description())
            .register(registry);
      } else {
        m = Gauge.builder(d.name(), scheduler, read)
            .tags(all)
            .baseUnit(d.unit())
            .description(d.description())
            .register(registry);
      }
      bound.add(new Registered(registry, m));
    }
    synchronized (registered) {
      registered.addAll(bound);
    }
  }

  /**
   * Removes the meters this binder registered from every registry it was bound to. The
   * scheduler is not touched; binding again registers them again.
   */
  @Override
  public void close(@GuardSatisfied SmolscaleMetrics this) {
    List<Registered> bound;
    synchronized (registered) {
      bound = new ArrayList<>(registered);
      registered.clear();
    }
    for (Registered r : bound) {
      r.registry().remove(r.meter());
    }
  }

  /**
   * The binder's description.
   *
   * @return the tags and the snapshot age
   */
  @Override
  public String toString(@GuardSatisfied SmolscaleMetrics this) {
    return description;
  }

  private static long nanosSaturated(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * The snapshot the meters of one binder share. It holds no reference to the scheduler: the
   * meters pass it in.
   */
  private static final class SnapshotCache {
    /** A snapshot and when it was taken ({@link System#nanoTime()}, before the call). */
    private record Taken(Stats stats, long at) {}

    private final long maxAgeNanos;
    private volatile @Nullable Taken last;

    SnapshotCache(long maxAgeNanos) {
      this.maxAgeNanos = maxAgeNanos;
    }

    @EnsuresNonNullIf(expression = "#1", result = true)
    private boolean fresh(@Nullable Taken t, long now) {
      return t != null && now - t.at() < maxAgeNanos;
    }

    Stats stats(Scheduler s) {
      Taken t = last;
      if (fresh(t, System.nanoTime())) {
        return t.stats();
      }
      // One snapshot at a time: each later one is taken after the one it replaces, so the
      // published counters never go down, and meters read together wait for one snapshot
      // instead of each taking its own.
      synchronized (this) {
        t = last;
        long now = System.nanoTime();
        if (fresh(t, now)) {
          return t.stats();
        }
        Stats st = s.stats();
        last = new Taken(st, now);
        return st;
      }
    }
  }
}
