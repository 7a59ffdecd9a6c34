/**
 * Negative controls: deliberately broken variants of the mechanisms under test, each with the
 * same jcstress test as its correct counterpart. The build runs this package separately
 * ({@code io.smolscale.jcstress.ExpectDetected}) and fails unless every test here reports a
 * FORBIDDEN outcome: a suite that cannot catch these planted bugs proves nothing by passing.
 *
 * <p>Every planted bug here is an atomicity or lost-wake-up race, which x86 shows as readily as
 * any machine. Store-store or load-load reordering bugs (a missing release on the producer's
 * index) are not planted: x86's TSO memory model never reorders those, so such a control would
 * pass on the CI machines and prove nothing there (see the module README).
 */
package io.smolscale.jcstress.broken;
