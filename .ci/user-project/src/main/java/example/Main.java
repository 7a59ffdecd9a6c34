package example;

import io.smolscale.Nursery;
import io.smolscale.Smolscale;
import io.smolscale.Task;
import java.util.concurrent.atomic.AtomicInteger;

/** Spawns a task, a blocking task and a nursery of children, and prints what they computed. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Task<Integer> answer = Smolscale.spawn(() -> 6 * 7);
    Task<String> blocking =
        Smolscale.spawnBlocking(
            () -> {
              Thread.sleep(5);
              return "slept";
            });
    AtomicInteger sum = new AtomicInteger();
    try (Nursery n = Smolscale.nursery()) {
      for (int i = 1; i <= 100; i++) {
        int v = i;
        n.spawn(() -> sum.addAndGet(v));
      }
    }
    String where = Main.class.getModule().isNamed() ? "module path" : "class path";
    System.out.println(where + ": " + answer.join() + " " + blocking.join() + " " + sum.get());
  }
}
