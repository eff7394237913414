package io.zeromesh.operator.resources;

import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.OutputSpec;
import io.zeromesh.operator.api.v1alpha1.UpstreamSpec;
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
    if (device instanceof ZmqForwarder forwarder) {
      return resolveForwarder(forwarder, lookup);
    }
    if (device instanceof ZmqPipelineStage stage) {
      return resolveStage(stage, lookup);
    }
    return new Resolved(ResolvedReferences.NONE);
  }

  private static Outcome resolveForwarder(ZmqForwarder self, Lookup lookup) {
    String cycle = forwarderCycle(self, lookup);
    if (cycle != null) {
      return new Cyclic("spec.upstreams: the cascade leads back to this ZmqForwarder: " + cycle);
    }
    List<String> entries = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<UpstreamSpec> upstreams = self.getSpec().getUpstreams();
    for (int i = 0; i < upstreams.size(); i++) {
      UpstreamSpec u = upstreams.get(i);
      String endpoint = u.getEndpoint();
      if (endpoint == null) {
        String ns = namespace(u.getNamespace(), self);
        Optional<ZmqForwarder> found = lookup.forwarder(ns, u.getName());
        if (found.isEmpty()) {
          missing.add("spec.upstreams[" + i + "]: ZmqForwarder " + ns + "/" + u.getName());
          continue;
        }
        endpoint = new ForwarderNames(u.getName(), ns).backendEndpoint(found.get());
      }
      entries.add(
          u.getTopics().isEmpty() ? endpoint : endpoint + "|" + String.join(",", u.getTopics()));
    }
    if (!missing.isEmpty()) {
      return new Missing("not found: " + String.join(", ", missing));
    }
    return new Resolved(new ResolvedReferences(List.copyOf(entries), null));
  }

  /** The path back to the forwarder through named upstreams, or null. */
  private static String forwarderCycle(ZmqForwarder self, Lookup lookup) {
    String start = key(self.getMetadata().getNamespace(), self.getMetadata().getName());
    return walk(self, start, new LinkedHashSet<>(List.of(start)), lookup);
  }

  private static String walk(ZmqForwarder from, String start, Set<String> path, Lookup lookup) {
    for (UpstreamSpec u : from.getSpec().getUpstreams()) {
      if (u.getName() == null) {
        continue;
      }
      String ns = namespace(u.getNamespace(), from);
      String next = key(ns, u.getName());
      if (next.equals(start)) {
        return String.join(" -> ", path) + " -> " + start;
      }
      if (path.contains(next)) {
        continue; // a loop that does not include this forwarder: its members report it
      }
      Optional<ZmqForwarder> found = lookup.forwarder(ns, u.getName());
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

  private static Outcome resolveStage(ZmqPipelineStage self, Lookup lookup) {
    OutputSpec output = self.getSpec().getOutput();
    if (output == null) {
      return new Resolved(ResolvedReferences.NONE);
    }
    if (output.getEndpoint() != null) {
      return new Resolved(new ResolvedReferences(List.of(), output.getEndpoint()));
    }
    String ns = namespace(output.getNamespace(), self);
    if (DeviceKind.ofKind(output.getKind()) == DeviceKind.FORWARDER) {
      return lookup
          .forwarder(ns, output.getName())
          .<Outcome>map(
              f ->
                  new Resolved(
                      new ResolvedReferences(
                          List.of(), new ForwarderNames(output.getName(), ns).frontendEndpoint(f))))
          .orElseGet(
              () ->
                  new Missing(
                      "not found: spec.output: ZmqForwarder " + ns + "/" + output.getName()));
    }
    Optional<ZmqPipelineStage> target = lookup.stage(ns, output.getName());
    if (target.isEmpty()) {
      return new Missing("not found: spec.output: ZmqPipelineStage " + ns + "/" + output.getName());
    }
    String start = key(self.getMetadata().getNamespace(), self.getMetadata().getName());
    Set<String> path = new LinkedHashSet<>(List.of(start));
    ZmqPipelineStage current = target.get();
    String currentKey = key(ns, output.getName());
    while (current != null && path.add(currentKey)) {
      OutputSpec next = current.getSpec().getOutput();
      if (next == null
          || next.getName() == null
          || DeviceKind.ofKind(next.getKind()) != DeviceKind.PIPELINE_STAGE) {
        break;
      }
      String nextNs = namespace(next.getNamespace(), current);
      currentKey = key(nextNs, next.getName());
      if (currentKey.equals(start)) {
        return new Cyclic(
            "spec.output: the pipeline leads back to this ZmqPipelineStage: "
                + String.join(" -> ", path)
                + " -> "
                + start);
      }
      current = lookup.stage(nextNs, next.getName()).orElse(null);
    }
    return new Resolved(
        new ResolvedReferences(
            List.of(), new StageNames(output.getName(), ns).frontendEndpoint(target.get())));
  }

  private static String namespace(String given, ZmqDevice self) {
    return given == null || given.isEmpty() ? self.getMetadata().getNamespace() : given;
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
