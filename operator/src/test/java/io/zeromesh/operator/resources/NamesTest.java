package io.zeromesh.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.testing.TestResources;
import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void brokerNamesAndEndpoints() {
    BrokerNames names = new BrokerNames(TestResources.broker("prod", "orders", s -> {}));
    assertEquals("orders-broker", names.deviceDeployment());
    assertEquals("orders-broker", names.frontendService());
    assertEquals("orders-broker-backend", names.backendService());
    assertEquals("orders-broker-workers", names.workerDeployment());
    assertEquals("orders-broker-curve", names.curveSecret());
    assertEquals(
        "tcp://orders-broker.prod.svc:5559",
        names.frontendEndpoint(TestResources.broker("prod", "orders", s -> {})));
    assertEquals("tcp://orders-broker-backend.prod.svc:5560", names.backendEndpoint(5560));
  }

  @Test
  void kindsDoNotCollide() {
    assertEquals("x-forwarder", new ForwarderNames("x", "n").frontendService());
    assertEquals("x-stage", new StageNames("x", "n").frontendService());
    assertEquals("x-broker", new BrokerNames("x", "n").frontendService());
    assertEquals(
        "tcp://x-forwarder-backend.n.svc:5558", new ForwarderNames("x", "n").backendEndpoint(5558));
  }

  @Test
  void longestDerivedNameIsAValidDnsLabel() {
    for (DeviceKind kind : DeviceKind.values()) {
      String name = "a".repeat(DeviceNames.maxNameLength(kind));
      String backend = DeviceNames.of(kind, name, "ns").backendService();
      assertEquals(63, backend.length(), kind + ": " + backend);
      assertTrue(DeviceNames.of(kind, name, "ns").workerDeployment().length() <= 63);
    }
  }

  @Test
  void selectorString() {
    var selector =
        Labels.selector(TestResources.stage("n", "s", x -> {}), Labels.COMPONENT_WORKERS);
    assertEquals(
        "app.kubernetes.io/name=zeromesh-stage,app.kubernetes.io/instance=s,app.kubernetes.io/component=workers",
        Labels.asString(selector));
  }
}
