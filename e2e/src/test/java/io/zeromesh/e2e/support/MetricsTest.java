package io.zeromesh.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private static final String TEXT =
      String.join(
          "\n",
          "# HELP zeromesh_messages_total Messages through the device.",
          "# TYPE zeromesh_messages_total counter",
          "zeromesh_messages_total{socket=\"frontend\",direction=\"in\"} 120.0",
          "zeromesh_messages_total{socket=\"frontend\",direction=\"out\"} 118",
          "zeromesh_messages_total{socket=\"backend\",direction=\"out\"} 120",
          "zeromesh_messages_total_created{socket=\"frontend\",direction=\"in\"} 1.7e9",
          "zeromesh_subscriptions 3",
          "zeromesh_connected_peers{socket=\"backend\"} 2");

  @Test
  void selectsBySubsetOfLabels() {
    assertEquals(
        120.0,
        Metrics.value(
            TEXT, "zeromesh_messages_total", Map.of("socket", "frontend", "direction", "in")));
    assertEquals(
        238.0, Metrics.value(TEXT, "zeromesh_messages_total", Map.of("socket", "frontend")));
    assertEquals(358.0, Metrics.value(TEXT, "zeromesh_messages_total", Map.of()));
  }

  @Test
  void unlabelledAndAbsentMetrics() {
    assertEquals(3.0, Metrics.value(TEXT, "zeromesh_subscriptions", Map.of()));
    assertEquals(2.0, Metrics.value(TEXT, "zeromesh_connected_peers", Map.of("socket", "backend")));
    assertEquals(
        0.0, Metrics.value(TEXT, "zeromesh_connected_peers", Map.of("socket", "frontend")));
    assertEquals(0.0, Metrics.value(TEXT, "zeromesh_device_paused", Map.of()));
  }
}
