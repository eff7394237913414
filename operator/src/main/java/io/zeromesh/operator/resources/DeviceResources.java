package io.zeromesh.operator.resources;

import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import java.util.ArrayList;
import java.util.List;

/**
 * Every name and endpoint derived from one resource, in one place (like Strimzi's
 * KafkaBridgeResources): the operator, the tests and the docs all go through it. The kind is part
 * of every name, so a ZmqBroker and a ZmqForwarder of the same name live side by side.
 */
public final class DeviceResources {
  /** The Service name suffix of the longest name the operator derives from a resource name. */
  private static final String LONGEST_SUFFIX = "-backend";

  /** Longest DNS label, the limit of a Service name. */
  private static final int DNS_LABEL = 63;

  private final String name;
  private final String namespace;
  private final String base;
  private final int frontendPort;
  private final int backendPort;
  private final int deviceReplicas;

  private DeviceResources(
      DeviceKind kind,
      String name,
      String namespace,
      int frontendPort,
      int backendPort,
      int deviceReplicas) {
    this.name = name;
    this.namespace = namespace;
    this.base = name + "-" + kind.shortName();
    this.frontendPort = frontendPort;
    this.backendPort = backendPort;
    this.deviceReplicas = deviceReplicas;
  }

  /** The names and endpoints of a resource (its ports from its spec). */
  public static DeviceResources of(ZmqDevice device) {
    return new DeviceResources(
        device.deviceKind(),
        device.getMetadata().getName(),
        device.getMetadata().getNamespace(),
        device.deviceSpec().frontend().getPort(),
        device.deviceSpec().backend().getPort(),
        device.deviceSpec().getDeviceReplicas());
  }

  /** A resource's name and namespace as a reference names them: names only, no endpoints. */
  public static DeviceResources of(DeviceKind kind, String name, String namespace) {
    return new DeviceResources(kind, name, namespace, 0, 0, 1);
  }

  /** Longest resource name of a kind whose derived names are all valid DNS labels. */
  public static int maxNameLength(DeviceKind kind) {
    return DNS_LABEL - ("-" + kind.shortName() + LONGEST_SUFFIX).length();
  }

  /**
   * Longest resource name of a kind with replicated devices: the StatefulSet controller labels each
   * pod with controller-revision-hash=&lt;StatefulSet name&gt;-&lt;10 characters&gt;, which must
   * fit a label value (63 characters).
   */
  public static int maxReplicatedNameLength(DeviceKind kind) {
    return DNS_LABEL - REVISION_HASH_SUFFIX - ("-" + kind.shortName()).length();
  }

  /** "-" and the 10 characters of a controller revision hash. */
  private static final int REVISION_HASH_SUFFIX = 11;

  public String name() {
    return name;
  }

  public String namespace() {
    return namespace;
  }

  /** The device Deployment. */
  public String deviceDeployment() {
    return base;
  }

  /** The Service of the frontend (the name clients use). */
  public String frontendService() {
    return base;
  }

  /** The ClusterIP Service of the backend and admin ports. */
  public String backendService() {
    return base + LONGEST_SUFFIX;
  }

  /**
   * The device StatefulSet, with more than one device replica (a Deployment's name: one kind each).
   */
  public String deviceStatefulSet() {
    return base;
  }

  /** The headless Service that gives each device replica its DNS name. */
  public String headlessService() {
    return base + "-pods";
  }

  /** The PodDisruptionBudget of the device replicas. */
  public String deviceDisruptionBudget() {
    return base;
  }

  /** The number of device replicas. */
  public int deviceReplicas() {
    return deviceReplicas;
  }

  /** The DNS name that resolves to every ready device replica: headless-service.namespace.svc. */
  public String replicasHost() {
    return headlessService() + "." + namespace + ".svc";
  }

  /** Each device replica's frontend: tcp://pod.headless-service.namespace.svc:port. */
  public List<String> frontendReplicaEndpoints() {
    return replicaEndpoints(port(frontendPort));
  }

  /** Each device replica's backend: tcp://pod.headless-service.namespace.svc:port. */
  public List<String> backendReplicaEndpoints() {
    return replicaEndpoints(port(backendPort));
  }

  /**
   * Where a peer that must reach every replica connects to the frontend: the Service with one
   * replica, each replica's address (comma separated, as the probe and ZeroMQ peers take them) with
   * more.
   */
  public String frontendEndpointsOfEveryReplica() {
    return deviceReplicas > 1 ? String.join(",", frontendReplicaEndpoints()) : frontendEndpoint();
  }

  /** Like {@link #frontendEndpointsOfEveryReplica()}, for the backend. */
  public String backendEndpointsOfEveryReplica() {
    return deviceReplicas > 1 ? String.join(",", backendReplicaEndpoints()) : backendEndpoint();
  }

  private List<String> replicaEndpoints(int port) {
    List<String> endpoints = new ArrayList<>();
    for (int i = 0; i < deviceReplicas; i++) {
      endpoints.add(endpoint(deviceStatefulSet() + "-" + i + "." + headlessService(), port));
    }
    return endpoints;
  }

  /** The worker Deployment. */
  public String workerDeployment() {
    return base + "-workers";
  }

  /** The PodDisruptionBudget of the workers. */
  public String workerDisruptionBudget() {
    return base + "-workers";
  }

  /** The Secret with the generated CURVE keypair. */
  public String curveSecret() {
    return base + "-curve";
  }

  /** The NetworkPolicy of the device pod. */
  public String networkPolicy() {
    return base;
  }

  /** Where the frontend's clients connect: tcp://frontend-service.namespace.svc:port. */
  public String frontendEndpoint() {
    return endpoint(frontendService(), port(frontendPort));
  }

  /** Where the backend's peers connect: tcp://backend-service.namespace.svc:port. */
  public String backendEndpoint() {
    return endpoint(backendService(), port(backendPort));
  }

  private int port(int port) {
    if (port == 0) {
      throw new IllegalStateException(
          "endpoints of " + base + " need its spec: use DeviceResources.of(device)");
    }
    return port;
  }

  private String endpoint(String service, int port) {
    return "tcp://" + service + "." + namespace + ".svc:" + port;
  }
}
