package io.zeromesh.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.testing.TestResources;
import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void brokerNamesAndEndpoints() {
    DeviceResources names = DeviceResources.of(TestResources.broker("prod", "orders", s -> {}));
    assertEquals("orders-broker", names.deviceDeployment());
    assertEquals("orders-broker", names.frontendService());
    assertEquals("orders-broker-backend", names.backendService());
    assertEquals("orders-broker-workers", names.workerDeployment());
    assertEquals("orders-broker-curve", names.curveSecret());
    assertEquals("tcp://orders-broker.prod.svc:5559", names.frontendEndpoint());
    assertEquals("tcp://orders-broker-backend.prod.svc:5560", names.backendEndpoint());
  }

  @Test
  void kindsDoNotCollide() {
    assertEquals(
        "x-forwarder", DeviceResources.of(DeviceKind.FORWARDER, "x", "n").frontendService());
    assertEquals(
        "x-stage", DeviceResources.of(DeviceKind.PIPELINE_STAGE, "x", "n").frontendService());
    assertEquals("x-broker", DeviceResources.of(DeviceKind.BROKER, "x", "n").frontendService());
    assertEquals(
        "tcp://x-forwarder-backend.n.svc:5558",
        DeviceResources.of(TestResources.forwarder("n", "x", s -> {})).backendEndpoint());
  }

  @Test
  void longestDerivedNameIsAValidDnsLabel() {
    for (DeviceKind kind : DeviceKind.values()) {
      String name = "a".repeat(DeviceResources.maxNameLength(kind));
      String backend = DeviceResources.of(kind, name, "ns").backendService();
      assertEquals(63, backend.length(), kind + ": " + backend);
      assertTrue(DeviceResources.of(kind, name, "ns").workerDeployment().length() <= 63);
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
