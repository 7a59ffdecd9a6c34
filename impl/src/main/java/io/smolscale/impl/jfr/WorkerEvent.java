package io.smolscale.impl.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.StackTrace;

/** The fields every smolscale event has: which scheduler, which worker, and why. */
@Category({"smolscale", "Scheduler"})
@StackTrace(false)
abstract class WorkerEvent extends jdk.jfr.Event {
  @Label("Scheduler")
  @Description("The scheduler's thread name prefix")
  String scheduler = "";

  @Label("Worker Thread")
  String workerThread = "";

  @Label("Cause")
  String cause = "";

  @Label("Tasks Moved")
  @Description("Tasks moved from the worker's local queue to the global queue")
  int tasksMoved;
}
