package io.zeromesh.operator.resources;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.zeromesh.operator.api.v1alpha1.DeviceSpec;
import io.zeromesh.operator.api.v1alpha1.FrontendSpec;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;

/**
 * The two Services of a device. Two rather than one with two ports: the frontend may be exposed
 * (NodePort, LoadBalancer) while the backend, where workers connect, and the admin port stay inside
 * the cluster; a Service's type applies to all its ports.
 */
public final class DeviceServiceBuilder {
  private DeviceServiceBuilder() {}

  /** The frontend Service, of the type the spec asks for. */
  public static Service frontend(ZmqDevice device) {
    DeviceSpec spec = device.deviceSpec();
    DeviceResources names = DeviceResources.of(device);
    FrontendSpec frontend = spec.frontend();
    return new ServiceBuilder()
        .withMetadata(metadata(device, names.frontendService()))
        .withNewSpec()
        .withType(frontend.getServiceType().name())
        .withSelector(Labels.selector(device, Labels.COMPONENT_DEVICE))
        .withPorts(
            new ServicePortBuilder()
                .withName("frontend")
                // SSA on 1.20 rejects a port list entry without protocol (part of its key).
                .withProtocol("TCP")
                .withPort(frontend.getPort())
                .withTargetPort(new IntOrString("frontend"))
                .withNodePort(frontend.getNodePort())
                .build())
        .endSpec()
        .build();
  }

  /** The ClusterIP Service of the backend and of the admin port (health, metrics). */
  public static Service backend(ZmqDevice device) {
    DeviceSpec spec = device.deviceSpec();
    DeviceResources names = DeviceResources.of(device);
    return new ServiceBuilder()
        .withMetadata(metadata(device, names.backendService()))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(Labels.selector(device, Labels.COMPONENT_DEVICE))
        .withPorts(
            new ServicePortBuilder()
                .withName("backend")
                .withProtocol("TCP")
                .withPort(spec.backend().getPort())
                .withTargetPort(new IntOrString("backend"))
                .build(),
            new ServicePortBuilder()
                .withName("admin")
                .withProtocol("TCP")
                .withPort(DeviceDeploymentBuilder.ADMIN_PORT)
                .withTargetPort(new IntOrString("admin"))
                .build())
        .endSpec()
        .build();
  }

  /**
   * The headless Service of replicated devices: no cluster IP, a DNS record per ready replica
   * (pod.service.namespace.svc) and one name that resolves to all ready replicas. Not-ready
   * replicas are left out (publishNotReadyAddresses false), so a peer resolving it never connects
   * to a replica that is starting or stopping.
   */
  public static Service headless(ZmqDevice device) {
    DeviceSpec spec = device.deviceSpec();
    DeviceResources names = DeviceResources.of(device);
    return new ServiceBuilder()
        .withMetadata(metadata(device, names.headlessService()))
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP("None")
        // publishNotReadyAddresses stays unset, i.e. false (the server omits a false value, so
        // setting it would read back as a difference on every reconcile).
        .withSelector(Labels.selector(device, Labels.COMPONENT_DEVICE))
        .withPorts(
            new ServicePortBuilder()
                .withName("frontend")
                .withProtocol("TCP")
                .withPort(spec.frontend().getPort())
                .withTargetPort(new IntOrString("frontend"))
                .build(),
            new ServicePortBuilder()
                .withName("backend")
                .withProtocol("TCP")
                .withPort(spec.backend().getPort())
                .withTargetPort(new IntOrString("backend"))
                .build())
        .endSpec()
        .build();
  }

  private static io.fabric8.kubernetes.api.model.ObjectMeta metadata(
      ZmqDevice device, String name) {
    return new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
        .withName(name)
        .withNamespace(device.getMetadata().getNamespace())
        .withLabels(Labels.of(device, Labels.COMPONENT_DEVICE))
        .withAnnotations(device.deviceSpec().getAnnotations())
        .withOwnerReferences(Owners.controller(device))
        .build();
  }
}
