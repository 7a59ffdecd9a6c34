package io.smolscale.impl;

import java.util.Locale;

/**
 * Why a worker was marked blocked: the vocabulary of {@link Blocking}, recorded as the {@code
 * cause} of the {@code io.smolscale.WorkerBlocked} Flight Recorder event. Kept apart from {@link
 * MoveCause} so that a move cause cannot be passed where a block cause is meant.
 */
public enum BlockCause {
  /** The monitor saw the thread waiting (parked, sleeping, on a monitor) on two ticks. */
  WAITING,
  /** The monitor saw it computing in one task past the threshold while work waited. */
  COMPUTING,
  /**
   * The monitor saw the thread in a system call: {@code RUNNABLE} (a socket read reports so) but
   * its CPU time standing still over two ticks (see {@code StallDetector}).
   */
  SYSCALL,
  /** The worker marked itself, entering a blocking wait (join, get, blockOn, Nursery.close). */
  COMPENSATION,
  /**
   * The worker marked itself before running a body declared blocking ({@code spawnBlocking},
   * the blocking executor) that found no thread of its own.
   */
  DECLARED;

  /** The value recorded in the event: the name in lower case ({@code "waiting"}, ...). */
  public final String label = name().toLowerCase(Locale.ROOT);
}
