package io.smolscale.impl.api;

import static io.smolscale.impl.api.Support.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smolscale.CheckedRunnable;
import io.smolscale.ChildFailedException;
import io.smolscale.ErrorPolicy;
import io.smolscale.Nursery;
import io.smolscale.Scheduler;
import io.smolscale.Smolscale;
import io.smolscale.Task;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Bodies that return nothing and throw checked exceptions ({@link CheckedRunnable}), and
 * {@code Nursery.spawn(Runnable, ErrorPolicy)}. That this file compiles is half the test: every
 * {@code spawn(() -> { Thread.sleep(..); })} below failed to compile before {@code
 * CheckedRunnable}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class CheckedBodyTest {

  private static void mayThrow(AtomicInteger ran) throws IOException {
    ran.incrementAndGet();
  }

  /** A void call that throws: {@code () -> throwIt(e)} is a CheckedRunnable, never a Callable. */
  private static void throwIt(Exception e) throws Exception {
    throw e;
  }

  private static int answer() {
    return 42;
  }

  /**
   * A scheduler or nursery that records which overload each call resolved to (by its parameter
   * types) and returns null: resolution is decided by javac, so this shows what a user's call
   * compiles to, without running anything.
   */
  @SuppressWarnings("unchecked")
  private static <T> T recorder(Class<T> type, List<String> calls) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              calls.add(signature(method));
              return null;
            });
  }

  private static String signature(Method m) {
    StringBuilder b = new StringBuilder(m.getName()).append('(');
    Class<?>[] p = m.getParameterTypes();
    for (int i = 0; i < p.length; i++) {
      b.append(i == 0 ? "" : ",").append(p[i].getSimpleName());
    }
    return b.append(')').toString();
  }

  // Proves the overloads resolve as documented: a void block lambda and a void method reference
  // go to spawn(CheckedRunnable); a lambda or method reference returning a value still goes to
  // spawn(Callable); a Runnable variable still goes to spawn(Runnable), a Callable one to
  // spawn(Callable). For Scheduler (spawn, spawnBlocking) and Nursery (with and without policy).
  @Test
  void overloadsResolveAsDocumented() {
    List<String> calls = new ArrayList<>();
    Scheduler s = recorder(Scheduler.class, calls);
    AtomicInteger ran = new AtomicInteger();
    Runnable plain = ran::incrementAndGet;
    Callable<Integer> callable = () -> 1;
    s.spawn(() -> {
      Thread.sleep(1);
    });
    s.spawn(() -> mayThrow(ran));
    s.spawn(() -> 42);
    s.spawn(CheckedBodyTest::answer);
    s.spawn(plain);
    s.spawn(callable);
    s.spawn(() -> {
      ran.incrementAndGet();
    });
    s.spawn(() -> throwIt(new IOException()));
    s.spawnBlocking(() -> {
      Thread.sleep(1);
    });
    s.spawnBlocking(() -> 42);
    s.spawnBlocking(plain);
    assertEquals(
        Arrays.asList(
            "spawn(CheckedRunnable)",
            "spawn(CheckedRunnable)",
            "spawn(Callable)",
            "spawn(Callable)",
            "spawn(Runnable)",
            "spawn(Callable)",
            "spawn(CheckedRunnable)",
            "spawn(CheckedRunnable)",
            "spawnBlocking(CheckedRunnable)",
            "spawnBlocking(Callable)",
            "spawnBlocking(Runnable)"),
        calls);

    calls.clear();
    Nursery n = recorder(Nursery.class, calls);
    n.spawn(() -> {
      Thread.sleep(1);
    });
    n.spawn(() -> {
      Thread.sleep(1);
    }, ErrorPolicy.IGNORE);
    n.spawn(() -> 42);
    n.spawn(() -> 42, ErrorPolicy.IGNORE);
    n.spawn(plain);
    n.spawn(plain, ErrorPolicy.IGNORE);
    assertEquals(
        Arrays.asList(
            "spawn(CheckedRunnable)",
            "spawn(CheckedRunnable,ErrorPolicy)",
            "spawn(Callable)",
            "spawn(Callable,ErrorPolicy)",
            "spawn(Runnable)",
            "spawn(Runnable,ErrorPolicy)"),
        calls);
  }

  // A checked void body runs, completes with null, and a failing one FAILS with its own checked
  // exception, unwrapped (failure(), get()'s cause and join()'s cause are the very object).
  @Test
  void checkedBodyFailsWithItsOwnException() throws Exception {
    IOException boom = new IOException("boom");
    AtomicInteger ran = new AtomicInteger();
    try (Scheduler s = small(2).build()) {
      Task<Void> ok = s.spawn(() -> mayThrow(ran));
      assertNull(ok.join());
      assertEquals(1, ran.get());
      assertEquals(Task.Status.SUCCEEDED, ok.status());

      Task<Void> bad = s.spawn(() -> throwIt(boom));
      assertThrows(CompletionException.class, bad::join);
      assertEquals(Task.Status.FAILED, bad.status());
      assertSame(boom, bad.failure());
      ExecutionException e = assertThrows(ExecutionException.class, bad::get);
      assertSame(boom, e.getCause());
      CompletionException c = assertThrows(CompletionException.class, bad::join);
      assertSame(boom, c.getCause());

      Task<Void> blocking = s.spawnBlocking(() -> {
        Thread.sleep(1);
        throwIt(boom);
      });
      assertThrows(CompletionException.class, blocking::join);
      assertSame(boom, blocking.failure());
    }
  }

  // The facade's checked forms run on the global scheduler and keep the exception unwrapped.
  @Test
  void facadeRunsCheckedBodies() {
    IOException boom = new IOException("boom");
    AtomicInteger ran = new AtomicInteger();
    assertNull(Smolscale.spawn(() -> {
      Thread.sleep(1);
      ran.incrementAndGet();
    }).join());
    Task<Void> blocking = Smolscale.spawnBlocking(() -> throwIt(boom));
    assertThrows(CompletionException.class, blocking::join);
    assertSame(boom, blocking.failure());
    assertEquals(1, ran.get());
  }

  // A CheckedRunnable spawned through a Runnable-typed variable still fails with its own
  // exception: the task tells the body's kind by its type, not by the overload.
  @Test
  void checkedRunnableHeldAsRunnableFailsUnwrapped() {
    IOException boom = new IOException("boom");
    CheckedRunnable checked = () -> {
      throw boom;
    };
    Runnable asRunnable = checked;
    try (Scheduler s = small(1).build()) {
      Task<Void> t = s.spawn(asRunnable);
      assertThrows(CompletionException.class, t::join);
      assertSame(boom, t.failure());
    }
  }

  // CheckedRunnable.run() (what a plain executor calls) rethrows unchecked exceptions as they
  // are, wraps a checked one in CompletionException, and restores the interrupt status for an
  // InterruptedException.
  @Test
  void runWrapsOnlyCheckedExceptions() {
    IllegalStateException unchecked = new IllegalStateException("x");
    CheckedRunnable throwsUnchecked = () -> {
      throw unchecked;
    };
    assertSame(unchecked, assertThrows(IllegalStateException.class, throwsUnchecked::run));

    IOException checked = new IOException("y");
    CheckedRunnable throwsChecked = () -> {
      throw checked;
    };
    assertSame(checked, assertThrows(CompletionException.class, throwsChecked::run).getCause());

    InterruptedException interrupted = new InterruptedException("z");
    CheckedRunnable throwsInterrupted = () -> {
      throw interrupted;
    };
    try {
      CompletionException e = assertThrows(CompletionException.class, throwsInterrupted::run);
      assertSame(interrupted, e.getCause());
      assertTrue(Thread.currentThread().isInterrupted(), "interrupt status restored");
    } finally {
      Thread.interrupted();
    }
  }

  // Nursery.spawn(Runnable, ErrorPolicy) applies its policy: IGNORE keeps the failure in the
  // handle and close() returns; PROPAGATE (also for a checked body) is thrown from close().
  @Test
  void nurseryRunnableAndCheckedChildrenTakeAPolicy() {
    IllegalStateException ignored = new IllegalStateException("ignored");
    IOException propagated = new IOException("propagated");
    Runnable failing = () -> {
      throw ignored;
    };
    AtomicInteger ran = new AtomicInteger();
    try (Scheduler s = small(2).build()) {
      Task<Void> a;
      Task<Void> b;
      try (Nursery n = s.nursery()) {
        a = n.spawn(failing, ErrorPolicy.IGNORE);
        b = n.spawn(() -> mayThrow(ran), ErrorPolicy.IGNORE);
      }
      assertSame(ignored, a.failure());
      assertEquals(Task.Status.SUCCEEDED, b.status());
      assertEquals(1, ran.get());

      Nursery n = s.nursery();
      Task<Void> c = n.spawn(() -> throwIt(propagated), ErrorPolicy.PROPAGATE);
      ChildFailedException e = assertThrows(ChildFailedException.class, n::close);
      assertSame(propagated, e.getCause());
      assertSame(propagated, c.failure());

      Nursery m = s.nursery();
      m.spawn(() -> {
        Thread.sleep(1);
        throwIt(propagated);
      });
      assertSame(propagated, assertThrows(ChildFailedException.class, m::close).getCause());
      assertFalse(Thread.currentThread().isInterrupted());
    }
  }
}
