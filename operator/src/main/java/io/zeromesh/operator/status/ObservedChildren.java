package io.zeromesh.operator.status;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/**
 * The children of a resource as last seen in the cluster; any may be null (not there yet).
 *
 * @param device the device Deployment (one device replica)
 * @param workers the worker Deployment
 * @param frontend the frontend Service (for its node port)
 * @param deviceSet the device StatefulSet (more than one device replica)
 */
public record ObservedChildren(
    Deployment device, Deployment workers, Service frontend, StatefulSet deviceSet) {
  public static final ObservedChildren NONE = new ObservedChildren(null, null, null, null);

  /** Children of a resource with one device replica. */
  public ObservedChildren(Deployment device, Deployment workers, Service frontend) {
    this(device, workers, frontend, null);
  }
}
