/**
 * Asynchronous channels: {@link io.smolscale.impl.channel.ArrayChannel} (bounded and unbounded,
 * multi-producer multi-consumer, after Go's {@code hchan}) and {@link
 * io.smolscale.impl.channel.OneShotChannel} (one value, one receiver).
 *
 * <p>Both complete a waiting party's future on the thread of the operation that satisfies it and
 * never dispatch anything themselves, so they work with any {@link java.util.concurrent.Executor};
 * on a smolscale worker the woken continuation lands on that worker's local queue. The precise
 * semantics (states, close, cancellation, fairness, happens-before, allocation) are in {@code
 * spec/channels.md}.
 */
package io.smolscale.impl.channel;
