package io.smolscale.impl;

import java.util.function.Consumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where failures that have no handle go: detached tasks, raw runnables given to {@code execute},
 * worker start failures. The configured handler, else the thread's default handler, else
 * standard error. Never throws: a failing handler must not kill the worker that reports, and
 * there is nowhere left to report its failure to.
 */
final class UncaughtReporter implements Consumer<Throwable> {
  private final Thread.@Nullable UncaughtExceptionHandler handler;

  UncaughtReporter(Thread.@Nullable UncaughtExceptionHandler handler) {
    this.handler = handler;
  }

  /** Whether a handler would receive a report (the scheduler's, or the JVM's default one). */
  boolean hasHandler() {
    return handler != null || Thread.getDefaultUncaughtExceptionHandler() != null;
  }

  @Override
  public void accept(Throwable failure) {
    try {
      Thread me = Thread.currentThread();
      Thread.UncaughtExceptionHandler h = handler;
      if (h == null) {
        h = Thread.getDefaultUncaughtExceptionHandler();
      }
      if (h != null) {
        h.uncaughtException(me, failure);
      } else {
        System.err.println("Exception in a smolscale task on thread \"" + me.getName() + "\":");
        failure.printStackTrace();
      }
    } catch (Throwable ignored) {
      // A failing handler must not kill the worker; there is nowhere left to report to.
    }
  }
}
