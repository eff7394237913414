package io.zeromesh.operator.resources;

import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;

/** Names and endpoints of the objects made for a ZmqPipelineStage. */
public final class StageNames extends DeviceNames {
  public StageNames(ZmqPipelineStage resource) {
    this(resource.getMetadata().getName(), resource.getMetadata().getNamespace());
  }

  public StageNames(String name, String namespace) {
    super(name, namespace, DeviceKind.PIPELINE_STAGE);
  }

  /** Where clients connect. */
  public String frontendEndpoint(ZmqPipelineStage resource) {
    return frontendEndpoint(resource.getSpec().getFrontend().getPort());
  }

  /** Where the other side connects. */
  public String backendEndpoint(ZmqPipelineStage resource) {
    return backendEndpoint(resource.getSpec().getBackend().getPort());
  }
}
