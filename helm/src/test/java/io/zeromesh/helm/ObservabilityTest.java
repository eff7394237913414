package io.zeromesh.helm;

import static io.zeromesh.helm.ChartFixture.NAMESPACE;
import static io.zeromesh.helm.ChartFixture.RELEASE;
import static io.zeromesh.helm.ChartFixture.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zeromesh.helm.ChartFixture.Manifests;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Grafana dashboard, the devices' PodMonitor and the alerts: off by default, rendered when
 * asked, and every query names metrics that exist (the devices' from docs/contracts.md, the
 * operator's from JOSDK's metrics as the operator builds them, kube-state-metrics and `up`).
 */
@Timeout(120)
class ObservabilityTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALL_ON =
      """
      metrics:
        podMonitor: {enabled: true, labels: {release: kube-prometheus-stack}, interval: 15s}
        prometheusRule: {enabled: true, labels: {release: kube-prometheus-stack}}
        dashboard: {enabled: true}
      """;

  private static Set<String> known;

  @BeforeAll
  static void knownMetrics() throws IOException {
    known = MetricNames.known();
  }

  @Test
  void theOperatorsMetricsAreReadFromJosdk() {
    Set<String> operator = MetricNames.operator();
    for (String name :
        List.of(
            "operator_sdk_reconciliations_started_total",
            "operator_sdk_reconciliations_failed_total",
            "operator_sdk_controllers_execution_reconcile_seconds_bucket")) {
      assertTrue(operator.contains(name), name + " not among " + operator);
    }
  }

  @Test
  void offByDefault() {
    Manifests m = ChartFixture.render();
    assertTrue(m.ofKind("PodMonitor").isEmpty());
    assertTrue(m.ofKind("PrometheusRule").isEmpty());
    assertTrue(m.ofKind("ConfigMap").isEmpty());
  }

  @Test
  void dashboardIsAConfigMapForTheGrafanaSidecar() throws IOException {
    Manifests m = ChartFixture.render(ALL_ON);
    Map<String, Object> configMap = m.get("ConfigMap", RELEASE + "-dashboard");
    assertEquals(NAMESPACE, at(configMap, "metadata", "namespace"));
    assertEquals("1", at(configMap, "metadata", "labels", "grafana_dashboard"));
    JsonNode shipped = JSON.readTree((String) at(configMap, "data", "zeromesh.json"));
    assertEquals(dashboard(), shipped, "the ConfigMap holds dashboards/zeromesh.json as it is");

    Manifests custom =
        ChartFixture.render(
            """
            metrics:
              dashboard:
                enabled: true
                namespace: monitoring
                label: grafana.example.com/dashboard
                labelValue: "true"
                annotations: {grafana_folder: Messaging}
            """);
    Map<String, Object> moved = custom.get("ConfigMap", RELEASE + "-dashboard");
    assertEquals("monitoring", at(moved, "metadata", "namespace"));
    assertEquals("true", at(moved, "metadata", "labels", "grafana.example.com/dashboard"));
    assertEquals("Messaging", at(moved, "metadata", "annotations", "grafana_folder"));
  }

  @Test
  void dashboardShowsDevicesWorkersAndOperatorWithRealMetrics() throws IOException {
    JsonNode dashboard = dashboard();
    assertEquals("zeromesh", dashboard.path("uid").asText());
    List<JsonNode> panels = new ArrayList<>();
    dashboard.path("panels").forEach(panels::add);
    Set<String> used = new TreeSet<>();
    int queries = 0;
    for (JsonNode panel : panels) {
      if ("row".equals(panel.path("type").asText())) {
        continue;
      }
      String title = panel.path("title").asText();
      assertFalse(panel.path("description").asText().isBlank(), title + " has no description");
      assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), title);
      assertTrue(panel.path("targets").size() > 0, title + " has no query");
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        Set<String> names = PromQl.metricNames(expr);
        assertFalse(names.isEmpty(), title + ": no metric in " + expr);
        assertKnown(names, title + ": " + expr);
        used.addAll(names);
        queries++;
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      String query = variable.path("definition").asText();
      if (query.startsWith("label_values(")) {
        String selector = query.substring("label_values(".length(), query.lastIndexOf(','));
        assertKnown(PromQl.metricNames(selector), "variable " + variable.path("name").asText());
      }
    }
    assertTrue(queries >= 14, "only " + queries + " queries");
    // The panels the issue asks for: every device metric, workers ready, reconciles and errors.
    Set<String> expected = new TreeSet<>(MetricNames.devices());
    expected.addAll(
        List.of(
            "kube_deployment_status_replicas_available",
            "operator_sdk_reconciliations_started_total",
            "operator_sdk_reconciliations_failed_total"));
    expected.removeAll(used);
    assertTrue(expected.isEmpty(), "no panel shows " + expected);
  }

  @Test
  void podMonitorScrapesTheDevicePodsAdminPortInTheWatchedNamespaces() {
    Map<String, Object> monitor =
        ChartFixture.render(ALL_ON).get("PodMonitor", RELEASE + "-devices");
    assertEquals("monitoring.coreos.com/v1", monitor.get("apiVersion"));
    assertEquals("kube-prometheus-stack", at(monitor, "metadata", "labels", "release"));
    assertEquals(true, at(monitor, "spec", "namespaceSelector", "any"));
    // The device pods' labels (operator Labels.of(device, "device")), not the workers'.
    assertEquals(
        Map.of(
            "app.kubernetes.io/managed-by", "zeromesh-operator",
            "app.kubernetes.io/component", "device"),
        at(monitor, "spec", "selector", "matchLabels"));
    Map<String, Object> endpoint = at(monitor, "spec", "podMetricsEndpoints", 0);
    assertEquals("admin", endpoint.get("port"), "DeviceDeploymentBuilder names port 8080 admin");
    assertEquals("/metrics", endpoint.get("path"));
    assertEquals("15s", endpoint.get("interval"));
    List<Map<String, Object>> relabelings = at(endpoint, "relabelings");
    assertEquals(
        Set.of("zeromesh_device", "zeromesh_kind"),
        relabelings.stream().map(r -> r.get("targetLabel")).collect(Collectors.toSet()));

    Map<String, Object> scoped =
        ChartFixture.render(ALL_ON + "watchNamespaces: [team-a, team-b]\n")
            .get("PodMonitor", RELEASE + "-devices");
    assertEquals(
        List.of("team-a", "team-b"), at(scoped, "spec", "namespaceSelector", "matchNames"));
  }

  @Test
  void alertsUseRealMetricsAndTheirValues() {
    Map<String, Object> rule =
        ChartFixture.render(
                """
                metrics:
                  prometheusRule: {enabled: true, dropsPerSecond: 2.5, dropsFor: 30m}
                """)
            .get("PrometheusRule", RELEASE);
    assertEquals("monitoring.coreos.com/v1", rule.get("apiVersion"));
    List<Map<String, Object>> rules = at(rule, "spec", "groups", 0, "rules");
    Map<String, Map<String, Object>> byName =
        rules.stream().collect(Collectors.toMap(r -> (String) r.get("alert"), r -> r));
    assertEquals(
        Set.of(
            "ZeroMeshDeviceDown",
            "ZeroMeshDropsRising",
            "ZeroMeshWorkersUnavailable",
            "ZeroMeshReconcileErrors"),
        byName.keySet());
    for (Map<String, Object> alert : rules) {
      String name = (String) alert.get("alert");
      String expr = (String) alert.get("expr");
      Set<String> names = PromQl.metricNames(expr);
      assertFalse(names.isEmpty(), name + ": no metric in " + expr);
      assertKnown(names, name + ": " + expr);
      assertTrue(alert.get("for").toString().matches("[0-9]+[smh]"), name + " for");
      assertTrue(Set.of("warning", "critical").contains(at(alert, "labels", "severity")), name);
      String summary = at(alert, "annotations", "summary");
      assertTrue(summary.contains("{{ $labels."), name + ": summary names nothing: " + summary);
    }
    assertTrue(byName.get("ZeroMeshDropsRising").get("expr").toString().endsWith("> 2.5"));
    assertEquals("30m", byName.get("ZeroMeshDropsRising").get("for"));
    assertEquals("2m", byName.get("ZeroMeshDeviceDown").get("for"));
    assertTrue(
        byName.get("ZeroMeshDeviceDown").get("expr").toString().contains("up{"),
        "device down is the scrape target's up");
  }

  @Test
  void theNameCheckCatchesATypo() {
    assertEquals(
        Set.of("zeromesh_mesages_total"),
        PromQl.metricNames(
            "sum by (socket) (rate(zeromesh_mesages_total{namespace=~\"$ns\"}[$__rate_interval]))"));
    assertEquals(
        Set.of("kube_deployment_spec_replicas", "kube_deployment_labels"),
        PromQl.metricNames(
            "histogram_quantile(0.95, kube_deployment_spec_replicas * on (namespace) group_left"
                + " kube_deployment_labels{a=\"b\"}) > 1e3"));
    AssertionError e =
        org.junit.jupiter.api.Assertions.assertThrows(
            AssertionError.class, () -> assertKnown(Set.of("zeromesh_mesages_total"), "mutated"));
    assertTrue(e.getMessage().contains("zeromesh_mesages_total"), e.getMessage());
  }

  private static JsonNode dashboard() throws IOException {
    return JSON.readTree(
        Files.readString(ChartFixture.chartDir().resolve("dashboards/zeromesh.json")));
  }

  private static void assertKnown(Set<String> names, String where) {
    Set<String> unknown = new TreeSet<>(names);
    unknown.removeAll(known);
    assertTrue(
        unknown.isEmpty(),
        where + " uses metrics that do not exist: " + unknown + " (known: " + known + ")");
  }
}
