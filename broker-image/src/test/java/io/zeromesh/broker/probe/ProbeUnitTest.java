package io.zeromesh.broker.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.config.ConfigException;
import io.zeromesh.broker.testing.ProbeSummary;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

/** The pure parts of the probe: payload, histogram, flags, summary line. */
class ProbeUnitTest {

  @Test
  void payloadRoundTripsAndHasTheRequestedSize() {
    ProbePayload p = new ProbePayload(42, 7, 1_700_000_000_000_000L);
    byte[] bytes = p.encode(100);
    assertEquals(100, bytes.length);
    assertEquals("ZMP1", new String(bytes, 0, 4, StandardCharsets.US_ASCII));
    assertEquals(p, ProbePayload.decode(bytes));
    assertEquals('.', bytes[99]);
    assertThrows(IllegalArgumentException.class, () -> p.encode(ProbePayload.HEADER_SIZE - 1));
  }

  @Test
  void foreignPayloadsAreNotDecoded() {
    assertNull(ProbePayload.decode("hello".getBytes(StandardCharsets.US_ASCII)));
    byte[] wrongMagic = new ProbePayload(1, 1, 1).encode(40);
    wrongMagic[0] = 'X';
    assertNull(ProbePayload.decode(wrongMagic));
    assertNull(ProbePayload.decode(null));
  }

  @Test
  void histogramPercentilesAreWithinTheBucketError() {
    LatencyHistogram h = new LatencyHistogram();
    for (long v = 1; v <= 10_000; v++) {
      h.record(v);
    }
    assertEquals(10_000, h.count());
    assertEquals(10_000, h.max());
    assertEquals(5000.5, h.mean(), 1e-9);
    long p50 = h.percentile(0.50);
    long p99 = h.percentile(0.99);
    assertTrue(Math.abs(p50 - 5000) <= 5000 / 64 + 1, "p50 " + p50);
    assertTrue(Math.abs(p99 - 9900) <= 9900 / 64 + 1, "p99 " + p99);
    assertEquals(10_000, h.percentile(1.0));
  }

  @Test
  void histogramIsExactForSmallValuesAndClampsNegatives() {
    LatencyHistogram h = new LatencyHistogram();
    h.record(-5);
    h.record(3);
    h.record(3);
    h.record(100);
    assertEquals(3, h.percentile(0.5));
    assertEquals(100, h.percentile(0.99));
    assertEquals(0, h.percentile(0.01));
  }

  @Test
  void histogramBucketsAreContiguousAndCoverTheirValues() {
    for (long v : new long[] {0, 127, 128, 129, 255, 256, 1000, 123_456_789L, Long.MAX_VALUE}) {
      int i = LatencyHistogram.index(v);
      assertTrue(LatencyHistogram.highestIn(i) >= v, "bucket of " + v);
      if (i > 0) {
        assertTrue(LatencyHistogram.highestIn(i - 1) < v, "previous bucket of " + v);
      }
    }
  }

  @Test
  void flagsAreReadWithEnvironmentFallback() {
    ProbeConfig cfg =
        ProbeConfig.parse(
            List.of("req", "--count", "5", "--retries=2"),
            Map.of("ZEROMESH_ENDPOINT", "tcp://broker:5559", "ZEROMESH_SIZE", "128"));
    assertEquals(ProbeConfig.ProbeMode.REQ, cfg.mode());
    assertEquals(List.of("tcp://broker:5559"), cfg.endpoints());
    assertEquals(ProbeConfig.DEFAULT_HANDSHAKE_IVL_MS, cfg.handshakeIvlMs());
    assertEquals(5, cfg.count());
    assertEquals(128, cfg.size());
    assertEquals(2, cfg.retries());
    assertEquals(ProbeConfig.DEFAULT_REQUEST_TIMEOUT_MS, cfg.requestTimeoutMs());
  }

  @Test
  void severalEndpointsCommaSeparatedRepeatedOrFromTheEnvironment() {
    ProbeConfig worker =
        ProbeConfig.parse(
            List.of(
                "worker",
                "--endpoint=tcp://r-0:5558,tcp://r-1:5558",
                "--endpoint",
                "tcp://r-2:5558",
                "--output",
                "tcp://s-0:5557,tcp://s-1:5557"),
            Map.of());
    assertEquals(List.of("tcp://r-0:5558", "tcp://r-1:5558", "tcp://r-2:5558"), worker.endpoints());
    assertEquals(List.of("tcp://s-0:5557", "tcp://s-1:5557"), worker.outputs());
    ProbeConfig rep =
        ProbeConfig.parse(
            List.of("rep"), Map.of("ZEROMESH_ENDPOINT", "tcp://b-0:5560, tcp://b-1:5560"));
    assertEquals(List.of("tcp://b-0:5560", "tcp://b-1:5560"), rep.endpoints());
    assertRejected("--endpoint", "rep", "--endpoint", "tcp://b-0:5560,http://b-1:5560");
  }

  @Test
  void aReceiverThatSeesItsShareReportsGapsNotLosses() {
    // Behind a streamer, each of two workers gets every other message of one sender.
    ProbeStats pull = new ProbeStats("pull", null);
    ProbeStats sub = new ProbeStats("sub", null);
    for (long seq = 1; seq <= 400; seq += 2) {
      byte[] payload = new ProbePayload(9, seq, ProbePayload.nowMicros()).encode(40);
      pull.received(payload, null, true);
      sub.received(payload, null, true);
    }
    assertEquals(200, pull.received());
    assertEquals(0, pull.lost());
    assertEquals(199, pull.gaps());
    ProbeSummary s = ProbeSummary.parse(pull.toJson(true));
    assertEquals(0, s.lost());
    assertEquals(199, s.number("gaps"));
    // A subscriber gets every message of its topics: its gaps are losses.
    assertEquals(199, sub.lost());
  }

