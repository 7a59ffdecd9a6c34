package io.smolscale.jmh.harness;

import java.util.Arrays;

/**
 * A fixed-size log-linear histogram of nanosecond latencies, for one writer at a time, with no
 * allocation per sample (the idea of HdrHistogram's buckets, reduced to what the benchmarks need).
 *
 * <p>Values below 64 ns are counted exactly; above, each power of two is split into 32 equal
 * buckets, so a percentile is reported to within 1/32 (about 3%) of the true value. Values up to
 * 2^63 - 1 ns fit; negative values count as 0.
 */
public final class LatencyHistogram {
  private static final int SUB_BITS = 5;
  private static final int SUBS = 1 << SUB_BITS;
  private static final int LINEAR = 2 * SUBS;
  private static final int BUCKETS = LINEAR + (63 - SUB_BITS - 1) * SUBS;

  private final long[] counts = new long[BUCKETS];
  private long total;

  /** Creates an empty histogram. */
  public LatencyHistogram() {}

  static int index(long v) {
    if (v < LINEAR) {
      return (int) Math.max(0, v);
    }
    int exp = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS + 1
    int sub = (int) (v >>> (exp - SUB_BITS)) & (SUBS - 1);
    return (exp - SUB_BITS) * SUBS + SUBS + sub;
  }

  /** The middle of a bucket's value range. */
  static long middle(int index) {
    if (index < LINEAR) {
      return index;
    }
    int shift = index / SUBS - 1; // exp - SUB_BITS
    long lower = (long) (SUBS + index % SUBS) << shift;
    return lower + ((1L << shift) >>> 1);
  }

  /**
   * Counts one sample.
   *
   * @param nanos the latency
   */
  public void record(long nanos) {
    counts[index(nanos)]++;
    total++;
  }

  /**
   * Adds another histogram's counts to this one.
   *
   * @param other the histogram to add
   */
  public void add(LatencyHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
  }

  /** Forgets every sample. */
  public void clear() {
    Arrays.fill(counts, 0);
    total = 0;
  }

  /**
   * The number of samples.
   *
   * @return the count
   */
  public long count() {
    return total;
  }

  /**
   * A percentile: the smallest bucket holding at least {@code p} percent of the samples.
   *
   * @param p 0 to 100
   * @return the bucket's middle value in nanoseconds, NaN if there are no samples
   */
  public double percentile(double p) {
    if (total == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return middle(i);
      }
    }
    return middle(BUCKETS - 1);
  }
}
