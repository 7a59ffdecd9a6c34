package io.smolscale.lincheck;

import io.smolscale.ChannelClosedException;
import java.util.ArrayDeque;

/**
 * The sequential specification of a channel (see {@code Channel}'s contract): a FIFO buffer of
 * {@code capacity}, a FIFO of waiting receivers (only while the buffer is empty) and a FIFO of
 * waiting senders with their messages (only while it is full). Closing fails the waiting
 * receivers and accepts the waiting senders' messages into the buffer. At capacity 0
 * (rendezvous) the buffer stays empty while open: a send completes only into a waiting receiver,
 * and a receive takes the oldest waiting sender's message directly.
 */
public abstract class ChannelSpec {
  private final int capacity;
  private final ArrayDeque<Integer> buffer = new ArrayDeque<>();
  private final ArrayDeque<Integer> waitingSenders = new ArrayDeque<>();
  private int waitingReceivers;
  private boolean closed;

  protected ChannelSpec(int capacity) {
    this.capacity = capacity;
  }

  public String send(int m) {
    if (closed) {
      return "closed";
    }
    if (waitingReceivers > 0) {
      waitingReceivers--;
      return "done";
    }
    if (buffer.size() < capacity) {
      buffer.add(m);
      return "done";
    }
    waitingSenders.add(m);
    return "pending";
  }

  public boolean trySend(int m) {
    if (closed) {
      throw new ChannelClosedException("closed");
    }
    if (waitingReceivers > 0) {
      waitingReceivers--;
      return true;
    }
    if (buffer.size() < capacity) {
      buffer.add(m);
      return true;
    }
    return false;
  }

  public String receive() {
    Integer m = take();
    if (m != null) {
      return "got " + m;
    }
    if (closed) {
      return "closed";
    }
    waitingReceivers++;
    return "pending";
  }

  public Integer tryReceive() {
    Integer m = take();
    if (m == null && closed) {
      throw new ChannelClosedException("closed");
    }
    return m;
  }

  private Integer take() {
    Integer m = buffer.poll();
    if (m == null) {
      // Only a rendezvous channel has waiting senders while its buffer is empty.
      return waitingSenders.poll();
    }
    if (!waitingSenders.isEmpty()) {
      buffer.add(waitingSenders.poll());
    }
    return m;
  }

  public boolean close() {
    if (closed) {
      return false;
    }
    closed = true;
    waitingReceivers = 0;
    buffer.addAll(waitingSenders);
    waitingSenders.clear();
    return true;
  }

  public boolean isClosed() {
    return closed;
  }

  public int size() {
    return buffer.size();
  }
}