  @Test
  void defaultsDependOnTheRole() {
    ProbeConfig pub = ProbeConfig.parse(List.of("pub", "--endpoint=tcp://h:1"), Map.of());
    assertEquals(ProbeConfig.DEFAULT_SENDER_COUNT, pub.count());
    assertNull(pub.identity());
    ProbeConfig rep =
        ProbeConfig.parse(List.of("rep", "--endpoint=tcp://h:1"), Map.of("HOSTNAME", "pod-7"));
    assertEquals(0, rep.count());
    assertEquals("pod-7", rep.identity());
  }

  @Test
  void badFlagsNameTheFlag() {
    assertRejected("--endpoint", "req");
    assertRejected("--endpoint", "req", "--endpoint", "http://x:1");
    assertRejected("--size", "pub", "--endpoint", "tcp://h:1", "--size", "10");
    assertRejected("--count", "pub", "--endpoint", "tcp://h:1", "--count", "many");
    assertRejected("--retries", "sub", "--endpoint", "tcp://h:1", "--retries", "3");
    assertRejected("--expect", "pub", "--endpoint", "tcp://h:1", "--expect", "3");
    assertRejected("--rate", "sub", "--endpoint", "tcp://h:1", "--rate", "3");
    assertRejected("--topic", "push", "--endpoint", "tcp://h:1", "--topic", "a");
    assertRejected("--output", "worker", "--endpoint", "tcp://h:1");
    assertRejected(
        "--curve-server-key", "req", "--endpoint", "tcp://h:1", "--curve-server-key", "abc");
    assertRejected("--frobnicate", "req", "--endpoint", "tcp://h:1", "--frobnicate", "1");
    assertRejected("mode", "fetch", "--endpoint", "tcp://h:1");
    assertRejected("port", "req", "--endpoint", "tcp://h:70000");
  }

  @Test
  void curveClientGetsAFreshKeypairForTheServerKey() {
    ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
    ProbeConfig cfg =
        ProbeConfig.parse(
            List.of("req", "--endpoint", "tcp://h:1", "--curve-server-key", server.publicKey),
            Map.of());
    assertEquals(server.publicKey, cfg.curve().serverKey());
    assertEquals(40, cfg.curve().publicKey().length());
    assertEquals(32, ZMQ.Curve.z85Decode(cfg.curve().secretKey()).length);
    ProbeConfig other =
        ProbeConfig.parse(
            List.of("req", "--endpoint", "tcp://h:1", "--curve-server-key", server.publicKey),
            Map.of());
    assertTrue(!other.curve().publicKey().equals(cfg.curve().publicKey()), "fresh per run");
  }

  @Test
  void summaryIsOneJsonLineWithTheContractFields() {
    ProbeStats stats = new ProbeStats("req", "a\"b");
    stats.sent(false);
    stats.replied(120, "worker-1");
    stats.sent(false);
    stats.lostRequest();
    stats.finish();
    String json = stats.toJson(false);
    assertTrue(!json.contains("\n"), json);
    ProbeSummary s = ProbeSummary.parse(json);
    assertEquals("req", s.fields().get("mode"));
    assertEquals(2, s.sent());
    assertEquals(1, s.received());
    assertEquals(1, s.lost());
    assertEquals(120, s.number("latencyP50Us"));
    assertEquals(120, s.number("latencyP99Us"));
    assertEquals(Map.of("worker-1", 1L), s.peers());
    assertEquals("false", s.fields().get("ok"));
    assertTrue(json.contains("\"identity\":\"a\\\"b\""), json);
  }

  @Test
  void gapsInASubscribersSequenceCountAsLost() {
    ProbeStats stats = new ProbeStats("sub", null);
    for (long seq : new long[] {5, 6, 8, 9}) {
      stats.received(new ProbePayload(1, seq, ProbePayload.nowMicros()).encode(40), null, true);
    }
    stats.received(new ProbePayload(2, 1, ProbePayload.nowMicros()).encode(40), null, true);
    stats.received("not a probe payload".getBytes(StandardCharsets.UTF_8), null, true);
    assertEquals(6, stats.received());
    assertEquals(1, stats.lost(), "seq 7 of stream 1");
    assertEquals(5, stats.latency().count());
  }

  @Test
  void messagesOutOfOrderAreNoGapSpanButARealGapStaysListed() {
    ProbeStats stats = new ProbeStats("pull", null);
    // Two workers interleave one sender's stream: every second number comes a little late, 150
    // times (more than the spans kept), then numbers 400 to 402 never arrive.
    for (long seq = 1; seq <= 300; seq += 2) {
      arrive(stats, seq + 1);
      arrive(stats, seq);
    }
    for (long seq = 301; seq <= 399; seq++) {
      arrive(stats, seq);
    }
    arrive(stats, 403);
    assertEquals(0, stats.duplicates());
    assertEquals(3, stats.gaps(), "400, 401, 402");
    List<long[]> spans = stats.gapSpans();
    assertEquals(1, spans.size(), () -> "only the real gap: " + spans.size() + " spans");
    assertEquals(399, spans.get(0)[0]);
    assertEquals(403, spans.get(0)[1]);
  }

  private static void arrive(ProbeStats stats, long seq) {
    stats.received(new ProbePayload(1, seq, ProbePayload.nowMicros()).encode(40), null, true);
  }

  private static void assertRejected(String named, String... args) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ProbeConfig.parse(List.of(args), Map.of()));
    assertTrue(e.getMessage().contains(named), () -> "message should name " + named + ": " + e);
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }
}
