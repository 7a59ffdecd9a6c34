/**
 * The work-balancing scheduler: {@link io.smolscale.impl.WorkBalancingScheduler} (dispatch,
 * waking, counts), {@link io.smolscale.impl.Worker} (run loop and life cycle) and {@link
 * io.smolscale.impl.Balancer} (balancing, blocking detection and preemption). Queues are in
 * {@code impl.queue}, parking in {@code impl.park}, tasks and nurseries in {@code impl.task},
 * channels in {@code impl.channel}. Not an API: nothing here is exported.
 */
package io.smolscale.impl;
