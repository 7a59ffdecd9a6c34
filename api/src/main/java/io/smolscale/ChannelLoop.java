package io.smolscale;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@link Channel#forEach}: a receive loop that does not grow the stack. The obvious loop, {@code
 * receive().thenCompose(m -> { use(m); return loop(); })}, recurses on every stage that is
 * already complete (a buffered message completes {@code receive()} at once), and overflows within
 * a few thousand buffered messages. Here a message available now is taken with {@code
 * tryReceive()} in a plain loop, and only an empty channel leaves the loop: a pending {@code
 * receive()} whose completion resumes it, as a new task on the executor, so the stack starts
 * afresh (the trampoline of Kotlin's channel iterator and Tokio's {@code recv} loop in a task).
 *
 * <p>Budget: a loop that always finds a message would never return its thread, so after {@value
 * #BUDGET} messages in one go it re-queues itself on the executor (Tokio's cooperative budget):
 * other tasks queued behind it run, and the monitor does not take a busy consumer for a stuck
 * task.
 *
 * <p>Threads: one loop runs at a time. A run either returns after queueing its successor (the
 * executor's hand-off orders the two runs) or after registering a completion of the pending
 * receive, whose dependent queues the next run (the receive's completion orders them). So the
 * fields, and the action's calls, are confined to one thread at a time, each run
 * happening-before the next: plain fields, and the action needs no synchronisation of its own.
 *
 * @param <T> the message type
 */
final class ChannelLoop<T> implements Runnable {
  /** Messages handled in one run before the loop yields its thread. */
  static final int BUDGET = 64;

  private final Channel<T> channel;
  private final Consumer<? super T> action;
  private final Executor executor;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  /** The receive the loop waits on, cancelled if the loop's stage is. */
  private volatile @Nullable CompletableFuture<T> pending;

  ChannelLoop(Channel<T> channel, Consumer<? super T> action, Executor executor) {
    this.channel = channel;
    this.action = action;
    this.executor = executor;
  }

  /** Starts the loop; the stage completes when it ends (see {@link Channel#forEach}). */
  CompletableFuture<Void> start() {
    done.whenComplete(
        (v, e) -> {
          CompletableFuture<T> p = pending;
          if (p != null) {
            p.cancel(false); // a cancelled loop withdraws its receive: no message is taken
          }
        });
    resume();
    return done;
  }

  @Override
  public void run() {
    for (int handled = 0; !done.isDone(); handled++) {
      if (handled == BUDGET) {
        resume();
        return;
      }
      T message;
      try {
        message = channel.tryReceive();
      } catch (ChannelClosedException e) {
        end(e);
        return;
      } catch (Throwable e) {
        done.completeExceptionally(e);
        return;
      }
      if (message == null) {
        awaitNext();
        return;
      }
      if (!accept(message)) {
        return;
      }
    }
  }

  /** Nothing now: wait for a message, and resume the loop when one comes. */
  private void awaitNext() {
    CompletableFuture<T> next;
    try {
      next = channel.receive().toCompletableFuture();
    } catch (Throwable e) {
      done.completeExceptionally(e);
      return;
    }
    pending = next;
    if (done.isDone()) {
      // Cancelled between the check and the receive: withdraw it. The completion below still
      // runs: if the receive had already taken a message, the action gets it (nothing lost);
      // if it was withdrawn, it fails with the cancellation and nothing more happens.
      next.cancel(false);
    }
    next.whenComplete(
        (message, error) -> {
          pending = null;
          if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
            if (cause instanceof ChannelClosedException) {
              end((ChannelClosedException) cause);
            } else if (!done.isDone()) {
              done.completeExceptionally(cause);
            }
            return;
          }
          // Handed over on the sender's thread: handle it in the next run, not here, so that the
          // sender goes on at once and the loop's stack starts afresh. Taken, so it is handled
          // even if the loop was cancelled meanwhile (see Channel.forEach).
          resume(message);
        });
  }

  /** The channel is closed and drained: a plain close ends the loop, a close with a cause fails it. */
  private void end(ChannelClosedException e) {
    if (e.getCause() == null) {
      done.complete(null);
    } else {
      done.completeExceptionally(e);
    }
  }

  private boolean accept(T message) {
    try {
      action.accept(message);
      return true;
    } catch (Throwable e) {
      done.completeExceptionally(e); // the loop stops; the channel stays as it is
      return false;
    }
  }

  private void resume() {
    try {
      executor.execute(this);
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(e);
    }
  }

  /** Runs the loop on the executor with a message already received (and so owed to the action). */
  private void resume(T first) {
    try {
      executor.execute(() -> {
        if (accept(first)) {
          run();
        }
      });
    } catch (RejectedExecutionException e) {
      accept(first); // taken: handled here rather than lost
      done.completeExceptionally(e);
    }
  }
}
