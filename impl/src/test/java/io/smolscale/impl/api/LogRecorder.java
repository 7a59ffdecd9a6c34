package io.smolscale.impl.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records what the implementation logs on {@code io.smolscale} (System.Logger's default back end
 * is java.util.logging, whose logger of that name this listens to), for tests of its warnings.
 */
final class LogRecorder extends Handler {
  private final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
  private final Logger logger = Logger.getLogger("io.smolscale");

  /** Starts listening. */
  void listen() {
    logger.addHandler(this);
  }

  /** Stops listening. */
  void stop() {
    logger.removeHandler(this);
  }

  /** A copy of what was logged so far, oldest first. */
  List<LogRecord> records() {
    synchronized (records) {
      return new ArrayList<>(records);
    }
  }

  @Override
  public void publish(LogRecord r) {
    records.add(r);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
