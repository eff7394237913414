package io.zeromesh.operator.resources;

import static io.zeromesh.operator.testing.TestResources.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.zeromesh.operator.api.v1alpha1.ServiceType;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.testing.TestResources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceServiceBuilderTest {
  private final ZmqBroker broker = stored(TestResources.broker("prod", "orders", s -> {}));

  @Test
  void frontendIsClusterIpByDefaultWithANamedTcpPort() {
    Service s = DeviceServiceBuilder.frontend(broker);
    assertEquals("orders-broker", s.getMetadata().getName());
    assertEquals("ClusterIP", s.getSpec().getType());
    ServicePort port = s.getSpec().getPorts().get(0);
    assertEquals("frontend", port.getName());
    assertEquals("TCP", port.getProtocol());
    assertEquals(5559, port.getPort());
    assertEquals("frontend", port.getTargetPort().getStrVal());
    assertNull(port.getNodePort());
    assertEquals(Labels.selector(broker, Labels.COMPONENT_DEVICE), s.getSpec().getSelector());
    assertEquals(TestResources.UID, s.getMetadata().getOwnerReferences().get(0).getUid());
  }

  @Test
  void frontendMayBeANodePort() {
    broker.getSpec().getFrontend().setServiceType(ServiceType.NodePort);
    broker.getSpec().getFrontend().setNodePort(30559);
    Service s = DeviceServiceBuilder.frontend(broker);
    assertEquals("NodePort", s.getSpec().getType());
    assertEquals(30559, s.getSpec().getPorts().get(0).getNodePort());
  }

  @Test
  void backendStaysClusterIpWithTheAdminPort() {
    broker.getSpec().getFrontend().setServiceType(ServiceType.LoadBalancer);
    Service s = DeviceServiceBuilder.backend(broker);
    assertEquals("orders-broker-backend", s.getMetadata().getName());
    assertEquals("ClusterIP", s.getSpec().getType());
    List<ServicePort> ports = s.getSpec().getPorts();
    assertEquals(
        Map.of("backend", 5560, "admin", 8080),
        Map.of(
            ports.get(0).getName(),
            ports.get(0).getPort(),
            ports.get(1).getName(),
            ports.get(1).getPort()));
    ports.forEach(p -> assertEquals("TCP", p.getProtocol()));
    assertEquals("zeromesh-operator", s.getMetadata().getLabels().get(Labels.MANAGED_BY));
  }
}
