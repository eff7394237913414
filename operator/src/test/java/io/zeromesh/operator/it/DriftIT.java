package io.zeromesh.operator.it;

import static io.zeromesh.operator.it.ItSupport.awaitPresent;
import static io.zeromesh.operator.it.ItSupport.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zeromesh.operator.testing.TestResources;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Children are matched by the stamp of what was applied and by their fields, not by managedFields
 * (the operator's caches drop them): an edit by someone else of a field the operator sets is still
 * seen and reverted, and the reverted child then stays as it is.
 */
@Timeout(180)
class DriftIT {
  private KubernetesClient client;
  private String ns;

  @BeforeEach
  void setUp() {
    ClusterFixture cluster = ClusterFixture.get();
    client = cluster.client();
    ns = cluster.newNamespace("drift");
  }

  @Test
  void anEditOfAChildIsRevertedAndTheChildThenStaysPut() throws InterruptedException {
    client.resource(TestResources.broker(ns, "steady", s -> {})).create();
    Supplier<Deployment> device =
        () -> client.apps().deployments().inNamespace(ns).withName("steady-broker").get();
    Supplier<Service> frontend =
        () -> client.services().inNamespace(ns).withName("steady-broker").get();
    awaitPresent(device, "device Deployment");
    awaitPresent(frontend, "frontend Service");
    String image = containerImage(device.get());
    java.util.Map<String, String> selector = frontend.get().getSpec().getSelector();

    // Someone else (another field manager) changes a field the operator sets, on each child.
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("steady-broker")
        .edit(
            d -> {
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil:latest");
              return d;
            });
    client
        .services()
        .inNamespace(ns)
        .withName("steady-broker")
        .edit(
            s -> {
              // (not a port number: it keys the ports list, so a changed one is another element)
              s.getSpec().setSelector(java.util.Map.of("app.kubernetes.io/instance", "elsewhere"));
              return s;
            });

    eventually().alias("image reverted").until(() -> containerImage(device.get()), image::equals);
    eventually()
        .alias("selector reverted")
        .until(() -> frontend.get().getSpec().getSelector(), selector::equals);

    // Reverted once, then left alone: no apply loop between the stamp and the fields.
    String deploymentVersion = device.get().getMetadata().getResourceVersion();
    String serviceVersion = frontend.get().getMetadata().getResourceVersion();
    Thread.sleep(Duration.ofSeconds(5).toMillis());
    assertEquals(deploymentVersion, device.get().getMetadata().getResourceVersion(), "Deployment");
    assertEquals(serviceVersion, frontend.get().getMetadata().getResourceVersion(), "Service");
  }

  /**
   * A rotated CURVE Secret that the operator does not read (ZEROMESH_CURVE_READ_SECRETS=false)
   * reaches the pods through {@code kubectl rollout restart}: its pod-template annotation, which
   * the operator does not set, stays, so the restart is not undone, and it causes no apply.
   */
  @Test
  void aRolloutRestartIsKeptAndNotReapplied() throws InterruptedException {
    client.resource(TestResources.broker(ns, "restarted", s -> {})).create();
    Supplier<Deployment> device =
        () -> client.apps().deployments().inNamespace(ns).withName("restarted-broker").get();
    awaitPresent(device, "device Deployment");
    String applied = device.get().getMetadata().getAnnotations().get("zeromesh.io/applied");
    // What `kubectl rollout restart` sends: a patch of one pod-template annotation.
    String restartedAt = "2026-12-04T19:00:00Z";
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("restarted-broker")
        .edit(
            d -> {
              d.getSpec()
                  .getTemplate()
                  .getMetadata()
                  .getAnnotations()
                  .put("kubectl.kubernetes.io/restartedAt", restartedAt);
              return d;
            });
    String version = device.get().getMetadata().getResourceVersion();
    // The edit's event reaches the operator within this (the revert above takes less).
    Thread.sleep(Duration.ofSeconds(5).toMillis());
    Deployment after = device.get();
    assertEquals(
        restartedAt,
        after
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get("kubectl.kubernetes.io/restartedAt"),
        "the restart's annotation was removed");
    assertEquals(version, after.getMetadata().getResourceVersion(), "applied again after it");
    assertEquals(applied, after.getMetadata().getAnnotations().get("zeromesh.io/applied"));
  }

  private static String containerImage(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }
}
