/**
 * The contracts of smolscale: {@link io.smolscale.Smolscale} (the global scheduler with no
 * set-up), {@link io.smolscale.Scheduler} (an {@code ExecutorService} with a spawn family),
 * {@link io.smolscale.Task} (a task handle), {@link io.smolscale.Nursery} (structured
 * concurrency) and {@link io.smolscale.Channel} / {@link io.smolscale.OneShot} (asynchronous
 * message passing).
 *
 * <p>The precise semantics (task life cycle, happens-before edges, cancellation, fairness,
 * preemption, configuration, errors for bad input) are written down in <a
 * href="https://github.com/smolscale-java/smolscale-java/blob/main/spec/README.md">the specification</a>; the design and its
 * measurements in <a href="https://github.com/smolscale-java/smolscale-java/blob/main/spec/DESIGN.md">DESIGN.md</a> and <a
 * href="https://github.com/smolscale-java/smolscale-java/blob/main/spec/PERFORMANCE.md">PERFORMANCE.md</a>.
 */
package io.smolscale;
