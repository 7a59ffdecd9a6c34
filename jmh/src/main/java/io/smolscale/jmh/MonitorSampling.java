package io.smolscale.jmh;

import io.smolscale.jmh.harness.ForkJvm;
import java.io.FileInputStream;
import java.io.RandomAccessFile;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the monitor's system-call check costs per sampled worker (issue 15): the same three reads
 * the balancer makes ({@code io.smolscale.impl.JvmClocks}) for a stalled worker whose thread is
 * RUNNABLE: the thread's CPU time, its kernel state from {@code /proc}, and (once per tick, not
 * per worker) the collection count; and the read a worker makes of its own thread around each run
 * of a site that has blocked before ({@code io.smolscale.impl.RunMeter}). The sampled thread is parked; {@code threads} other live
 * threads make the JVM's lookup of a thread by id walk a realistic thread list. Not in the report
 * (it measures no scheduler): run with {@code java -jar jmh/target/benchmarks.jar MonitorSampling}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {ForkJvm.XMS, ForkJvm.XMX, ForkJvm.THP, ForkJvm.PRETOUCH})
@State(Scope.Benchmark)
public class MonitorSampling {
  /** Other live threads (parked), beside the sampled one. */
  @Param({"10", "500"})
  public int threads;

  private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
  private final List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
  private final List<Thread> parked = new ArrayList<>();
  private volatile boolean stop;
  private long sampledId;
  private Path stat;
  private final byte[] buf = new byte[96];
  /** The benchmark thread's own schedstat ({@code /proc/thread-self}: the thread that reads it). */
  private final String ownSchedstat = "/proc/thread-self/schedstat";
  /**
   * Opened by the benchmark method itself on its first call ({@code /proc/thread-self} is resolved
   * at open, so by the measuring thread); closed at the end of the trial.
   */
  private RandomAccessFile ownSchedstatFile;

  @Setup(Level.Trial)
  public void up() throws Exception {
    CountDownLatch ready = new CountDownLatch(threads + 1);
    String[] tid = new String[1];
    for (int i = 0; i <= threads; i++) {
      boolean sampled = i == 0;
      Thread t =
          new Thread(
              () -> {
                if (sampled) {
                  try {
                    String link = Files.readSymbolicLink(Paths.get("/proc/thread-self")).toString();
                    tid[0] = link.substring(link.lastIndexOf('/') + 1);
                  } catch (Exception e) {
                    tid[0] = "self";
                  }
                }
                ready.countDown();
                while (!stop) {
                  LockSupport.park(this);
                }
              });
      t.setDaemon(true);
      t.start();
      parked.add(t);
    }
    if (!ready.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("threads did not start");
    }
    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+
    long id = parked.get(0).getId();
    sampledId = id;
    stat = Paths.get("/proc/self/task/" + tid[0] + "/stat");
  }

  @TearDown(Level.Trial)
  public void down() throws Exception {
    if (ownSchedstatFile != null) {
      ownSchedstatFile.close();
    }
    stop = true;
    for (Thread t : parked) {
      LockSupport.unpark(t);
      t.join(10_000);
    }
  }

  /** ThreadMXBean.getThreadCpuTime of the sampled thread. */
  @Benchmark
  public long thread_cpu_time() {
    return mx.getThreadCpuTime(sampledId);
  }

  /** The kernel state letter from /proc/self/task/tid/stat. */
  @Benchmark
  public char proc_state() throws Exception {
    String s = new String(Files.readAllBytes(stat), StandardCharsets.US_ASCII);
    return s.charAt(s.lastIndexOf(')') + 2);
  }

  /**
   * The read a worker makes before and after each run of a warm site ({@code
   * io.smolscale.impl.RunMeter}): its own thread's {@code schedstat}, from a file kept open, a
   * seek to 0 and a read into a reused buffer; the first number parsed.
   */
  @Benchmark
  public long own_schedstat() throws Exception {
    if (ownSchedstatFile == null) {
      ownSchedstatFile = new RandomAccessFile(ownSchedstat, "r");
    }
    ownSchedstatFile.seek(0);
    int n = ownSchedstatFile.read(buf);
    long a = 0;
    for (int i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++) {
      a = 10 * a + (buf[i] - '0');
    }
    return a;
  }

  /** The same read, opening and closing the file each time (what RunMeter did first). */
  @Benchmark
  public long own_schedstat_reopen() throws Exception {
    int n;
    try (FileInputStream in = new FileInputStream(ownSchedstat)) {
      n = in.read(buf);
    }
    return n;
  }

  /** RunMeter's fallback where there is no schedstat: the calling thread's CPU time. */
  @Benchmark
  public long own_thread_cpu_time() {
    return mx.getCurrentThreadCpuTime();
  }

  /** The collection count over every collector (once per tick). */
  @Benchmark
  public long gc_count() {
    long n = 0;
    for (GarbageCollectorMXBean gc : gcs) {
      n += gc.getCollectionCount();
    }
    return n;
  }
}
