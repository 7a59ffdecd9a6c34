package io.smolscale.impl.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * A worker stopped counting towards parallelism: its queue went global, a replacement may start.
 * Cause: waiting (seen parked, sleeping or waiting on two ticks), syscall (RUNNABLE with its CPU
 * time standing still: a socket read), computing (inside one task past the preemption threshold
 * while work waited), compensation, or declared (a blocking-path body that found no thread of its
 * own). It names the task (its body's class and, if it has one, its name) and the worker's top
 * stack frames.
 */
@Name("io.smolscale.WorkerBlocked")
@Label("Worker Blocked")
@Description(
    "A smolscale worker was marked blocked inside a task: by the monitor (cause waiting or"
        + " computing) or by itself (compensation: a blocking join, blockOn or Nursery.close)")
final class WorkerBlockedEvent extends WorkerEvent {
  @Label("Stalled")
  @Description("How long the worker had been inside the task when the monitor marked it (0 for"
      + " compensation)")
  @Timespan(Timespan.NANOSECONDS)
  long stalled;

  @Label("Task")
  @Description(
      "What blocked: the class of the task body's code (a lambda's declaring class; a raw"
          + " runnable's class), from the worker's stack")
  String task = "";

  @Label("Task Name")
  @Description("The name the blocked task was spawned with (Scheduler.spawn(name, body)), empty"
      + " for an unnamed task")
  String taskName = "";

  @Label("Stack")
  @Description("The blocked worker's top stack frames when it was marked, one per line")
  String stack = "";
}
