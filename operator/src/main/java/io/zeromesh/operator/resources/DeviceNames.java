package io.zeromesh.operator.resources;

import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;

/**
 * Names of the objects made for one resource, and its endpoints. The kind is part of every name, so
 * a ZmqBroker and a ZmqForwarder of the same name live side by side.
 */
public abstract class DeviceNames {
  /** The Service name suffix of the longest name the operator derives from a resource name. */
  private static final String LONGEST_SUFFIX = "-backend";

  /** Longest DNS label, the limit of a Service name. */
  private static final int DNS_LABEL = 63;

  private final String name;
  private final String namespace;
  private final String base;

  protected DeviceNames(String name, String namespace, DeviceKind kind) {
    this.name = name;
    this.namespace = namespace;
    this.base = name + "-" + kind.shortName();
  }

  /** The naming class of the resource's kind. */
  public static DeviceNames of(ZmqDevice device) {
    return switch (device.deviceKind()) {
      case BROKER -> new BrokerNames((ZmqBroker) device);
      case FORWARDER -> new ForwarderNames((ZmqForwarder) device);
      case PIPELINE_STAGE -> new StageNames((ZmqPipelineStage) device);
    };
  }

  /** Names for a resource of a kind known only by name and namespace (a reference). */
  public static DeviceNames of(DeviceKind kind, String name, String namespace) {
    return switch (kind) {
      case BROKER -> new BrokerNames(name, namespace);
      case FORWARDER -> new ForwarderNames(name, namespace);
      case PIPELINE_STAGE -> new StageNames(name, namespace);
    };
  }

  /** Longest resource name of a kind whose derived names are all valid DNS labels. */
  public static int maxNameLength(DeviceKind kind) {
    return DNS_LABEL - ("-" + kind.shortName() + LONGEST_SUFFIX).length();
  }

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

  /** tcp://frontend-service.namespace.svc:port */
  public String frontendEndpoint(int port) {
    return endpoint(frontendService(), port);
  }

  /** tcp://backend-service.namespace.svc:port */
  public String backendEndpoint(int port) {
    return endpoint(backendService(), port);
  }

  private String endpoint(String service, int port) {
    return "tcp://" + service + "." + namespace + ".svc:" + port;
  }
}
