package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Frontend of a queue device: the ROUTER socket clients (REQ, DEALER) connect to. */
public class BrokerFrontend extends FrontendSpec {
  @JsonPropertyDescription("TCP port of the socket and of its Service (1-65535, default 5559).")
  @Default("5559")
  @Min(1)
  @Max(65535)
  private Integer port = 5559;

  @Override
  public Integer getPort() {
    return port == null ? 5559 : port;
  }

  @Override
  public void setPort(Integer port) {
    this.port = port;
  }
}
