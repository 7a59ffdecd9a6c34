/**
 * The smolscale implementation, found by the API through {@link java.util.ServiceLoader}. It
 * reads {@code java.management} to publish the global scheduler's statistics over JMX.
 */
module io.smolscale.impl {
  requires io.smolscale.api;
  requires java.management;
  requires static org.checkerframework.checker.qual;

  exports io.smolscale.impl.jmx to
      java.management;

  provides io.smolscale.spi.SmolscaleProvider with
      io.smolscale.impl.SmolscaleProviderImpl;
}
