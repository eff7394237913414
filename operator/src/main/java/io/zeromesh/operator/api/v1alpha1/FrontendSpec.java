package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * The frontend socket of a device and its Service. Each kind has its own subclass, only to carry
 * its own default port in the schema.
 */
public abstract class FrontendSpec {
  @JsonPropertyDescription(
      "Type of the frontend Service (ClusterIP, NodePort or LoadBalancer). The backend Service is"
          + " always ClusterIP.")
  @Default("ClusterIP")
  private ServiceType serviceType = ServiceType.ClusterIP;

  @JsonPropertyDescription(
      "Node port of the frontend when serviceType is NodePort or LoadBalancer, in the default"
          + " node port range 30000-32767. Empty: the cluster allocates one (reported in"
          + " status.endpoints.frontendNodePort).")
  @Min(30000)
  @Max(32767)
  private Integer nodePort;

  /** TCP port of the frontend socket and of its Service. */
  public abstract Integer getPort();

  public abstract void setPort(Integer port);

  public ServiceType getServiceType() {
    return serviceType == null ? ServiceType.ClusterIP : serviceType;
  }

  public void setServiceType(ServiceType serviceType) {
    this.serviceType = serviceType;
  }

  public Integer getNodePort() {
    return nodePort;
  }

  public void setNodePort(Integer nodePort) {
    this.nodePort = nodePort;
  }
}
