package io.zeromesh.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.reconciler.BrokerReconciler;
import io.zeromesh.operator.resources.OperatorDefaults;
import io.zeromesh.operator.testing.TestResources;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SDK's metrics count reconciles per controller, never adding series per resource. */
class OperatorMetricsTest {
  private static final Map<String, Object> METADATA =
      Map.of(
          Constants.CONTROLLER_NAME,
          "zmqbroker",
          Constants.RESOURCE_GVK_KEY,
          GroupVersionKind.gvkFor(ZmqBroker.class));

  @Test
  void seriesDoNotGrowWithResources() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics metrics = new OperatorConfiguration().metrics(registry);
    // Registering (not starting) the reconciler registers its controller with the metrics.
    try (KubernetesClient unreachable =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build())
            .build()) {
      new Operator(o -> o.withKubernetesClient(unreachable).withMetrics(metrics))
          .register(new BrokerReconciler(new OperatorDefaults("zeromesh/broker:t", "Never")));
    }

    reconcile(metrics, "b-0");
    int seriesForOne = registry.getMeters().size();
    for (int i = 1; i < 50; i++) {
      reconcile(metrics, "b-" + i);
    }

    assertEquals(seriesForOne, registry.getMeters().size(), "series per resource");
    for (Meter meter : registry.getMeters()) {
      assertTrue(
          meter.getId().getTags().stream().noneMatch(t -> t.getValue().startsWith("b-")),
          "tagged with a resource: " + meter.getId());
    }
    double started =
        registry.getMeters().stream()
            .filter(m -> m.getId().getName().endsWith("reconciliations.started"))
            .mapToDouble(m -> m.measure().iterator().next().getValue())
            .sum();
    assertEquals(50, started, "reconciles counted: " + registry.getMetersAsString());
  }

  private static void reconcile(Metrics metrics, String name) {
    HasMetadata broker = TestResources.stored(TestResources.broker("n", name, s -> {}));
    metrics.reconcileCustomResource(broker, null, METADATA);
    metrics.reconciliationExecutionStarted(broker, METADATA);
    metrics.reconciliationExecutionFinished(broker, METADATA);
    metrics.finishedReconciliation(broker, METADATA);
  }
}
