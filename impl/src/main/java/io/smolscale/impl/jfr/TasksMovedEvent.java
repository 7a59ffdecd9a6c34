package io.smolscale.impl.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * The balancer moved tasks off a worker to the global queue. Cause: stalled (inside one task for
 * a balancer tick: half its queue) or blocked (what a blocked worker's task queued since).
 */
@Name("io.smolscale.TasksMoved")
@Label("Tasks Moved")
@Description(
    "The smolscale balancer moved tasks from a worker's local queue to the global queue (cause"
        + " stalled or blocked)")
final class TasksMovedEvent extends WorkerEvent {}
