/**
 * Publishes smolscale's {@link io.smolscale.Stats} to Micrometer: {@link
 * io.smolscale.micrometer.SmolscaleMetrics}, a {@code MeterBinder}.
 *
 * <p>{@code micrometer.core} is an automatic module (Micrometer's jar names itself in its manifest,
 * {@code Automatic-Module-Name}, and ships no module descriptor), so javac's lint warns about
 * requiring it ({@code requires-automatic}, which -Xlint:all turns on, and {@code
 * requires-transitive-automatic}); the warnings are suppressed here on purpose: its types ({@code
 * MeterBinder}, {@code MeterRegistry}, {@code Tag}) are in this module's API, so a user's module
 * must read it, and Micrometer publishes no descriptor to require instead.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.smolscale.micrometer {
  requires transitive io.smolscale.api;
  requires transitive micrometer.core;
  // As in the api module: the Checker Framework's annotations, for this build's checkers only.
  requires static org.checkerframework.checker.qual;

  exports io.smolscale.micrometer;
}
