package io.smolscale;

import java.util.concurrent.CompletionException;

/**
 * A task body that returns nothing and may throw a checked exception: the {@code void} form of
 * {@link java.util.concurrent.Callable}, so that {@code spawn(() -> { Thread.sleep(5); })}
 * compiles.
 *
 * <p>It extends {@link Runnable} so that the {@code spawn} overloads stay unambiguous: a lambda
 * with a {@code void} body is compatible with both, and this type, being the more specific
 * (JLS 15.12.2.5), is chosen; a lambda that returns a value still goes to the {@code Callable}
 * overload, and a variable of type {@code Runnable} to the {@code Runnable} one, as before.
 *
 * <p>A task spawned with such a body calls {@link #runChecked()}: the task FAILS with the
 * exception the body threw, unwrapped, exactly as a {@code Callable} body's. Only code that calls
 * {@link #run()} (an {@link java.util.concurrent.Executor#execute} of it, for instance) sees the
 * wrapping described there.
 */
@FunctionalInterface
public interface CheckedRunnable extends Runnable {

  /**
   * Runs the body.
   *
   * @throws Exception whatever the body throws
   */
  void runChecked() throws Exception;

  /**
   * Runs the body as a plain {@link Runnable}: an unchecked exception or error propagates as it
   * is; a checked exception is wrapped in a {@link CompletionException} (the JDK's unchecked form
   * of a failed computation, what {@code CompletableFuture.join()} throws), and an {@link
   * InterruptedException} also restores the thread's interrupt status.
   *
   * @throws CompletionException wrapping a checked exception of the body
   */
  @Override
  default void run() {
    try {
      runChecked();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }
}
