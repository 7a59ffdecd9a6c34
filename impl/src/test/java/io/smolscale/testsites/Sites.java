package io.smolscale.testsites;

/**
 * Task classes for the blocking predictor's tests. They live outside {@code io.smolscale.impl}
 * because the predictor never treats that package's classes as sites (its internal runnables,
 * such as a yield's completion, are shared by every program). Each is a distinct site: a site is
 * a class.
 */
public final class Sites {
  private Sites() {}

  /** A site that runs what it is given. */
  public static final class A implements Runnable {
    private final Runnable body;

    /** @param body what to run */
    public A(Runnable body) {
      this.body = body;
    }

    /** Creates one that does nothing. */
    public A() {
      this(() -> {});
    }

    @Override
    public void run() {
      body.run();
    }
  }

  /** Another site. */
  public static final class B implements Runnable {
    @Override
    public void run() {}
  }

  /** Another site. */
  public static final class C implements Runnable {
    @Override
    public void run() {}
  }

  /** Another site. */
  public static final class D implements Runnable {
    @Override
    public void run() {}
  }

  /** Another site. */
  public static final class E implements Runnable {
    @Override
    public void run() {}
  }

  /** Another site. */
  public static final class F implements Runnable {
    @Override
    public void run() {}
  }

  /** Another site. */
  public static final class G implements Runnable {
    @Override
    public void run() {}
  }

  /** A site for the scheduler tests: runs what it is given. */
  /** Another site. */
  public static final class H implements Runnable {
    @Override
    public void run() {}
  }

  /** Another site. */
  public static final class I implements Runnable {
    @Override
    public void run() {}
  }

  public static final class Gated implements Runnable {
    private final Runnable body;

    /** @param body what to run */
    public Gated(Runnable body) {
      this.body = body;
    }

    @Override
    public void run() {
      body.run();
    }
  }
}
