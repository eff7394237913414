package io.zeromesh.broker.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 10's targets, each verdict computed from measured figures only (so {@code TargetsTest} can
 * show that each one fails for figures that miss it).
 *
 * <ul>
 *   <li>Streamer and forwarder: at least 1.8x zmq_proxy's throughput at 100 B and 1.3x at 1 KiB
 *       (one producer and one consumer, and two of each); at 100 B within 15% of the direct rate
 *       (no device) of the same run; device CPU per message at most a third of zmq_proxy's.
 *   <li>Queue: at least 1.5x zmq_proxy's throughput with asynchronous DEALER clients; round-trip
 *       p50 and p99 at most 0.8x zmq_proxy's.
 *   <li>Resident memory under 256 MiB with default HWMs and 1,000 connected peers.
 * </ul>
 */
final class Targets {
  static final double SPREAD_100B = 1.8;
  static final double SPREAD_1KIB = 1.3;
  static final double OF_DIRECT = 0.85;
  static final double CPU_SHARE = 1.0 / 3;
  static final double QUEUE = 1.5;
  static final double LATENCY = 0.8;
  static final double RSS_MIB = 256;

  private Targets() {}

  /** One measured figure: delivered msgs/s, device CPU µs per message (0: no device), RSS MiB. */
  record Figure(double msgsPerSec, double cpuMicrosPerMsg, double rssMiB, double dropPercent) {}

  /** Round-trip times, µs. */
  record Latency(long count, double meanMicros, long p50Micros, long p99Micros) {}

  /** A target, whether this run met it, and the figures that decided it. */
  record Verdict(String target, boolean met, String detail) {
    String line() {
      return String.format(Locale.ROOT, "  %-58s %-7s %s", target, met ? "MET" : "MISSED", detail);
    }
  }

  /** The throughput targets of one row (device, pattern, message size). */
  static List<Verdict> throughput(
      String device, String pattern, int size, Figure zmtp, Figure proxy, Figure direct) {
    List<Verdict> v = new ArrayList<>();
    String row = device + " " + pattern + " " + sizeName(size);
    double ratio = ratio(zmtp.msgsPerSec(), proxy.msgsPerSec());
    if (device.equals("queue")) {
      v.add(
          new Verdict(
              row + ": >= " + QUEUE + "x zmq_proxy",
              ratio >= QUEUE,
              String.format(Locale.ROOT, "%.2fx", ratio)));
      return v;
    }
    double need = size >= 1024 ? SPREAD_1KIB : SPREAD_100B;
    v.add(
        new Verdict(
            row + ": >= " + need + "x zmq_proxy",
            ratio >= need,
            String.format(Locale.ROOT, "%.2fx", ratio)));
    if (size < 1024) {
      double ofDirect = ratio(zmtp.msgsPerSec(), direct.msgsPerSec());
      v.add(
          new Verdict(
              row + ": >= " + OF_DIRECT + " of direct",
              ofDirect >= OF_DIRECT,
              String.format(Locale.ROOT, "%.2f", ofDirect)));
    }
    double cpu = ratio(zmtp.cpuMicrosPerMsg(), proxy.cpuMicrosPerMsg());
    boolean cpuKnown = zmtp.cpuMicrosPerMsg() > 0 && proxy.cpuMicrosPerMsg() > 0;
    v.add(
        new Verdict(
            row + ": cpu/msg <= 1/3 of zmq_proxy's",
            cpuKnown && cpu <= CPU_SHARE,
            cpuKnown
                ? String.format(
                    Locale.ROOT,
                    "%.2f (%.2f vs %.2f us)",
                    cpu,
                    zmtp.cpuMicrosPerMsg(),
                    proxy.cpuMicrosPerMsg())
                : "no CPU figure"));
    return v;
  }

  /** Queue round trips: p50 and p99 each at most 0.8x zmq_proxy's. */
  static List<Verdict> roundTrip(Latency zmtp, Latency proxy) {
    double p50 = ratio(zmtp.p50Micros(), proxy.p50Micros());
    double p99 = ratio(zmtp.p99Micros(), proxy.p99Micros());
    boolean complete = zmtp.count() > 0 && zmtp.count() == proxy.count();
    return List.of(
        new Verdict(
            "queue round trip p50 <= " + LATENCY + "x zmq_proxy",
            complete && p50 <= LATENCY,
            String.format(
                Locale.ROOT, "%.2f (%d vs %d us)", p50, zmtp.p50Micros(), proxy.p50Micros())),
        new Verdict(
            "queue round trip p99 <= " + LATENCY + "x zmq_proxy",
            complete && p99 <= LATENCY,
            String.format(
                Locale.ROOT, "%.2f (%d vs %d us)", p99, zmtp.p99Micros(), proxy.p99Micros())));
  }

  /** Resident memory with {@code peers} connected peers under load, default HWMs. */
  static Verdict memory(String device, int peers, int connected, double peakRssMiB) {
    boolean all = connected >= peers;
    return new Verdict(
        device + " with " + peers + " peers: RSS < " + (int) RSS_MIB + " MiB",
        all && peakRssMiB > 0 && peakRssMiB < RSS_MIB,
        String.format(Locale.ROOT, "peak %.0f MiB", peakRssMiB)
            + (all ? "" : " (only " + connected + " peers connected)"));
  }

  static String sizeName(int size) {
    return size == 1024 ? "1 KiB" : size + " B";
  }

  /** a / b, or 0 when b is not a positive figure. */
  static double ratio(double a, double b) {
    return b > 0 ? a / b : 0;
  }
}
