package io.zeromesh.operator.resources;

import static io.zeromesh.operator.testing.TestResources.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.zeromesh.operator.api.v1alpha1.DisruptionBudgetSpec;
import io.zeromesh.operator.api.v1alpha1.NetworkPolicySpec;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.testing.TestResources;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyBuildersTest {
  @Test
  void disruptionBudgetCoversTheWorkersWithMaxUnavailableOneByDefault() {
    ZmqBroker broker =
        stored(
            TestResources.broker(
                "n",
                "b",
                s -> {
                  s.setWorkers(TestResources.workers(3));
                  s.getWorkers().setPodDisruptionBudget(new DisruptionBudgetSpec());
                }));
    var pdb = WorkerDisruptionBudgetBuilder.build(broker);
    assertEquals("b-broker-workers", pdb.getMetadata().getName());
    assertEquals(new IntOrString(1), pdb.getSpec().getMaxUnavailable());
    assertNull(pdb.getSpec().getMinAvailable());
    assertEquals(
        Labels.selector(broker, Labels.COMPONENT_WORKERS),
        pdb.getSpec().getSelector().getMatchLabels());
    broker.getSpec().getWorkers().getPodDisruptionBudget().setMinAvailable(new IntOrString("50%"));
    pdb = WorkerDisruptionBudgetBuilder.build(broker);
    assertEquals(new IntOrString("50%"), pdb.getSpec().getMinAvailable());
    assertNull(pdb.getSpec().getMaxUnavailable());
  }

  @Test
  void networkPolicyOpensFrontendToAllowedPeersBackendToWorkersAdminToAll() {
    ZmqBroker broker =
        stored(
            TestResources.broker(
                "n",
                "b",
                s -> {
                  s.setWorkers(TestResources.workers(1));
                  NetworkPolicySpec policy = new NetworkPolicySpec();
                  policy.setEnabled(true);
                  policy.setAllowFrom(
                      List.of(
                          new NetworkPolicyPeerBuilder()
                              .withNewNamespaceSelector()
                              .addToMatchLabels("team", "web")
                              .endNamespaceSelector()
                              .build()));
                  s.setNetworkPolicy(policy);
                }));
    var policy = DeviceNetworkPolicyBuilder.build(broker);
    assertEquals(
        Labels.selector(broker, Labels.COMPONENT_DEVICE),
        policy.getSpec().getPodSelector().getMatchLabels());
    assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
    List<NetworkPolicyIngressRule> rules = policy.getSpec().getIngress();
    assertEquals(3, rules.size());
    assertEquals("frontend", rules.get(0).getPorts().get(0).getPort().getStrVal());
    assertEquals(
        "web", rules.get(0).getFrom().get(0).getNamespaceSelector().getMatchLabels().get("team"));
    assertEquals("backend", rules.get(1).getPorts().get(0).getPort().getStrVal());
    assertEquals(
        Labels.selector(broker, Labels.COMPONENT_WORKERS),
        rules.get(1).getFrom().get(0).getPodSelector().getMatchLabels());
    assertEquals("admin", rules.get(2).getPorts().get(0).getPort().getStrVal());
    assertEquals(List.of(), rules.get(2).getFrom());
  }
}
