/**
 * Negative controls: deliberately broken variants of the queue, idle-set and task-cell designs,
 * each checked against the same specification as the real class. Each test asserts that Lincheck
 * (model checking, CI sizes) reports the planted bug with a {@code LincheckAssertionError}; a
 * suite that passed these would prove nothing by passing the real ones.
 */
package io.smolscale.lincheck.broken;
