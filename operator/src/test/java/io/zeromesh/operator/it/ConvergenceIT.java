package io.zeromesh.operator.it;

import static io.zeromesh.operator.it.ItSupport.awaitPresent;
import static io.zeromesh.operator.it.ItSupport.eventually;
import static io.zeromesh.operator.it.ItSupport.ready;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zeromesh.operator.api.v1alpha1.CurveSpec;
import io.zeromesh.operator.api.v1alpha1.NetworkPolicySpec;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.reconciler.DeviceReconciler;
import io.zeromesh.operator.testing.TestResources;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Under server-side apply on the current API server: every child is applied by the field manager
 * zeromesh-operator, and a converged resource makes no further writes, however often it is
 * reconciled.
 */
@Timeout(240)
class ConvergenceIT {
  /** Reconciles forced in the window; each is proven to have run by the status it writes. */
  private static final int RECONCILES = 12;

  private KubernetesClient client;
  private String ns;

  @BeforeEach
  void setUp() {
    ClusterFixture cluster = ClusterFixture.get();
    client = cluster.client();
    ns = cluster.newNamespace("converged");
  }

  @Test
  void childrenAreAppliedByTheOperatorsFieldManagerAndAConvergedResourceWritesNothing() {
    client
        .resource(
            TestResources.broker(
                ns,
                "still",
                s -> {
                  s.setDeviceReplicas(3);
                  s.setWorkers(TestResources.workers(2));
                  CurveSpec curve = new CurveSpec();
                  curve.setEnabled(true);
                  s.setCurve(curve);
                  NetworkPolicySpec policy = new NetworkPolicySpec();
                  policy.setEnabled(true);
                  s.setNetworkPolicy(policy);
                }))
        .create();
    Map<String, Supplier<HasMetadata>> untouched = new LinkedHashMap<>();
    untouched.put(
        "Service still-broker",
        () -> client.services().inNamespace(ns).withName("still-broker").get());
    untouched.put(
        "Service still-broker-backend",
        () -> client.services().inNamespace(ns).withName("still-broker-backend").get());
    untouched.put(
        "Service still-broker-pods",
        () -> client.services().inNamespace(ns).withName("still-broker-pods").get());
    untouched.put(
        "Secret still-broker-curve",
        () -> client.secrets().inNamespace(ns).withName("still-broker-curve").get());
    untouched.put(
        "PodDisruptionBudget still-broker", () -> ItSupport.budget(client, ns, "still-broker"));
    untouched.put(
        "NetworkPolicy still-broker",
        () -> client.network().networkPolicies().inNamespace(ns).withName("still-broker").get());
    // The test writes these two's status (no controllers here), so their spec is watched
    // through metadata.generation, which only a spec write moves.
    Supplier<HasMetadata> deviceSet =
        () -> client.apps().statefulSets().inNamespace(ns).withName("still-broker").get();
    Supplier<HasMetadata> workers =
        () -> client.apps().deployments().inNamespace(ns).withName("still-broker-workers").get();
    untouched.forEach((what, get) -> awaitPresent(get, what));
    awaitPresent(deviceSet, "StatefulSet");
    awaitPresent(workers, "workers");

    client
        .apps()
        .statefulSets()
        .inNamespace(ns)
        .withName("still-broker")
        .editStatus(
            s -> {
              s.setStatus(
                  new StatefulSetStatusBuilder()
                      .withObservedGeneration(s.getMetadata().getGeneration())
                      .withReplicas(3)
                      .withUpdatedReplicas(3)
                      .withReadyReplicas(3)
                      .withAvailableReplicas(3)
                      .withCurrentRevision("r1")
                      .withUpdateRevision("r1")
                      .build());
              return s;
            });
    setReadyWorkers(2);
    eventually()
        .until(
            this::current,
            b ->
                "2/2".equals(b.getStatus().getWorkers())
                    && ready(b.getStatus()).map(c -> "True".equals(c.getStatus())).orElse(false));

    // Every child was applied by the operator, under its own name.
    List<HasMetadata> children = new java.util.ArrayList<>();
    untouched.values().forEach(get -> children.add(get.get()));
    children.add(deviceSet.get());
    children.add(workers.get());
    for (HasMetadata child : children) {
      List<ManagedFieldsEntry> entries = child.getMetadata().getManagedFields();
      assertTrue(
          entries.stream()
              .anyMatch(
                  e ->
                      DeviceReconciler.FIELD_MANAGER.equals(e.getManager())
                          && "Apply".equals(e.getOperation())),
          () ->
              child.getKind()
                  + " "
                  + child.getMetadata().getName()
                  + " managers: "
                  + entries.stream().map(e -> e.getManager() + "/" + e.getOperation()).toList());
    }

    // The status too is written under the operator's name.
    assertTrue(
        current().getMetadata().getManagedFields().stream()
            .anyMatch(
                e ->
                    DeviceReconciler.FIELD_MANAGER.equals(e.getManager())
                        && "status".equals(e.getSubresource())),
        () ->
            "managers of the broker: "
                + current().getMetadata().getManagedFields().stream()
                    .map(e -> e.getManager() + "/" + e.getSubresource())
                    .toList());

    Map<String, String> versions = new LinkedHashMap<>();
    untouched.forEach(
        (what, get) -> versions.put(what, get.get().getMetadata().getResourceVersion()));
    long setGeneration = deviceSet.get().getMetadata().getGeneration();
    long workersGeneration = workers.get().getMetadata().getGeneration();

    // Each change of the workers' readiness triggers a reconcile that applies every child again.
    for (int i = 0; i < RECONCILES; i++) {
      int readyWorkers = i % 2 == 0 ? 1 : 2;
      setReadyWorkers(readyWorkers);
      String expected = readyWorkers + "/2";
      eventually().until(this::current, b -> expected.equals(b.getStatus().getWorkers()));
    }

    Map<String, String> after = new LinkedHashMap<>();
    untouched.forEach((what, get) -> after.put(what, get.get().getMetadata().getResourceVersion()));
    assertEquals(
        versions, after, "resourceVersions of the children after " + RECONCILES + " reconciles");
    assertEquals(setGeneration, deviceSet.get().getMetadata().getGeneration(), "StatefulSet spec");
    assertEquals(workersGeneration, workers.get().getMetadata().getGeneration(), "workers spec");
  }

  private void setReadyWorkers(int ready) {
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName("still-broker-workers")
        .editStatus(
            d -> {
              d.setStatus(
                  new DeploymentStatusBuilder()
                      .withObservedGeneration(d.getMetadata().getGeneration())
                      .withReplicas(2)
                      .withUpdatedReplicas(2)
                      .withReadyReplicas(ready)
                      .withAvailableReplicas(ready)
                      .build());
              return d;
            });
  }

  private ZmqBroker current() {
    return client.resources(ZmqBroker.class).inNamespace(ns).withName("still").get();
  }
}
