package io.zeromesh.operator.resources;

import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;

/** Names and endpoints of the objects made for a ZmqBroker. */
public final class BrokerNames extends DeviceNames {
  public BrokerNames(ZmqBroker resource) {
    this(resource.getMetadata().getName(), resource.getMetadata().getNamespace());
  }

  public BrokerNames(String name, String namespace) {
    super(name, namespace, DeviceKind.BROKER);
  }

  /** Where clients connect. */
  public String frontendEndpoint(ZmqBroker resource) {
    return frontendEndpoint(resource.getSpec().getFrontend().getPort());
  }

  /** Where the other side connects. */
  public String backendEndpoint(ZmqBroker resource) {
    return backendEndpoint(resource.getSpec().getBackend().getPort());
  }
}
