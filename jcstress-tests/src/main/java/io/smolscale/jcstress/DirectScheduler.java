package io.smolscale.jcstress;

import io.smolscale.impl.task.Compensator;
import java.util.concurrent.Executor;

/** The executor a bare TaskImpl needs for its async continuations: runs them in place. */
public final class DirectScheduler implements Executor, Compensator {
  public static final DirectScheduler INSTANCE = new DirectScheduler();

  private DirectScheduler() {}

  @Override
  public void execute(Runnable command) {
    command.run();
  }

  @Override
  public boolean beginBlocking() {
    return false;
  }

  @Override
  public void endBlocking() {}
}
