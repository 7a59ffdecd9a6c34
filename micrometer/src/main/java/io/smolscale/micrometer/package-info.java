/**
 * Micrometer metrics for smolscale schedulers: {@link io.smolscale.micrometer.SmolscaleMetrics}
 * binds a scheduler's {@link io.smolscale.Stats} to a {@code MeterRegistry}. The meters are listed
 * in <a
 * href="https://github.com/smolscale-java/smolscale-java/blob/main/spec/README.md#10-statistics">the
 * specification, §10</a>.
 */
package io.smolscale.micrometer;
