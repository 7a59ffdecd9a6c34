package io.smolscale;

/** Signals a send to a closed channel, or a receive from a closed and drained one. */
public class ChannelClosedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was attempted
   */
  public ChannelClosedException(String message) {
    super(message);
  }
}
