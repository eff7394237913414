package io.zeromesh.operator.resources;

import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;

/** Names and endpoints of the objects made for a ZmqForwarder. */
public final class ForwarderNames extends DeviceNames {
  public ForwarderNames(ZmqForwarder resource) {
    this(resource.getMetadata().getName(), resource.getMetadata().getNamespace());
  }

  public ForwarderNames(String name, String namespace) {
    super(name, namespace, DeviceKind.FORWARDER);
  }

  /** Where clients connect. */
  public String frontendEndpoint(ZmqForwarder resource) {
    return frontendEndpoint(resource.getSpec().getFrontend().getPort());
  }

  /** Where the other side connects. */
  public String backendEndpoint(ZmqForwarder resource) {
    return backendEndpoint(resource.getSpec().getBackend().getPort());
  }
}
