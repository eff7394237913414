package io.zeromesh.helm;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of the metrics the dashboard and the alerts may use, each taken from where it is
 * defined, so that a typo in a query fails a test instead of drawing an empty panel.
 */
final class MetricNames {

  /**
   * kube-state-metrics (its documented deployment metrics) and Prometheus itself (`up` per target):
   * defined outside this repository.
   */
  static final Set<String> EXTERNAL =
      Set.of(
          "kube_deployment_status_replicas_available",
          "kube_deployment_spec_replicas",
          "kube_deployment_labels",
          "up");

  private static final Pattern CONTRACT_METRIC = Pattern.compile("^- `(zeromesh_[a-z_]+)[{`]");

  private MetricNames() {}

  /** The device metrics docs/contracts.md lists under "Metrics (`/metrics`...)". */
  static Set<String> devices() throws IOException {
    Set<String> names = new TreeSet<>();
    boolean inSection = false;
    for (String line : Files.readAllLines(ChartFixture.repoRoot().resolve("docs/contracts.md"))) {
      if (line.startsWith("#")) {
        inSection = line.startsWith("### Metrics (`/metrics`");
        continue;
      }
      Matcher m = CONTRACT_METRIC.matcher(line);
      if (inSection && m.find()) {
        names.add(m.group(1));
      }
    }
    if (names.size() < 8) {
      throw new IllegalStateException(
          "docs/contracts.md lists only " + names + " under its device Metrics section");
    }
    return names;
  }

  /**
   * The reconcile metrics the operator exposes on /q/metrics: JOSDK's Micrometer metrics built as
   * the operator builds them (OperatorConfiguration.metrics: per controller, no per-resource
   * series), driven through one reconcile, one failure, one event and one timed execution, and
   * scraped from a Prometheus registry, which applies the same naming as the operator's.
   */
  static Set<String> operator() {
    try {
      return scrapeOperatorMetrics();
    } catch (Exception e) {
      throw new IllegalStateException("JOSDK's metrics could not be exercised", e);
    }
  }

  // The simpleclient registry (deprecated in Micrometer) is the one the operator's
  // quarkus-micrometer-registry-prometheus runs with, so its names are the operator's.
  @SuppressWarnings("deprecation")
  private static Set<String> scrapeOperatorMetrics() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Metrics metrics = MicrometerMetrics.withoutPerResourceMetrics(registry);
    try (KubernetesClient unreachable =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build())
            .build()) {
      // Registering (not starting) a controller registers it with the metrics.
      new Operator(o -> o.withKubernetesClient(unreachable).withMetrics(metrics))
          .register(new Broker());
    }
    ConfigMap resource =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("orders")
            .withNamespace("n")
            .withUid("u")
            .endMetadata()
            .build();
    Map<String, Object> metadata =
        Map.of(
            Constants.CONTROLLER_NAME,
            "zmqbroker",
            Constants.RESOURCE_GVK_KEY,
            new GroupVersionKind("zeromesh.io", "v1alpha1", "ZmqBroker"));
    ResourceID id = ResourceID.fromResource(resource);
    metrics.receivedEvent(new Event(id), metadata);
    metrics.reconcileCustomResource(resource, null, metadata);
    metrics.reconciliationExecutionStarted(resource, metadata);
    metrics.reconciliationExecutionFinished(resource, metadata);
    metrics.finishedReconciliation(resource, metadata);
    metrics.failedReconciliation(resource, new IllegalStateException("rejected"), metadata);
    metrics.timeControllerExecution(
        new Metrics.ControllerExecution<String>() {
          @Override
          public String name() {
            return "reconcile";
          }

          @Override
          public String controllerName() {
            return "zmqbroker";
          }

          @Override
          public String successTypeName(String result) {
            return "patchStatus";
          }

          @Override
          public ResourceID resourceID() {
            return id;
          }

          @Override
          public Map<String, Object> metadata() {
            return metadata;
          }

          @Override
          public String execute() {
            return "done";
          }
        });
    Set<String> names = new TreeSet<>();
    for (String line : registry.scrape().split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  /** Every name a query may use. */
  static Set<String> known() throws IOException {
    Set<String> known = new TreeSet<>(EXTERNAL);
    known.addAll(devices());
    known.addAll(operator());
    return known;
  }

  /** Stands in for the broker reconciler: the metrics only need a controller of that name. */
  @ControllerConfiguration(name = "zmqbroker")
  static final class Broker implements Reconciler<ConfigMap> {
    @Override
    public UpdateControl<ConfigMap> reconcile(ConfigMap resource, Context<ConfigMap> context) {
      return UpdateControl.noUpdate();
    }
  }
}
