package io.smolscale.spi;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Loads the {@link SmolscaleProvider} once, on first use (the lazy-holder idiom). A failure is
 * remembered and reported as a new {@link IllegalStateException} on every call, so a missing
 * implementation never surfaces as an {@code ExceptionInInitializerError} or a {@code
 * NoClassDefFoundError}.
 */
final class ProviderLoader {
  private ProviderLoader() {}

  private static final class Holder {
    static final @Nullable SmolscaleProvider PROVIDER;
    static final @Nullable String FAILURE;
    static final @Nullable Throwable CAUSE;

    static {
      SmolscaleProvider found = null;
      String failure = null;
      Throwable cause = null;
      try {
        Iterator<SmolscaleProvider> it =
            ServiceLoader.load(SmolscaleProvider.class, SmolscaleProvider.class.getClassLoader())
                .iterator();
        if (it.hasNext()) {
          found = it.next();
        } else {
          failure =
              "no smolscale implementation found on the class path or module path: add the"
                  + " artifact io.smolscale:smolscale-impl (runtime scope) next to"
                  + " io.smolscale:smolscale-api";
        }
      } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
        failure = "the smolscale implementation failed to load: " + e;
        cause = e;
      }
      PROVIDER = found;
      FAILURE = failure;
      CAUSE = cause;
    }

    private Holder() {}
  }

  static SmolscaleProvider get() {
    SmolscaleProvider p = Holder.PROVIDER;
    if (p != null) {
      return p;
    }
    throw new IllegalStateException(String.valueOf(Holder.FAILURE), Holder.CAUSE);
  }
}
