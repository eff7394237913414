package io.zeromesh.operator.resources;

import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.DeviceLink;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the references of a (valid) spec into endpoints, through a lookup of the referenced
 * resources, and finds cycles: a forwarder cascade or a pipeline that leads back to itself.
 */
public final class ReferenceResolver {
  private ReferenceResolver() {}

  /** Finds referenced resources (in the operator, the informer caches). */
  public interface Lookup {
    Optional<ZmqForwarder> forwarder(String namespace, String name);

    Optional<ZmqPipelineStage> stage(String namespace, String name);

    /** A resource of a kind that links may name (a forwarder or a stage), or empty. */
    default Optional<? extends ZmqDevice> find(DeviceKind kind, String namespace, String name) {
      return switch (kind) {
        case FORWARDER -> forwarder(namespace, name);
        case PIPELINE_STAGE -> stage(namespace, name);
        case BROKER -> Optional.empty();
      };
    }

    /** A lookup that finds nothing. */
    Lookup EMPTY =
        new Lookup() {
          @Override
          public Optional<ZmqForwarder> forwarder(String namespace, String name) {
            return Optional.empty();
          }

          @Override
          public Optional<ZmqPipelineStage> stage(String namespace, String name) {
            return Optional.empty();
          }
        };
  }

  /** The outcome of resolving. */
  public sealed interface Outcome permits Resolved, Missing, Cyclic {}

  /** Every reference found. */
  public record Resolved(ResolvedReferences references) implements Outcome {}

  /** Some referenced resource does not exist (yet). */
  public record Missing(String message) implements Outcome {}

  /** The references lead back to the resource itself. */
  public record Cyclic(String message) implements Outcome {}

  public static Outcome resolve(ZmqDevice device, Lookup lookup) {
    String cycle = cycle(device, lookup);
    if (cycle != null) {
      return new Cyclic(cycle);
    }
    List<String> upstreams = new ArrayList<>();
    String output = null;
    List<String> missing = new ArrayList<>();
    for (DeviceLink link : device.deviceSpec().links()) {
      String endpoint = link.endpoint();
      if (endpoint == null) {
        String ns = namespace(link.namespace(), device);
        Optional<? extends ZmqDevice> found = lookup.find(link.targetKind(), ns, link.name());
        if (found.isEmpty()) {
          missing.add(link.field() + ": " + link.kind() + " " + ns + "/" + link.name());
          continue;
        }
        DeviceResources target = DeviceResources.of(found.get());
        // Workers send into every replica of the target (a stage's input, a forwarder's
        // publishers' side). A downstream forwarder subscribes through the upstream's backend
        // Service, at exactly one replica: each replica holds every topic, so subscribing at all
        // of them would deliver each message once per replica (docs/contracts.md, dedup rule).
        endpoint =
            link.role() == DeviceLink.Role.UPSTREAM
                ? target.backendEndpoint()
                : target.frontendEndpointsOfEveryReplica();
      }
      if (link.role() == DeviceLink.Role.UPSTREAM) {
        upstreams.add(
            link.topics().isEmpty() ? endpoint : endpoint + "|" + String.join(",", link.topics()));
      } else {
        output = endpoint;
      }
    }
    if (!missing.isEmpty()) {
      return new Missing("not found: " + String.join(", ", missing));
    }
    return new Resolved(new ResolvedReferences(List.copyOf(upstreams), output));
  }

  /**
   * The message for a chain of links to resources of the device's own kind (a forwarder cascade, a
   * pipeline) that leads back to the device, or null.
   */
  private static String cycle(ZmqDevice self, Lookup lookup) {
    String start = key(self.getMetadata().getNamespace(), self.getMetadata().getName());
    String path = walk(self, start, new LinkedHashSet<>(List.of(start)), lookup);
    if (path == null) {
      return null;
    }
    // A path exists only through links to the device's own kind, which all have one role.
    DeviceLink.Role role =
        self.deviceSpec().links().stream()
            .filter(l -> l.targetKind() == self.deviceKind())
            .findFirst()
            .orElseThrow()
            .role();
    return role.field()
        + ": the "
        + role.chain()
        + " leads back to this "
        + self.deviceKind().kind()
        + ": "
        + path;
  }

  /** Depth first through the links of the device's kind: the path back to start, or null. */
  private static String walk(ZmqDevice from, String start, Set<String> path, Lookup lookup) {
    for (DeviceLink link : from.deviceSpec().links()) {
      if (link.name() == null || link.targetKind() != from.deviceKind()) {
        continue;
      }
      String ns = namespace(link.namespace(), from);
      String next = key(ns, link.name());
      if (next.equals(start)) {
        return String.join(" -> ", path) + " -> " + start;
      }
      if (path.contains(next)) {
        continue; // a loop that does not include the start: its members report it
      }
      Optional<? extends ZmqDevice> found = lookup.find(link.targetKind(), ns, link.name());
      if (found.isPresent()) {
        path.add(next);
        String cycle = walk(found.get(), start, path, lookup);
        if (cycle != null) {
          return cycle;
        }
        path.remove(next);
      }
    }
    return null;
  }

  private static String namespace(String given, ZmqDevice self) {
    return given == null || given.isEmpty() ? self.getMetadata().getNamespace() : given;
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
