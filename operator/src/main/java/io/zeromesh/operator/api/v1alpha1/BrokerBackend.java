package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Backend of a queue device: the DEALER socket workers (REP, DEALER) connect to. */
public class BrokerBackend extends BackendSpec {
  @JsonPropertyDescription("TCP port of the socket and of its Service (1-65535, default 5560).")
  @Default("5560")
  @Min(1)
  @Max(65535)
  private Integer port = 5560;

  @Override
  public Integer getPort() {
    return port == null ? 5560 : port;
  }

  @Override
  public void setPort(Integer port) {
    this.port = port;
  }
}
