package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Where the workers of a pipeline stage send their results: another ZmqPipelineStage or a
 * ZmqForwarder (kind, name, optionally namespace), or a raw endpoint. Exactly one of name and
 * endpoint.
 */
public class OutputSpec {
  @JsonPropertyDescription(
      "Kind of the referenced resource: ZmqPipelineStage (workers PUSH to its input) or"
          + " ZmqForwarder (workers PUB to its frontend). Required with name.")
  private String kind;

  @JsonPropertyDescription("Name of the referenced resource. Exactly one of name and endpoint.")
  private String name;

  @JsonPropertyDescription(
      "Namespace of the referenced resource; empty: this resource's namespace.")
  private String namespace;

  @JsonPropertyDescription(
      "A raw endpoint, tcp://host:port, the workers send to. Exactly one of name and endpoint.")
  private String endpoint;

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }
}
