package io.zeromesh.operator.status;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The children of a resource as last seen in the cluster; any may be null (not there yet).
 *
 * @param device the device Deployment
 * @param workers the worker Deployment
 * @param frontend the frontend Service (for its node port)
 */
public record ObservedChildren(Deployment device, Deployment workers, Service frontend) {
  public static final ObservedChildren NONE = new ObservedChildren(null, null, null);
}
