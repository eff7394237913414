package io.zeromesh.broker.device;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.admin.AdminServer;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.testing.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** /metrics over HTTP, parsed: every family and series of docs/contracts.md, values that move. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsEndpointTest {
  private static final Duration BOUND = Duration.ofSeconds(10);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> scrape(int port, String accept) throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(5));
    if (accept != null) {
      req.header("Accept", accept);
    }
    HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r;
  }

  private static Set<Map<String, String>> labelSets(PrometheusText p, String name) {
    Set<Map<String, String>> out = new HashSet<>();
    for (PrometheusText.Sample s : p.samples(name)) {
      out.add(s.labels());
    }
    return out;
  }

  @Test
  void everyContractSeriesIsExposedAndCountsWhatFlowed() throws Exception {
    TestDevices.Running s = TestDevices.start("streamer");
    try (AdminServer admin = AdminServer.start("127.0.0.1", s.admin(), s.device());
        ZContext ctx = new ZContext()) {
      HttpResponse<String> first = scrape(s.admin(), null);
      assertEquals(
          "text/plain; version=0.0.4; charset=utf-8",
          first.headers().firstValue("Content-Type").orElse(""));
      PrometheusText p = PrometheusText.parse(first.body());
      Set<Map<String, String>> socketDirection = new HashSet<>();
      for (String socket : List.of("frontend", "backend")) {
        for (String direction : List.of("in", "out")) {
          socketDirection.add(Map.of("socket", socket, "direction", direction));
        }
      }
      assertEquals("counter", p.type("zeromesh_messages_total"));
      assertEquals(socketDirection, labelSets(p, "zeromesh_messages_total"));
      assertEquals("counter", p.type("zeromesh_bytes_total"));
      assertEquals(socketDirection, labelSets(p, "zeromesh_bytes_total"));
      assertEquals("gauge", p.type("zeromesh_connected_peers"));
      assertEquals(
          Set.of(Map.of("socket", "frontend"), Map.of("socket", "backend")),
          labelSets(p, "zeromesh_connected_peers"));
      assertEquals("counter", p.type("zeromesh_dropped_messages_total"));
      Set<Map<String, String>> drops = new HashSet<>();
      for (String socket : List.of("frontend", "backend")) {
        for (String reason : List.of("hwm", "oversize", "refused")) {
          drops.add(Map.of("socket", socket, "reason", reason));
        }
      }
      assertEquals(drops, labelSets(p, "zeromesh_dropped_messages_total"));
      for (String gauge :
          List.of(
              "zeromesh_subscriptions",
              "zeromesh_start_gate_buffered_messages",
              "zeromesh_device_paused")) {
        assertEquals("gauge", p.type(gauge), gauge);
        assertEquals(0.0, p.value(gauge, Map.of()), gauge);
      }
      assertEquals("gauge", p.type("zeromesh_device_info"));
      assertEquals(
          1.0,
          p.value(
              "zeromesh_device_info",
              Map.of("mode", "streamer", "version", DeviceMetrics.VERSION)));

      ZMQ.Socket pull = ctx.createSocket(SocketType.PULL);
      pull.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      pull.setReceiveTimeOut(250);
      pull.connect(s.backendEndpoint());
      ZMQ.Socket push = ctx.createSocket(SocketType.PUSH);
      push.setHandshakeIvl(2000);
      push.connect(s.frontendEndpoint());
      // Warm up until a message comes through: one routed to a connection still stalled in its
      // JeroMQ greeting is lost with it. What follows is counted from there.
      boolean live = false;
      for (int i = 0; i < 120 && !live; i++) {
        push.send("warm");
        while (pull.recv(0) != null) {
          live = true;
        }
      }
      assertTrue(live, "no message through the streamer");
      await()
          .atMost(BOUND)
          .until(
              () -> s.metrics().messagesOut(Side.BACKEND) == s.metrics().messagesIn(Side.FRONTEND));
      PrometheusText before = PrometheusText.parse(scrape(s.admin(), null).body());
      pull.setReceiveTimeOut(10_000);
      for (int i = 0; i < 7; i++) {
        push.send(new byte[100], 0);
      }
      for (int i = 0; i < 7; i++) {
        assertEquals(100, pull.recv(0).length);
      }
      Map<String, String> backendOut = Map.of("socket", "backend", "direction", "out");
      Map<String, String> frontendIn = Map.of("socket", "frontend", "direction", "in");
      double outBefore = before.value("zeromesh_messages_total", backendOut);
      await()
          .atMost(BOUND)
          .until(() -> s.metrics().messagesOut(Side.BACKEND) == (long) outBefore + 7);
      PrometheusText after = PrometheusText.parse(scrape(s.admin(), null).body());
      for (Map<String, String> series : List.of(backendOut, frontendIn)) {
        assertEquals(
            7.0,
            after.value("zeromesh_messages_total", series)
                - before.value("zeromesh_messages_total", series),
            series.toString());
        assertEquals(
            700.0,
            after.value("zeromesh_bytes_total", series)
                - before.value("zeromesh_bytes_total", series),
            series.toString());
      }
      assertEquals(1.0, after.value("zeromesh_connected_peers", Map.of("socket", "backend")));
    } finally {
      s.close();
    }
  }

  @Test
  void aScraperThatAsksForOpenMetricsGetsIt() throws Exception {
    TestDevices.Running q = TestDevices.start("queue");
    try (AdminServer admin = AdminServer.start("127.0.0.1", q.admin(), q.device())) {
      HttpResponse<String> r =
          scrape(q.admin(), "application/openmetrics-text; version=1.0.0; charset=utf-8");
      assertTrue(
          r.headers()
              .firstValue("Content-Type")
              .orElse("")
              .startsWith("application/openmetrics-text"),
          r.headers().toString());
      assertTrue(r.body().endsWith("# EOF\n"), r.body());
      assertTrue(r.body().contains("zeromesh_messages_total{"), r.body());
    } finally {
      q.close();
    }
  }
}
