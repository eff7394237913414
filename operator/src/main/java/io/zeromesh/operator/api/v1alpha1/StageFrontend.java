package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Input of a pipeline stage: the PULL socket upstream pushers connect to. */
public class StageFrontend extends FrontendSpec {
  @JsonPropertyDescription("TCP port of the socket and of its Service (1-65535, default 5557).")
  @Default("5557")
  @Min(1)
  @Max(65535)
  private Integer port = 5557;

  @Override
  public Integer getPort() {
    return port == null ? 5557 : port;
  }

  @Override
  public void setPort(Integer port) {
    this.port = port;
  }
}
