/**
 * The smolscale API: a global, auto-scaling, preemptive, work-balancing task scheduler.
 *
 * <p>Users compile against this module; the implementation ({@code io.smolscale:smolscale-impl})
 * is found at run time through {@link java.util.ServiceLoader} and the
 * {@link io.smolscale.spi.SmolscaleProvider} service.
 */
module io.smolscale.api {
  // The Checker Framework's annotations (nullness, locks) are for this build's checkers and for
  // users who run them; not transitive, so user code compiles and runs without them.
  requires static org.checkerframework.checker.qual;

  exports io.smolscale;
  exports io.smolscale.spi;

  uses io.smolscale.spi.SmolscaleProvider;
}
