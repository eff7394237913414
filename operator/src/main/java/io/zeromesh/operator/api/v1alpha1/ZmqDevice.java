package io.zeromesh.operator.api.v1alpha1;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** What the three kinds share, so one builder serves them all. */
public interface ZmqDevice extends HasMetadata {
  /** Which kind this is. */
  DeviceKind deviceKind();

  /** The spec, as the part every kind has. */
  DeviceSpec deviceSpec();
}
