/**
 * The contracts of smolscale: {@link io.smolscale.Smolscale} (the global scheduler with no
 * set-up), {@link io.smolscale.Scheduler} (an {@code ExecutorService} with a spawn family),
 * {@link io.smolscale.Task} (a task handle), {@link io.smolscale.Nursery} (structured
 * concurrency) and {@link io.smolscale.Channel} / {@link io.smolscale.OneShot} (asynchronous
 * message passing).
 *
 * <p>The precise semantics (task life cycle, happens-before edges, cancellation, fairness,
 * preemption) are written down in the project's {@code spec/README.md}.
 */
package io.smolscale;
