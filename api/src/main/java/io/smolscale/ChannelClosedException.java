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

  /**
   * Creates the exception for a channel closed with a cause ({@link Channel#close(Throwable)},
   * {@link OneShot#fail(Throwable)}).
   *
   * @param message the detail message
   * @param cause why the channel was closed
   */
  public ChannelClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
