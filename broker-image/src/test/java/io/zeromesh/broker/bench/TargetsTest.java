package io.zeromesh.broker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.bench.Targets.Figure;
import io.zeromesh.broker.bench.Targets.Latency;
import io.zeromesh.broker.bench.Targets.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every verdict of {@code make bench} is computed, and fails for figures that miss its target. */
class TargetsTest {
  private static final Figure PROXY = new Figure(1_000_000, 0.9, 7, 0);
  private static final Figure DIRECT = new Figure(2_000_000, 0, 0, 0);

  private static Verdict find(List<Verdict> vs, String part) {
    return vs.stream().filter(v -> v.target().contains(part)).findFirst().orElseThrow();
  }

  @Test
  void streamerAndForwarderAt100BytesMeetEveryTargetOnlyWithFiguresThatDo() {
    for (String device : List.of("streamer", "forwarder")) {
      for (String pattern : List.of("1x1", "2x2")) {
        List<Verdict> good =
            Targets.throughput(
                device, pattern, 100, new Figure(1_800_000, 0.3, 90, 0), PROXY, DIRECT);
        assertEquals(3, good.size());
        good.forEach(v -> assertTrue(v.met(), v.line()));

        List<Verdict> slow =
            Targets.throughput(
                device, pattern, 100, new Figure(1_790_000, 0.3, 90, 0), PROXY, DIRECT);
        assertFalse(find(slow, "x zmq_proxy").met(), "1.79x < 1.8x");
        assertTrue(find(slow, "of direct").met());

        Figure fastProxy = new Figure(900_000, 0.9, 7, 0);
        List<Verdict> farFromDirect =
            Targets.throughput(
                device, pattern, 100, new Figure(1_690_000, 0.3, 90, 0), fastProxy, DIRECT);
        assertTrue(find(farFromDirect, "x zmq_proxy").met(), "1.88x");
        assertFalse(find(farFromDirect, "of direct").met(), "0.845 < 0.85");

        List<Verdict> hungry =
            Targets.throughput(
                device, pattern, 100, new Figure(1_900_000, 0.31, 90, 0), PROXY, DIRECT);
        assertFalse(find(hungry, "cpu/msg").met(), "0.31 > 0.9/3");
        assertTrue(find(hungry, "x zmq_proxy").met());

        List<Verdict> noCpu =
            Targets.throughput(
                device, pattern, 100, new Figure(1_900_000, 0, 90, 0), PROXY, DIRECT);
        assertFalse(find(noCpu, "cpu/msg").met(), "no CPU figure decides nothing");
      }
    }
  }

  @Test
  void streamerAndForwarderAt1KibNeed1point3x() {
    Figure p = new Figure(200_000, 3, 9, 0);
    List<Verdict> ok =
        Targets.throughput("forwarder", "2x2", 1024, new Figure(260_000, 1, 90, 0), p, DIRECT);
    assertEquals(2, ok.size(), "no direct target at 1 KiB");
    ok.forEach(v -> assertTrue(v.met(), v.line()));
    List<Verdict> miss =
        Targets.throughput("streamer", "1x1", 1024, new Figure(259_000, 1, 90, 0), p, DIRECT);
    assertFalse(find(miss, "1.3x zmq_proxy").met());
  }

  @Test
  void queueNeeds1point5x() {
    List<Verdict> ok =
        Targets.throughput("queue", "1x1", 100, new Figure(1_500_000, 5, 90, 0), PROXY, DIRECT);
    assertEquals(1, ok.size());
    assertTrue(ok.get(0).met());
    assertFalse(
        Targets.throughput("queue", "2x2", 100, new Figure(1_490_000, 0.1, 90, 0), PROXY, DIRECT)
            .get(0)
            .met());
    assertFalse(
        Targets.throughput(
                "queue", "1x1", 100, new Figure(0, 0, 0, 0), new Figure(0, 0, 0, 0), DIRECT)
            .get(0)
            .met(),
        "no figure meets nothing");
  }

  @Test
  void roundTripNeedsP50AndP99EachAtMost0point8() {
    Latency proxy = new Latency(10_000, 200, 100, 1000);
    List<Verdict> ok = Targets.roundTrip(new Latency(10_000, 100, 80, 800), proxy);
    ok.forEach(v -> assertTrue(v.met(), v.line()));
    List<Verdict> slowMedian = Targets.roundTrip(new Latency(10_000, 100, 81, 800), proxy);
    assertFalse(find(slowMedian, "p50").met());
    assertTrue(find(slowMedian, "p99").met());
    List<Verdict> slowTail = Targets.roundTrip(new Latency(10_000, 100, 80, 801), proxy);
    assertTrue(find(slowTail, "p50").met());
    assertFalse(find(slowTail, "p99").met());
    List<Verdict> lostSome = Targets.roundTrip(new Latency(9_999, 100, 10, 10), proxy);
    lostSome.forEach(v -> assertFalse(v.met(), "round trips missing: " + v.line()));
  }

  @Test
  void memoryNeedsEveryPeerConnectedAndLessThan256MiB() {
    assertTrue(Targets.memory("queue", 1000, 1000, 255.9).met());
    assertFalse(Targets.memory("queue", 1000, 1000, 256).met());
    assertFalse(Targets.memory("queue", 1000, 999, 100).met(), "not every peer connected");
    assertFalse(Targets.memory("queue", 1000, 1000, 0).met(), "no figure");
  }
}
