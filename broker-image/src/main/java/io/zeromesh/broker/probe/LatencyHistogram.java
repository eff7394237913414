package io.zeromesh.broker.probe;

/**
 * Latencies in microseconds, in log-linear buckets: exact below 128 µs, then 64 buckets per power
 * of two (at most 1.6 % error). Constant memory however long the probe runs.
 */
public final class LatencyHistogram {
  private static final int SUB_BITS = 7;
  private static final int SUB_COUNT = 1 << SUB_BITS;
  private static final int HALF = SUB_COUNT / 2;
  private static final int BUCKETS = (64 - SUB_BITS + 2) * HALF;

  private final long[] counts = new long[BUCKETS];
  private long total;
  private long sum;
  private long max;

  /** Records one latency; negative values (clock skew between hosts) count as 0. */
  public void record(long micros) {
    long v = Math.max(0, micros);
    counts[index(v)]++;
    total++;
    sum += v;
    max = Math.max(max, v);
  }

  public long count() {
    return total;
  }

  public long max() {
    return max;
  }

  public double mean() {
    return total == 0 ? 0 : (double) sum / total;
  }

  /**
   * The value at quantile {@code q} (0..1]: the highest value of the bucket holding the sample of
   * that rank, never above the largest recorded value. 0 when empty.
   */
  public long percentile(double q) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(max, highestIn(i));
      }
    }
    return max;
  }

  static int index(long v) {
    if (v < SUB_COUNT) {
      return (int) v;
    }
    int msb = 63 - Long.numberOfLeadingZeros(v);
    int shift = msb - (SUB_BITS - 1);
    return shift * HALF + (int) (v >>> shift);
  }

  static long highestIn(int index) {
    if (index < SUB_COUNT) {
      return index;
    }
    int shift = index / HALF - 1;
    long mantissa = index % HALF + HALF;
    return (mantissa << shift) + (1L << shift) - 1;
  }
}
