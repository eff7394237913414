package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Where peers connect to a device. */
public class Endpoints {
  /** Frontend endpoint inside the cluster, tcp://service.namespace.svc:port. */
  @JsonPropertyDescription(
      "Frontend endpoint inside the cluster, tcp://<service>.<namespace>.svc:<port>.")
  private String frontend;

  /** Backend endpoint inside the cluster, tcp://service.namespace.svc:port. */
  @JsonPropertyDescription(
      "Backend endpoint inside the cluster, tcp://<service>.<namespace>.svc:<port>.")
  private String backend;

  /** Node port of the frontend when its Service is NodePort or LoadBalancer. */
  @JsonPropertyDescription(
      "Node port of the frontend when its Service is of type NodePort or LoadBalancer.")
  private Integer frontendNodePort;

  public Endpoints() {}

  public Endpoints(String frontend, String backend, Integer frontendNodePort) {
    this.frontend = frontend;
    this.backend = backend;
    this.frontendNodePort = frontendNodePort;
  }

  public String getFrontend() {
    return frontend;
  }

  public void setFrontend(String frontend) {
    this.frontend = frontend;
  }

  public String getBackend() {
    return backend;
  }

  public void setBackend(String backend) {
    this.backend = backend;
  }

  public Integer getFrontendNodePort() {
    return frontendNodePort;
  }

  public void setFrontendNodePort(Integer frontendNodePort) {
    this.frontendNodePort = frontendNodePort;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Endpoints e
        && Objects.equals(frontend, e.frontend)
        && Objects.equals(backend, e.backend)
        && Objects.equals(frontendNodePort, e.frontendNodePort);
  }

  @Override
  public int hashCode() {
    return Objects.hash(frontend, backend, frontendNodePort);
  }

  @Override
  public String toString() {
    return "Endpoints{frontend=" + frontend + ", backend=" + backend + "}";
  }
}
