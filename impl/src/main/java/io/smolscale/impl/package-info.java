/**
 * The work-balancing scheduler, one protocol per file: {@link
 * io.smolscale.impl.WorkBalancingScheduler} is the public face only; {@link io.smolscale.impl.Pool}
 * holds the shared state (dispatch, waking, run state) and the parts: {@link
 * io.smolscale.impl.Ctl} (worker counts, one method per state-machine edge), {@link
 * io.smolscale.impl.Worker} (run loop, park protocol), {@link io.smolscale.impl.AdaptiveSpin}
 * (pre-park spin policy), {@link io.smolscale.impl.Lifecycle} (start, exit, termination), {@link
 * io.smolscale.impl.Blocking} (a worker that blocks), {@link io.smolscale.impl.Balancer} and
 * {@link io.smolscale.impl.StallDetector} (balancing and the preemption decision), {@link
 * io.smolscale.impl.Counters} (statistics). Queues are in {@code impl.queue}, parking in {@code
 * impl.park}, tasks and nurseries in {@code impl.task}, channels in {@code impl.channel}. Not an
 * API: nothing here is exported. spec/DESIGN.md §2 draws the same picture.
 */
package io.smolscale.impl;
