package io.smolscale.impl;

import io.smolscale.impl.task.DecoratedRunnable;
import io.smolscale.impl.task.TaskImpl;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The blocking predictor: code that blocks once usually blocks again, so learn it per <i>site</i>
 * and start the site's later tasks on the blocking path ({@link Blocking#handOff}) instead of
 * letting each of them block a worker until the monitor notices (about two ticks each, which caps
 * throughput at parallelism / detection latency, about 1,000 calls/s on 2 cores).
 *
 * <p><b>The site</b> is the task body's class ({@link TaskImpl#bodyClass}, or a raw
 * runnable's class): an HTTP server or a JDBC wrapper submits one class per kind of work, and a
 * lambda is a class per source location. Classes of {@code java.*}, {@code jdk.*} and this
 * implementation are never sites: a {@code CompletableFuture} continuation class is shared by
 * every stage of every program, and learning it would send all of them to the blocking path.
 *
 * <p><b>The score</b> (per site, 0 to {@value #CAP}): a verdict of the monitor that a task of the
 * site waited, by its thread state or by its CPU time ({@link StallDetector}), adds {@value
 * #VERDICT}, and so does a run of a warm site that the worker itself measured sleeping through
 * ({@link RunMeter}: the monitor's system-call verdict needs about five ticks and waiting work,
 * so a 5 ms socket call, the commonest blocking call, usually ends unseen); a task of a warm site that ran on a worker without being marked blocked takes
 * {@value #CLEAN_RUN} away. The site is <i>predicted blocking</i> at {@value #PREDICT_AT} or
 * more: two verdicts from cold, and it stays predicted only while more than about one run in
 * {@value #VERDICT}/{@value #CLEAN_RUN} + 1 = 17 is seen blocking. A predicted site still sends
 * some of its tasks to a worker as <b>probes</b>: the first after {@value #PROBE_EVERY} runs; a
 * probe seen blocking doubles the gap to the next (up to {@value #PROBE_EVERY_MAX} runs: each
 * probe of a site that keeps blocking costs a worker about two ticks), and a probe that runs
 * through without blocking takes {@value #CLEAN_PROBE} away (it stands for the runs that went to
 * the blocking path unobserved) and resets the gap, so a site that stops blocking returns to the
 * workers within one long gap and five short ones.
 *
 * <p><b>Why it does not misfire as ZIO's did.</b> ZIO's auto-blocking (zio/zio#6607) classified a
 * fork location as blocking when its work ran <i>slowly</i>; at start-up (class loading, JIT,
 * lazy initialisation) and during GC everything runs slowly, so ordinary code moved to the
 * blocking pool, and a location that blocked once in a hundred runs moved with all of its CPU
 * work, oversubscribing the cores (zio/zio#7074; the fix, #7119, asked for a frequency). Here the
 * evidence is never slowness: a verdict needs the thread seen {@code WAITING}/{@code
 * TIMED_WAITING}/{@code BLOCKED} on two ticks inside one task, or its CPU time standing still
 * over two ticks that the balancer itself saw on time and with no GC in between (GC and
 * safepoints stop every thread, the balancer's too); and the score is a frequency (the clean
 * runs pull it down). A wrong guess costs a thread hop, never correctness: the blocking path
 * runs the task exactly once, under {@code maxThreads}, and falls back to running it on the
 * worker when no thread is to be had.
 *
 * <p><b>Cost on the task path.</b> Nothing until some site has scored (one opaque read of
 * {@code active}); after that, one {@link ClassValue} lookup per task run on a worker, and for
 * runs of warm sites the worker's measurement ({@link RunMeter}, a few microseconds).
 *
 * <p>Memory model: the scores (and each site's run count, probe gap and passed-probe flag) are a
 * heuristic shared by the workers, the submitters and the monitor, updated with opaque reads and
 * writes (no atomicity: a lost update only delays a decision by one run or
 * verdict, and every value stays within [0, {@value #CAP}]); {@code active} is written once
 * (opaque) and read opaquely, since seeing it late only delays the first prediction.
 */
final class BlockingSites {
  static final int VERDICT = 64;
  static final int CLEAN_RUN = 4;
  static final int CLEAN_PROBE = 32;
  static final int PREDICT_AT = 128;
  static final int CAP = 256;
  static final int PROBE_EVERY = 32;
  static final int PROBE_EVERY_MAX = 1024;

  private static final VarHandle ACTIVE;

  static {
    try {
      ACTIVE = MethodHandles.lookup().findVarHandle(BlockingSites.class, "active", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** One site's learning state. */
  static final class Site {
    private static final VarHandle SCORE;
    private static final VarHandle RUNS;
    private static final VarHandle GAP;
    private static final VarHandle PASSED;

    static {
      try {
        MethodHandles.Lookup l = MethodHandles.lookup();
        SCORE = l.findVarHandle(Site.class, "score", int.class);
        RUNS = l.findVarHandle(Site.class, "runs", int.class);
        GAP = l.findVarHandle(Site.class, "probeGap", int.class);
        PASSED = l.findVarHandle(Site.class, "probePassed", boolean.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** Classes that are never sites (see the class comment). */
    final boolean excluded;

    private int score;
    private int runs;
    /** Runs until the next probe (opaque, as the score). */
    private int probeGap = PROBE_EVERY;
    /**
     * Dispatch passed a due probe on to the workers (opaque, as the score): the next run of the
     * site a worker takes is the probe, whatever its own count says.
     */
    private boolean probePassed;

    Site(boolean excluded) {
      this.excluded = excluded;
    }

    int score() {
      return (int) SCORE.getOpaque(this);
    }

    boolean predicted() {
      return score() >= PREDICT_AT;
    }

    void add(int delta) {
      int s = score() + delta;
      SCORE.setOpaque(this, Math.max(0, Math.min(CAP, s)));
    }

    /**
     * From outside ({@code Pool.dispatch}): counts a run of a predicted site; true to start it on
     * the blocking path at once, false if it is the probe, which is passed on to the workers.
     * Without the hand-over a worker taking the probe would count it again, from zero, and send
     * it to the blocking path too: a site fed only from outside would never be probed and, once
     * predicted, never return to the workers.
     */
    boolean startDirect() {
      if (probeDue()) {
        PASSED.setOpaque(this, true);
        return false;
      }
      return true;
    }

    /**
     * On a worker: counts a run of a predicted site; true if this one is the probe (passed on by
     * dispatch, or due by the count). Two workers may both take one passed probe, or a task from
     * inside may take it: either way one more run is observed, which only makes the score a
     * little fresher.
     */
    boolean probeOnWorker() {
      if ((boolean) PASSED.getOpaque(this)) {
        PASSED.setOpaque(this, false);
        return true;
      }
      return probeDue();
    }

    /** Counts a run of a predicted site; true if this one is the probe. */
    private boolean probeDue() {
      int r = (int) RUNS.getOpaque(this) + 1;
      if (r < (int) GAP.getOpaque(this)) {
        RUNS.setOpaque(this, r);
        return false;
      }
      RUNS.setOpaque(this, 0);
      return true;
    }

    /** A probe was marked blocked: probe half as often. */
    void probeBlocked() {
      GAP.setOpaque(this, Math.min(PROBE_EVERY_MAX, 2 * (int) GAP.getOpaque(this)));
    }

    /** A probe ran clean: probe at the short gap again. */
    void probeClean() {
      GAP.setOpaque(this, PROBE_EVERY);
    }
  }

  /** This scheduler's sites (a {@link ClassValue} per scheduler: no class is kept alive by it). */
  private final ClassValue<Site> sitesByClass =
      new ClassValue<>() {
        @Override
        protected Site computeValue(Class<?> type) {
          String n = type.getName();
          return new Site(
              n.startsWith("java.") || n.startsWith("jdk.") || n.startsWith("io.smolscale.impl."));
        }
      };

  private final boolean enabled;
  private boolean active;

  /**
   * Creates the predictor of one scheduler.
   *
   * @param enabled false to learn nothing and predict nothing ({@code
   *     smolscale.debug.predictBlocking=false}, for A/B runs)
   */
  BlockingSites(boolean enabled) {
    this.enabled = enabled;
  }

  /** Whether any site has scored yet (the task path's only cost until then). */
  boolean active() {
    return (boolean) ACTIVE.getOpaque(this);
  }

  /**
   * The site of a task, if it can be one.
   *
   * @param task the task
   * @return the site, or null (no body any more, or an excluded class)
   */
  @Nullable Site siteOf(@Nullable Runnable task) {
    return siteOfClass(siteClassOf(task));
  }

  /**
   * The class that would be a task's site: its body's class, or a raw runnable's class. Final
   * fields only, so a worker reads it after the run, and only when a verdict came: nothing is read
   * per task while no site is warm.
   *
   * @param task the task
   * @return the class, or null (no body any more, or a blocking-path wrapper)
   */
  static @Nullable Class<?> siteClassOf(@Nullable Runnable task) {
    if (task == null || task instanceof Blocking.Declared) {
      return null;
    }
    if (task instanceof DecoratedRunnable) {
      return ((DecoratedRunnable) task).task().getClass(); // the runnable's, not the decorator's
    }
    return task instanceof TaskImpl ? ((TaskImpl<?>) task).bodyClass() : task.getClass();
  }

  /**
   * The site of a class, if it can be one.
   *
   * @param c the class, or null
   * @return the site, or null (null class, or an excluded one)
   */
  @Nullable Site siteOfClass(@Nullable Class<?> c) {
    if (c == null) {
      return null;
    }
    Site s = sitesByClass.get(c);
    return s.excluded ? null : s;
  }

  /**
   * The monitor's verdict: the task a worker ran waited. Called by that worker when the task
   * returns marked (the worker knows its task; publishing it for the monitor would cost a write
   * barrier per task: see {@code Worker}'s {@code verdictPending}), so a task that never returns
   * scores nothing, and its site is learnt from the calls that do.
   *
   * @param task the task the worker ran
   */
  void blocked(@Nullable Runnable task) {
    blockedClass(siteClassOf(task));
  }

  /**
   * {@link #blocked} for the site class of the task the worker ran ({@link #siteClassOf}).
   *
   * @param c the class, or null
   */
  void blockedClass(@Nullable Class<?> c) {
    if (!enabled) {
      return;
    }
    Site s = siteOfClass(c);
    if (s != null) {
      s.add(VERDICT);
      if (!active()) {
        ACTIVE.setOpaque(this, true);
      }
    }
  }

  /**
   * For a worker about to run a task: the task's site if it has a score, else null.
   *
   * @param task the task
   * @return the warm site, or null
   */
  @Nullable Site warmSite(Runnable task) {
    if (!active()) {
      return null;
    }
    Site s = siteOf(task);
    return s == null || s.score() == 0 ? null : s;
  }

  /**
   * A task of a warm site ran on a worker and was not marked blocked.
   *
   * @param s the site
   * @param probe whether it was a predicted site's probe
   */
  static void ranClean(Site s, boolean probe) {
    if (probe) {
      s.probeClean();
    }
    s.add(-(probe ? CLEAN_PROBE : CLEAN_RUN));
  }

  /**
   * A task of a warm site ran on a worker, was not marked blocked, but its thread slept through
   * the run by the worker's own measurement ({@link RunMeter}): scored as a verdict, and a probe
   * counts as blocked.
   *
   * @param s the site
   * @param probe whether it was a predicted site's probe
   */
  void sleptUnseen(Site s, boolean probe) {
    if (!enabled) {
      return;
    }
    s.add(VERDICT);
    ranBlocked(s, probe);
  }

  /**
   * A task of a warm site was marked blocked while a worker ran it (the verdict itself scored it).
   *
   * @param s the site
   * @param probe whether it was a predicted site's probe
   */
  static void ranBlocked(Site s, boolean probe) {
    if (probe) {
      s.probeBlocked();
    }
  }
}
