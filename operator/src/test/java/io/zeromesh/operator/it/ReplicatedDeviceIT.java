package io.zeromesh.operator.it;

import static io.zeromesh.operator.it.ItSupport.assertOwnedBy;
import static io.zeromesh.operator.it.ItSupport.awaitPresent;
import static io.zeromesh.operator.it.ItSupport.eventually;
import static io.zeromesh.operator.it.ItSupport.ready;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.testing.TestResources;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three device replicas on a real API server: StatefulSet, headless Service, budget, status. */
@Timeout(180)
class ReplicatedDeviceIT {
  private KubernetesClient client;
  private String ns;

  @BeforeEach
  void setUp() {
    ClusterFixture cluster = ClusterFixture.get();
    client = cluster.client();
    ns = cluster.newNamespace("replicas");
  }

  @Test
  void threeReplicasBecomeAStatefulSetWithAHeadlessServiceAndABudgetAndBackToOne() {
    ZmqBroker created =
        client
            .resource(
                TestResources.broker(
                    ns,
                    "rr",
                    s -> {
                      s.setDeviceReplicas(3);
                      s.setWorkers(TestResources.workers(2));
                    }))
            .create();

    StatefulSet set =
        awaitPresent(
            () -> client.apps().statefulSets().inNamespace(ns).withName("rr-broker").get(),
            "device StatefulSet");
    assertEquals(3, set.getSpec().getReplicas());
    assertEquals("rr-broker-pods", set.getSpec().getServiceName());
    assertEquals("RollingUpdate", set.getSpec().getUpdateStrategy().getType());
    Service headless = awaitPresent(() -> service("rr-broker-pods"), "headless Service");
    assertEquals("None", headless.getSpec().getClusterIP());
    assertFalse(Boolean.TRUE.equals(headless.getSpec().getPublishNotReadyAddresses()));
    awaitPresent(() -> service("rr-broker"), "frontend Service");
    HasMetadata pdb =
        awaitPresent(() -> ItSupport.budget(client, ns, "rr-broker"), "device PodDisruptionBudget");
    assertEquals(new IntOrString(1), ItSupport.maxUnavailable(pdb));
    Deployment workers = awaitPresent(() -> deployment("rr-broker-workers"), "workers");
    assertEquals(
        "tcp://rr-broker-0.rr-broker-pods."
            + ns
            + ".svc:5560,"
            + "tcp://rr-broker-1.rr-broker-pods."
            + ns
            + ".svc:5560,"
            + "tcp://rr-broker-2.rr-broker-pods."
            + ns
            + ".svc:5560",
        BrokerReconcilerIT.env(
            workers.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv(),
            "ZEROMESH_BROKER"));
    assertNull(deployment("rr-broker"), "no device Deployment beside the StatefulSet");
    for (var child : List.of(set, headless, pdb)) {
      assertOwnedBy(child, created);
    }

    // Play the StatefulSet controller (absent here): all three replicas updated and ready.
    client
        .apps()
        .statefulSets()
        .inNamespace(ns)
        .withName("rr-broker")
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
    ZmqBroker ready =
        eventually()
            .until(
                this::current,
                b ->
                    "3/3".equals(b.getStatus().getDevices())
                        && ready(b.getStatus())
                            .map(c -> "True".equals(c.getStatus()))
                            .orElse(false));
    var endpoints = ready.getStatus().getEndpoints();
    assertEquals("tcp://rr-broker." + ns + ".svc:5559", endpoints.getFrontend());
    assertEquals(
        List.of(
            "tcp://rr-broker-0.rr-broker-pods." + ns + ".svc:5559",
            "tcp://rr-broker-1.rr-broker-pods." + ns + ".svc:5559",
            "tcp://rr-broker-2.rr-broker-pods." + ns + ".svc:5559"),
        endpoints.getFrontendReplicas());
    assertEquals(3, endpoints.getBackendReplicas().size());
    assertEquals("rr-broker-pods." + ns + ".svc", endpoints.getReplicasHost());

    // Back to one replica: the Deployment returns, the replicated objects go.
    ZmqBroker one = current();
    one.getSpec().setDeviceReplicas(1);
    client.resource(one).update();
    awaitPresent(() -> deployment("rr-broker"), "device Deployment");
    eventually()
        .untilAsserted(
            () -> {
              assertNull(client.apps().statefulSets().inNamespace(ns).withName("rr-broker").get());
              assertNull(service("rr-broker-pods"));
              assertNull(ItSupport.budget(client, ns, "rr-broker"));
            });
    eventually()
        .untilAsserted(
            () ->
                assertEquals(
                    "tcp://rr-broker-backend." + ns + ".svc:5560",
                    BrokerReconcilerIT.env(
                        deployment("rr-broker-workers")
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getEnv(),
                        "ZEROMESH_BROKER")));
  }

  private ZmqBroker current() {
    return client.resources(ZmqBroker.class).inNamespace(ns).withName("rr").get();
  }

  private Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  private Service service(String name) {
    return client.services().inNamespace(ns).withName(name).get();
  }
}
