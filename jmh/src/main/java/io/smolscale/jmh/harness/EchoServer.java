package io.smolscale.jmh.harness;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP server that answers each request after a fixed delay: the remote service of the
 * blocking socket benchmarks (a database or an HTTP back end that takes 5 ms).
 *
 * <p>One thread of its own, never the executor under test: a non-blocking {@link Selector} loop
 * that accepts every pending connection, reads one byte from each (at once if it is there, as it
 * nearly always is, otherwise when the selector reports it), and writes that byte back {@code
 * delay} later, then closes the connection. The due answers wait in a FIFO queue (every
 * request has the same delay, so arrival order is deadline order), and the loop's select timeout
 * is the time until the oldest is due, rounded up to the millisecond: an answer leaves between
 * {@code delay} and {@code delay} + ~1 ms after its request arrived ({@link #meanLateNanos()}
 * tells how late, which also shows whether the server keeps up). Listen backlog {@value
 * #BACKLOG} (the kernel caps it at {@code net.core.somaxconn}), so a burst of 1,000 simultaneous
 * connects is never refused.
 *
 * <p>One request costs the server an accept, a read, a write and a close, a few microseconds of
 * CPU: {@link #cpuNanos()} lets the benchmark report the server's share of a core, the check that
 * the server is not the bottleneck.
 *
 * <p>The client side, {@link #roundTrip}, is a plain blocking {@link Socket} (what JDBC drivers
 * and HTTP clients use): connect, write one byte, read one byte, close. It closes with {@code
 * SO_LINGER} 0 (a reset, no {@code TIME_WAIT}): at ~10,000 connections per second a normal close
 * would park every client port in {@code TIME_WAIT} for a minute and exhaust the ephemeral range
 * (28,000 ports here) within seconds.
 */
public final class EchoServer implements AutoCloseable {
  /** The listen backlog asked for. */
  public static final int BACKLOG = 4096;

  /** Connections accepted per loop before the due answers are sent. */
  static final int ACCEPT_BATCH = 64;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final long delayNanos;
  private final int timeoutMillis;
  private final Selector selector;
  private final ServerSocketChannel server;
  private final InetSocketAddress address;
  private final Thread thread;
  private final ArrayDeque<Pending> due = new ArrayDeque<>();
  private final ByteBuffer buffer = ByteBuffer.allocate(1);
  private volatile boolean stop;
  private volatile Throwable failure;
  // Written by the server thread only.
  private volatile long answered;
  private volatile long lateNanos;

  /** A request read, waiting for its answer's time ({@code key} null if never registered). */
  private record Pending(SocketChannel channel, SelectionKey key, byte value, long dueAt) {}

  /**
   * Starts the server on an ephemeral loopback port.
   *
   * @param delay how long after a request arrives its answer is sent
   * @param unit the delay's unit
   * @param timeoutMillis the clients' connect and read timeout
   * @throws IOException if the socket cannot be opened
   */
  public EchoServer(long delay, TimeUnit unit, int timeoutMillis) throws IOException {
    this.delayNanos = unit.toNanos(delay);
    this.timeoutMillis = timeoutMillis;
    selector = Selector.open();
    server = ServerSocketChannel.open();
    server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    address = (InetSocketAddress) server.getLocalAddress();
    thread = new Thread(this::loop, "echo-server");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The address clients connect to.
   *
   * @return the loopback address and port
   */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * One request, on the calling thread: connect, write {@code value}, read the echo, close.
   *
   * @param value the byte to send (its low 8 bits)
   * @throws IOException if the connection fails, or the echo is wrong or missing
   */
  public void roundTrip(int value) throws IOException {
    int b = value & 0xff;
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.setSoLinger(true, 0);
      s.connect(address, timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      s.getOutputStream().write(b);
      InputStream in = s.getInputStream();
      int r = in.read();
      if (r != b) {
        throw new IOException("echo server answered " + r + " to " + b);
      }
    }
  }

  /**
   * Requests answered so far.
   *
   * @return the count
   */
  public long answered() {
    return answered;
  }

  /**
   * How late the answers were on average, beyond the delay.
   *
   * @return nanoseconds, NaN before the first answer
   */
  public double meanLateNanos() {
    long n = answered;
    return n == 0 ? Double.NaN : (double) lateNanos / n;
  }

  /**
   * The server thread's CPU time so far.
   *
   * @return nanoseconds, or -1 if the JVM cannot tell
   */
  public long cpuNanos() {
    return THREADS.isThreadCpuTimeSupported() ? THREADS.getThreadCpuTime(thread.getId()) : -1;
  }

  /**
   * What stopped the server, if it failed.
   *
   * @return the failure, or null while it runs (or after a clean close)
   */
  public Throwable failure() {
    return failure;
  }

  private void loop() {
    try {
      while (!stop) {
        Pending head = due.peekFirst();
        if (head == null) {
          selector.select();
        } else {
          long wait = head.dueAt - System.nanoTime();
          if (wait <= 0) {
            selector.selectNow();
          } else {
            // Rounded up: never answer early.
            selector.select((wait + 999_999) / 1_000_000);
          }
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          if (!k.isValid()) {
            continue;
          }
          if (k.isAcceptable()) {
            accept();
          } else if (k.isReadable()) {
            receive((SocketChannel) k.channel(), k);
          }
        }
        answerDue();
      }
    } catch (Throwable t) {
      if (!stop) {
        failure = t;
      }
    } finally {
      for (Pending p : due) {
        closeQuietly(p.channel);
      }
      due.clear();
      for (SelectionKey k : selector.keys()) {
        closeQuietly(k.channel());
      }
      closeQuietly(selector);
    }
  }

  private void accept() throws IOException {
    SocketChannel c;
    // At most a batch per wake-up: the answers that fall due while a burst of 1,000 connects is
    // accepted are sent in between (the listening key stays ready, so the next select returns at
    // once).
    for (int i = 0; i < ACCEPT_BATCH && (c = server.accept()) != null; i++) {
      c.configureBlocking(false);
      // The client writes as soon as it is connected, so its byte is nearly always here already:
      // reading it at once saves a registration and a loop per request. Measured with 64 plain
      // client threads on 2 cores: 99% of the requests, 5,800 -> 9,300 requests/s (the server's
      // answers had waited for a second select first).
      if (!receive(c, null)) {
        c.register(selector, SelectionKey.OP_READ);
      }
    }
  }

  /**
   * Reads a request's byte if it has arrived and queues its answer.
   *
   * @param c the connection
   * @param k its key, or null if it is not registered
   * @return true if the connection needs no more reading (answer queued, or closed)
   */
  private boolean receive(SocketChannel c, SelectionKey k) {
    int n;
    buffer.clear();
    try {
      n = c.read(buffer);
    } catch (IOException e) {
      n = -1; // the client went away (reset): its own check fails, the server goes on
    }
    if (n < 0) {
      if (k != null) {
        k.cancel();
      }
      closeQuietly(c);
      return true;
    }
    if (n == 0) {
      return false;
    }
    if (k != null) {
      k.interestOps(0);
    }
    due.addLast(new Pending(c, k, buffer.get(0), System.nanoTime() + delayNanos));
    return true;
  }

  private void answerDue() {
    long now = System.nanoTime();
    long late = 0;
    long count = 0;
    Pending p;
    while ((p = due.peekFirst()) != null && p.dueAt <= now) {
      due.pollFirst();
      buffer.clear();
      buffer.put(p.value).flip();
      try {
        // One byte into an empty send buffer: a non-blocking write always takes it.
        if (p.channel.write(buffer) == 1) {
          late += now - p.dueAt;
          count++;
        }
      } catch (IOException e) {
        // The client went away; its own check reports it.
      }
      if (p.key != null) {
        p.key.cancel();
      }
      closeQuietly(p.channel);
    }
    if (count > 0) {
      lateNanos += late;
      answered += count;
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }

  /** Stops the server thread and closes every socket. */
  @Override
  public void close() {
    stop = true;
    selector.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(server);
  }
}
