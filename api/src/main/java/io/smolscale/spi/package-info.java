/**
 * The service-provider interface: how the API finds its implementation through {@link
 * java.util.ServiceLoader}.
 */
package io.smolscale.spi;
