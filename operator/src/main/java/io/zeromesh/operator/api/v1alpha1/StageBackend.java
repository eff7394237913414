package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Output of a pipeline stage's streamer: the PUSH socket the stage's workers pull from. */
public class StageBackend extends BackendSpec {
  @JsonPropertyDescription("TCP port of the socket and of its Service (1-65535, default 5558).")
  @Default("5558")
  @Min(1)
  @Max(65535)
  private Integer port = 5558;

  @Override
  public Integer getPort() {
    return port == null ? 5558 : port;
  }

  @Override
  public void setPort(Integer port) {
    this.port = port;
  }
}
