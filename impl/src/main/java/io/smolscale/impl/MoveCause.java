package io.smolscale.impl;

import java.util.Locale;

/**
 * Why the balancer moved tasks off a worker's local queue: recorded as the {@code cause} of the
 * {@code io.smolscale.TasksMoved} Flight Recorder event. See {@link BlockCause} for why it is a
 * type of its own.
 */
public enum MoveCause {
  /** The worker was inside one task for a balancer tick: half its queue left. */
  STALLED,
  /** The worker is marked blocked: what its task queued since went to the global queue. */
  BLOCKED;

  /** The value recorded in the event: the name in lower case ({@code "stalled"}, ...). */
  public final String label = name().toLowerCase(Locale.ROOT);
}
