package io.smolscale.jcstress.broken;

/**
 * A select over two single-waiter channels whose claim is check-then-set: each channel, under its
 * own lock, tests that the select is undecided and then records itself as the winner in a
 * separate step. Each channel's lock excludes only that channel's senders, so two senders on two
 * channels can both pass the test and both hand the select a message. (The real select claims
 * with one compare-and-set on its winner: {@code SelectFuture.tryWin}.)
 */
public final class BrokenSelect {
  static final int OPEN = 0;

  private volatile int winner = OPEN;
  private volatile int value;

  /** A rendezvous channel with room for one waiting receiver: this select. */
  public final class Channel {
    private final int id;
    private BrokenSelect waiter = BrokenSelect.this;

    Channel(int id) {
      this.id = id;
    }

    /** Hands {@code message} to the waiting select, if it can still take one. */
    public synchronized boolean trySend(int message) {
      BrokenSelect s = waiter;
      if (s == null) {
        return false;
      }
      waiter = null;
      if (s.winner == OPEN) { // BUG: test ...
        s.winner = id; // ... and set are two steps, under different channels' locks
        s.value = message;
        return true;
      }
      return false;
    }
  }

  public final Channel a = new Channel(1);
  public final Channel b = new Channel(2);

  public int result() {
    return winner == OPEN ? 0 : value;
  }
}
