/**
 * The smolscale implementation, found by the API through {@link java.util.ServiceLoader}. It
 * reads {@code java.management} to publish the global scheduler's statistics over JMX, and emits
 * Flight Recorder events when {@code jdk.jfr} is present (optional: see {@code
 * io.smolscale.impl.jfr.JfrEvents}).
 */
module io.smolscale.impl {
  requires io.smolscale.api;
  requires java.management;
  requires static jdk.jfr;
  requires static org.checkerframework.checker.qual;

  exports io.smolscale.impl.jmx to
      java.management;
  // Flight Recorder reads the event classes' fields reflectively.
  opens io.smolscale.impl.jfr to
      jdk.jfr;

  provides io.smolscale.spi.SmolscaleProvider with
      io.smolscale.impl.SmolscaleProviderImpl;
}
