package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** Where peers connect to a device. */
public class Endpoints {
  @JsonPropertyDescription(
      "Frontend endpoint inside the cluster, tcp://<service>.<namespace>.svc:<port>.")
  private String frontend;

  @JsonPropertyDescription(
      "Backend endpoint inside the cluster, tcp://<service>.<namespace>.svc:<port>.")
  private String backend;

  @JsonPropertyDescription(
      "Node port of the frontend when its Service is of type NodePort or LoadBalancer.")
  private Integer frontendNodePort;

  @JsonPropertyDescription(
      "With more than one device replica: each replica's frontend,"
          + " tcp://<pod>.<headless service>.<namespace>.svc:<port>.")
  private List<String> frontendReplicas;

  @JsonPropertyDescription(
      "With more than one device replica: each replica's backend,"
          + " tcp://<pod>.<headless service>.<namespace>.svc:<port>.")
  private List<String> backendReplicas;

  @JsonPropertyDescription(
      "With more than one device replica: a DNS name that resolves to every ready replica (the"
          + " headless Service), <headless service>.<namespace>.svc.")
  private String replicasHost;

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

  /** The replicas' endpoints and DNS name (null for one replica), as a copy. */
  public Endpoints withReplicas(
      List<String> frontendReplicas, List<String> backendReplicas, String replicasHost) {
    Endpoints e = new Endpoints(frontend, backend, frontendNodePort);
    e.frontendReplicas = frontendReplicas;
    e.backendReplicas = backendReplicas;
    e.replicasHost = replicasHost;
    return e;
  }

  public List<String> getFrontendReplicas() {
    return frontendReplicas;
  }

  public void setFrontendReplicas(List<String> frontendReplicas) {
    this.frontendReplicas = frontendReplicas;
  }

  public List<String> getBackendReplicas() {
    return backendReplicas;
  }

  public void setBackendReplicas(List<String> backendReplicas) {
    this.backendReplicas = backendReplicas;
  }

  public String getReplicasHost() {
    return replicasHost;
  }

  public void setReplicasHost(String replicasHost) {
    this.replicasHost = replicasHost;
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
        && Objects.equals(frontendNodePort, e.frontendNodePort)
        && Objects.equals(frontendReplicas, e.frontendReplicas)
        && Objects.equals(backendReplicas, e.backendReplicas)
        && Objects.equals(replicasHost, e.replicasHost);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        frontend, backend, frontendNodePort, frontendReplicas, backendReplicas, replicasHost);
  }

  @Override
  public String toString() {
    return "Endpoints{frontend=" + frontend + ", backend=" + backend + "}";
  }
}
