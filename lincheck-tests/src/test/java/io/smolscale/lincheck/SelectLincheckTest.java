package io.smolscale.lincheck;

import io.smolscale.ChannelClosedException;
import io.smolscale.Select;
import io.smolscale.impl.channel.ArrayChannel;
import io.smolscale.impl.channel.Selects;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * {@link Select} over two channels, {@code a} of capacity 1 and {@code b} a rendezvous, against
 * plain sends, receives, a close and each other. A select that waits sits in both channels' queues
 * at once; the specification says that the first channel operation that can take one of its
 * clauses decides it, and from then on its other clause is as if it had never been there. The
 * result of an operation is its outcome at its linearization point: {@code pending} if it waited
 * (the channel's {@code wasQueued}, {@link Selects#wasQueued}), else what it returned. A pending
 * operation's later outcome is not observed directly, but its effect is: which message is
 * left where for later receives.
 *
 * <p>This fails if a claim does not decide the select atomically (a message taken by the losing
 * clause disappears or is received twice) or if the start does not check and register under the
 * same locks (a select left waiting while a sender waits on one of its channels: a later
 * receive sees the message the select should have taken).
 */
@Param(name = "m", gen = IntGen.class, conf = "1:9")
public class SelectLincheckTest {
  private final ArrayChannel<Integer> a = new ArrayChannel<>(1);
  private final ArrayChannel<Integer> b = new ArrayChannel<>(0);

  @Operation
  public String sendA(@Param(name = "m") int m) {
    return describe(a.send(m));
  }

  @Operation
  public String sendB(@Param(name = "m") int m) {
    return describe(b.send(m));
  }

  @Operation
  public String receiveA() {
    return describe(a.receive());
  }

  @Operation
  public Integer tryReceiveA() {
    return a.tryReceive();
  }

  @Operation
  public Integer tryReceiveB() {
    return b.tryReceive();
  }

  @Operation
  public boolean closeA() {
    return a.close();
  }

  /** Receives from whichever of a, b has a message first (a if both). */
  @Operation
  public String selectReceive() {
    return describeSelect(
        Select.first(Select.onReceive(a, m -> "a" + m), Select.onReceive(b, m -> "b" + m)));
  }

  /** Sends m to whichever of b, a takes it first (b if both). */
  @Operation
  public String selectSend(@Param(name = "m") int m) {
    return describeSelect(
        Select.first(Select.onSend(b, m, () -> "to b"), Select.onSend(a, m, () -> "to a")));
  }

  private static String describe(CompletionStage<?> stage) {
    if (ArrayChannel.wasQueued(stage)) {
      return "pending";
    }
    return outcome(stage.toCompletableFuture());
  }

  private static String describeSelect(CompletableFuture<String> select) {
    if (Selects.wasQueued(select)) {
      return "pending";
    }
    return outcome(select);
  }

  private static String outcome(CompletableFuture<?> f) {
    if (!f.isDone()) {
      return "not queued, yet not complete"; // no specification outcome: fails the check
    }
    try {
      Object v = f.join();
      return v == null ? "done" : v instanceof Integer ? "got " + v : v.toString();
    } catch (CompletionException e) {
      return e.getCause() instanceof ChannelClosedException ? "closed" : "failed " + e.getCause();
    }
  }

  /**
   * In CI mode with 300 invocations per scenario instead of 1,000: a select takes two monitors
   * and walks CompletableFuture's completion, so each invocation has many more switch points than
   * a plain channel's, and at 1,000 this test alone took most of a minute of the module's budget
   * (JDK 17, the 2-core VM). At 300 it still rejects a claim without the compare-and-set (see the
   * README); the long mode keeps Lincheck's defaults.
   */
  @Test
  public void modelChecking() {
    org.jetbrains.lincheck.datastructures.ModelCheckingOptions o = LincheckConfig.modelChecking();
    if (!LincheckConfig.stressMode()) {
      o = o.invocationsPerIteration(300);
    }
    o.sequentialSpecification(Spec.class).check(getClass());
  }

  @Test
  public void stress() {
    LincheckConfig.stress().sequentialSpecification(Spec.class).check(getClass());
  }

  /**
   * The sequential specification. Each channel has a buffer, a FIFO of waiting receivers and a
   * FIFO of waiting senders; an entry is either a plain operation or a clause of a select, named
   * by the select's number. A select is open until one of its clauses is taken (or a close fails
   * or accepts one); entries of a decided select are skipped (they are dead), which is what the
   * implementation's withdrawal makes true.
   */
  public static class Spec {
    private int nextSelect;
    private final Set<Integer> open = new HashSet<>();
    private final Chan a = new Chan(1);
    private final Chan b = new Chan(0);

    /** A queued operation: a plain one (select -1) or a select's clause, with a sender's message. */
    private static final class Entry {
      final int select;
      final int message;

      Entry(int select, int message) {
        this.select = select;
        this.message = message;
      }
    }

    private final class Chan {
      final int capacity;
      final ArrayDeque<Integer> buffer = new ArrayDeque<>();
      final ArrayDeque<Entry> receivers = new ArrayDeque<>();
      final ArrayDeque<Entry> senders = new ArrayDeque<>();
      boolean closed;

      Chan(int capacity) {
        this.capacity = capacity;
      }

      /** Claims the oldest live entry, dropping dead ones; a select's claim decides it. */
      Entry poll(ArrayDeque<Entry> q) {
        for (Entry e = q.poll(); e != null; e = q.poll()) {
          if (e.select < 0 || open.remove(e.select)) {
            return e;
          }
        }
        return null;
      }

      boolean offer(int m) {
        if (poll(receivers) != null) {
          return true; // handed to the waiting receiver (or select)
        }
        if (buffer.size() < capacity) {
          buffer.add(m);
          return true;
        }
        return false;
      }

      Integer take() {
        Integer m = buffer.poll();
        Entry s = poll(senders);
        if (m == null) {
          return s == null ? null : s.message; // rendezvous: straight from the sender
        }
        if (s != null) {
          buffer.add(s.message); // the room the receive made admits the oldest sender
        }
        return m;
      }

      String send(int m) {
        if (closed) {
          return "closed";
        }
        if (offer(m)) {
          return "done";
        }
        senders.add(new Entry(-1, m));
        return "pending";
      }

      String receive() {
        Integer m = take();
        if (m != null) {
          return "got " + m;
        }
        if (closed) {
          return "closed";
        }
        receivers.add(new Entry(-1, 0));
        return "pending";
      }

      Integer tryReceive() {
        Integer m = take();
        if (m == null && closed) {
          throw new ChannelClosedException("closed");
        }
        return m;
      }

      boolean close() {
        if (closed) {
          return false;
        }
        closed = true;
        while (poll(receivers) != null) {
          // failed: a select whose receive clause is here fails with the close
        }
        for (Entry s = poll(senders); s != null; s = poll(senders)) {
          buffer.add(s.message); // accepted: a select whose send clause is here completes
        }
        return true;
      }
    }

    public String sendA(int m) {
      return a.send(m);
    }

    public String sendB(int m) {
      return b.send(m);
    }

    public String receiveA() {
      return a.receive();
    }

    public Integer tryReceiveA() {
      return a.tryReceive();
    }

    public Integer tryReceiveB() {
      return b.tryReceive();
    }

    public boolean closeA() {
      return a.close();
    }

    public String selectReceive() {
      Integer m = a.take();
      if (m != null) {
        return "a" + m;
      }
      if (a.closed) {
        return "closed";
      }
      m = b.take();
      if (m != null) {
        return "b" + m;
      }
      int id = nextSelect++;
      open.add(id);
      a.receivers.add(new Entry(id, 0));
      b.receivers.add(new Entry(id, 0));
      return "pending";
    }

    public String selectSend(int m) {
      if (b.offer(m)) {
        return "to b";
      }
      if (a.closed) {
        return "closed";
      }
      if (a.offer(m)) {
        return "to a";
      }
      int id = nextSelect++;
      open.add(id);
      b.senders.add(new Entry(id, m));
      a.senders.add(new Entry(id, m));
      return "pending";
    }
  }
}
