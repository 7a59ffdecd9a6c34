package io.smolscale.jcstress;

import io.smolscale.impl.queue.GlobalQueue;
import io.smolscale.impl.queue.LocalQueue;

/** A numbered task for queue tests; never run. Element ids are distinct powers of two. */
public final class Item implements Runnable {
  public final int id;

  public Item(int id) {
    this.id = id;
  }

  @Override
  public void run() {}

  /** The id of a polled element, 0 for none. */
  public static int id(Runnable r) {
    return r == null ? 0 : ((Item) r).id;
  }

  /**
   * Empties a global queue (sequentially, in an arbiter) into a bit set of ids; -1 if an id was
   * seen twice or {@code seen} already had it.
   */
  public static int drainIds(GlobalQueue q, int seen) {
    for (Runnable r; (r = q.poll()) != null; ) {
      seen = add(seen, id(r));
    }
    return seen;
  }

  /** Same for a local queue; called from an arbiter, after every actor is done. */
  public static int drainIds(LocalQueue q, int seen) {
    for (Runnable r; (r = q.poll()) != null; ) {
      seen = add(seen, id(r));
    }
    return seen;
  }

  /** Adds one id to a bit set of ids, -1 (sticky) on a duplicate. */
  public static int add(int seen, int id) {
    if (seen < 0 || id == 0) {
      return seen;
    }
    return (seen & id) != 0 ? -1 : seen | id;
  }
}
