package io.smolscale.lincheck;

import java.util.ArrayList;
import java.util.List;

/** A numbered task for the queue tests; never run. */
public final class Item implements Runnable {
  final int id;

  public Item(int id) {
    this.id = id;
  }

  @Override
  public void run() {}

  /** The id of a polled element, or null. */
  public static Integer id(Runnable r) {
    return r == null ? null : ((Item) r).id;
  }

  /** Ids in polling order, from any poll function, until it returns null. */
  public static List<Integer> drain(java.util.function.Supplier<Runnable> poll) {
    List<Integer> ids = new ArrayList<>();
    for (Runnable r; (r = poll.get()) != null; ) {
      ids.add(((Item) r).id);
    }
    return ids;
  }

  @Override
  public String toString() {
    return "Item" + id;
  }
}
