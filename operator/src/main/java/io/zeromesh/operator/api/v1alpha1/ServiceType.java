package io.zeromesh.operator.api.v1alpha1;

/** How the frontend Service of a device is exposed (the Kubernetes Service type). */
public enum ServiceType {
  /** Reachable inside the cluster only. */
  ClusterIP,
  /** Also reachable on a port of every node. */
  NodePort,
  /** Also reachable through a cloud load balancer. */
  LoadBalancer
}
