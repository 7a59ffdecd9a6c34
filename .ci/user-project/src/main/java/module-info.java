/** A user's module: reads the API only; the implementation is bound as a service at run time. */
module example.app {
  requires io.smolscale.api;
}
