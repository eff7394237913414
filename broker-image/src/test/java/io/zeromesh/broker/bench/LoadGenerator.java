package io.zeromesh.broker.bench;

/**
 * Drives one target (a device, or nothing for a direct pair) with the benchmark's message patterns.
 * Two implementations share the patterns exactly: libzmq in C ({@code
 * broker-image/bench/zmqbench.c}) and JeroMQ ({@link JeromqLoad}).
 *
 * <ul>
 *   <li>throughput, queue: DEALER sends [empty, body] to the frontend, DEALER receives on the
 *       backend; forwarder: XPUB (no-drop, waits for the subscription) to the frontend, SUB to the
 *       backend; streamer: PUSH to the frontend, PULL on the backend; direct: PUSH binds, PULL
 *       connects.
 *   <li>round trip, queue: REQ to the frontend, REP echoing on the backend; direct: REQ to REP.
 * </ul>
 */
interface LoadGenerator {
  /** One-way throughput run. {@code backend} is ignored for {@code direct}. */
  Throughput throughput(String mode, String frontend, String backend, int size, long count)
      throws Exception;

  /** Round trips through {@code mode} (queue or direct). */
  Latency roundTrips(String mode, String frontend, String backend, int size, long count)
      throws Exception;

  String name();

  /** Messages that arrived, were sent, and the time between the first and last arrival. */
  record Throughput(long received, long sent, long elapsedMicros) {
    double msgsPerSec() {
      return elapsedMicros <= 0 ? 0 : (received - 1) * 1e6 / elapsedMicros;
    }

    double dropPercent() {
      return sent == 0 ? 0 : 100.0 * (sent - received) / sent;
    }
  }

  /** Round-trip times in microseconds. */
  record Latency(long count, double meanMicros, long p50Micros, long p99Micros) {}
}
