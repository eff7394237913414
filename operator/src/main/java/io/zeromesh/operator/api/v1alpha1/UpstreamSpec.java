package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a forwarder also takes messages from: another ZmqForwarder (name, optionally namespace) or
 * a raw endpoint. Exactly one of name and endpoint.
 */
public class UpstreamSpec {
  @JsonPropertyDescription(
      "Name of another ZmqForwarder whose backend this forwarder subscribes to. Exactly one of"
          + " name and endpoint.")
  private String name;

  @JsonPropertyDescription("Namespace of the named ZmqForwarder; empty: this resource's namespace.")
  private String namespace;

  @JsonPropertyDescription(
      "A raw upstream endpoint, tcp://host:port, where an XPUB or PUB socket is bound. Exactly one"
          + " of name and endpoint.")
  private String endpoint;

  @JsonPropertyDescription(
      "Topic prefixes subscribed at the upstream. Empty: whatever the downstream subscribers"
          + " subscribe to.")
  private List<String> topics = new ArrayList<>();

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

  public List<String> getTopics() {
    return topics == null ? List.of() : topics;
  }

  public void setTopics(List<String> topics) {
    this.topics = topics;
  }
}
