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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminServerTest {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private PrometheusText metrics(int port) throws Exception {
    return PrometheusText.parse(get(port, "/metrics").body());
  }

  private HttpResponse<String> post(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pauseStopsForwardingResumeReleasesInOrderAndTheGaugeFollows() throws Exception {
    TestDevices.Running s = TestDevices.start("streamer");
    try (AdminServer admin = AdminServer.start("127.0.0.1", s.admin(), s.device());
        ZContext ctx = new ZContext()) {
      ZMQ.Socket pull = ctx.createSocket(SocketType.PULL);
      pull.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      pull.setReceiveTimeOut(10_000);
      pull.connect(s.backendEndpoint());
      ZMQ.Socket push = ctx.createSocket(SocketType.PUSH);
      push.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      push.connect(s.frontendEndpoint());
      await().atMost(Duration.ofSeconds(10)).until(() -> s.metrics().peers(Side.BACKEND) == 1);

      assertEquals(405, get(s.admin(), "/pause").statusCode());
      assertEquals(200, post(s.admin(), "/pause").statusCode());
      assertEquals(1.0, metrics(s.admin()).value("zeromesh_device_paused", Map.of()));
      for (int i = 0; i < 20; i++) {
        push.send("p" + i);
      }
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> s.metrics().messagesIn(Side.FRONTEND) == 0);
      assertEquals(200, post(s.admin(), "/resume").statusCode());
      for (int i = 0; i < 20; i++) {
        assertEquals("p" + i, pull.recvStr());
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> s.metrics().messagesOut(Side.BACKEND) == 20);
      PrometheusText metrics = metrics(s.admin());
      assertEquals(0.0, metrics.value("zeromesh_device_paused", Map.of()));
      assertEquals(
          20.0,
          metrics.value(
              "zeromesh_messages_total", Map.of("socket", "backend", "direction", "out")));
      assertEquals("counter", metrics.type("zeromesh_dropped_messages_total"));
      assertEquals(
          0.0,
          metrics.value(
              "zeromesh_dropped_messages_total",
              Map.of("socket", "frontend", "reason", "oversize")));
      assertEquals(
          "text/plain; version=0.0.4; charset=utf-8",
          get(s.admin(), "/metrics").headers().firstValue("Content-Type").orElse(""));
    } finally {
      s.close();
    }
  }

  @Test
  void healthAndReadinessFollowTheDeviceThread() throws Exception {
    TestDevices.Running q = TestDevices.start("queue");
    try (AdminServer admin = AdminServer.start("127.0.0.1", q.admin(), q.device())) {
      assertEquals(200, get(q.admin(), "/healthz").statusCode());
      assertEquals(200, get(q.admin(), "/readyz").statusCode());
      assertEquals(404, get(q.admin(), "/readyz/extra").statusCode());
      assertTrue(q.shutdown());
      assertEquals(503, get(q.admin(), "/healthz").statusCode());
      assertEquals(503, get(q.admin(), "/readyz").statusCode());
      assertEquals(503, post(q.admin(), "/pause").statusCode());
    }
  }
}
