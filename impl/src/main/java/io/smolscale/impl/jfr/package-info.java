/**
 * Java Flight Recorder events for the scheduler's rare, interesting decisions: a worker marked
 * blocked (preempted by the monitor, or compensating in a blocking wait) and tasks moved off a
 * worker by the balancer. They are emitted only from those slow paths, never per task. See
 * {@link io.smolscale.impl.jfr.JfrEvents} for how the implementation runs without {@code jdk.jfr}.
 */
package io.smolscale.impl.jfr;
