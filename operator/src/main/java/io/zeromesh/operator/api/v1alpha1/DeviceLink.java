package io.zeromesh.operator.api.v1alpha1;

import java.util.List;

/**
 * A connection a resource makes to another device: a forwarder's upstream, a stage's output. Either
 * a named resource (kind, name, namespace) or a raw endpoint.
 *
 * @param field where in the spec it is, e.g. spec.upstreams[0], for messages
 * @param kind the Kubernetes kind of the named resource as written (may be invalid or null)
 * @param name the named resource, or null
 * @param namespace its namespace; null: the resource's own
 * @param endpoint a raw endpoint tcp://host:port instead, or null
 * @param topics topic prefixes to subscribe to (upstreams only)
 * @param role which socket of the named resource it connects to, and what for
 */
public record DeviceLink(
    String field,
    String kind,
    String name,
    String namespace,
    String endpoint,
    List<String> topics,
    Role role) {

  /** Why the resource connects, which decides which socket of the target it connects to. */
  public enum Role {
    /** The device's frontend subscribes at the target's backend (a forwarder cascade). */
    UPSTREAM("spec.upstreams", "cascade", List.of(DeviceKind.FORWARDER)),
    /** The workers send their results into the target's frontend. */
    OUTPUT("spec.output", "pipeline", List.of(DeviceKind.PIPELINE_STAGE, DeviceKind.FORWARDER));

    private final String field;
    private final String chain;
    private final List<DeviceKind> targets;

    Role(String field, String chain, List<DeviceKind> targets) {
      this.field = field;
      this.chain = chain;
      this.targets = targets;
    }

    /** The spec field holding links of this role. */
    public String field() {
      return field;
    }

    /** What a chain of such links is called, for loop messages. */
    public String chain() {
      return chain;
    }

    /** The kinds a link of this role may name. */
    public List<DeviceKind> targets() {
      return targets;
    }
  }

  /** The kind named, or null when the kind is missing or unknown. */
  public DeviceKind targetKind() {
    return kind == null ? null : DeviceKind.ofKind(kind);
  }
}
