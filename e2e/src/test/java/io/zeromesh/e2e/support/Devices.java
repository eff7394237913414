package io.zeromesh.e2e.support;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** The ZeroMesh custom resources of one case namespace, and waits on their status. */
public final class Devices {
  private final KubernetesClient kube;
  private final String namespace;

  Devices(KubernetesClient kube, String namespace) {
    this.kube = kube;
    this.namespace = namespace;
  }

  public GenericKubernetesResource create(ZmqKind kind, String name, Map<String, Object> spec) {
    GenericKubernetesResource resource = new GenericKubernetesResource();
    resource.setApiVersion(ZmqKind.API_VERSION);
    resource.setKind(kind.kind());
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    resource.setAdditionalProperty("spec", spec);
    Step.log("create %s/%s with spec %s", kind.kind(), name, spec);
    return kube.genericKubernetesResources(kind.context())
        .inNamespace(namespace)
        .resource(resource)
        .create();
  }

  public GenericKubernetesResource get(ZmqKind kind, String name) {
    return kube.genericKubernetesResources(kind.context())
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  public List<GenericKubernetesResource> list(ZmqKind kind) {
    return kube.genericKubernetesResources(kind.context()).inNamespace(namespace).list().getItems();
  }

  /** Sets the replicas through the resource's {@code /scale} subresource, as kubectl scale does. */
  public void scale(ZmqKind kind, String name, int replicas) {
    Step.log("scale %s/%s to %d through /scale", kind.kind(), name, replicas);
    kube.genericKubernetesResources(kind.context())
        .inNamespace(namespace)
        .withName(name)
        .scale(replicas);
  }

  /** Waits for {@code Ready=True} on the current generation; returns the resource as then. */
  public GenericKubernetesResource awaitReady(ZmqKind kind, String name, Duration atMost) {
    return awaitCondition(kind, name, "Ready", "True", atMost);
  }

  /** Waits for a condition of the current generation to have the given status. */
  public GenericKubernetesResource awaitCondition(
      ZmqKind kind, String name, String type, String status, Duration atMost) {
    Step.log("wait up to %ss for %s/%s %s=%s", atMost.toSeconds(), kind.kind(), name, type, status);
    AtomicReference<GenericKubernetesResource> seen = new AtomicReference<>();
    await("%s/%s %s=%s".formatted(kind.kind(), name, type, status))
        .atMost(atMost)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              GenericKubernetesResource current = get(kind, name);
              seen.set(current);
              return current != null
                  && observedCurrentGeneration(current)
                  && condition(current, type)
                      .map(c -> status.equals(c.get("status")))
                      .orElse(false);
            });
    GenericKubernetesResource ready = seen.get();
    Step.log(
        "%s/%s %s=%s: %s",
        kind.kind(), name, type, status, condition(ready, type).map(Object::toString).orElse(""));
    return ready;
  }

  private static boolean observedCurrentGeneration(GenericKubernetesResource resource) {
    Object observed = status(resource).get("observedGeneration");
    Long generation = resource.getMetadata().getGeneration();
    return observed == null || generation == null || ((Number) observed).longValue() >= generation;
  }

  /** The {@code status} object of a resource, empty when it has none yet. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> status(GenericKubernetesResource resource) {
    Object status = resource.getAdditionalProperties().get("status");
    return status instanceof Map ? (Map<String, Object>) status : Map.of();
  }

  /** The condition of the given type in the resource's status. */
  @SuppressWarnings("unchecked")
  public static Optional<Map<String, Object>> condition(
      GenericKubernetesResource resource, String type) {
    if (resource == null) {
      return Optional.empty();
    }
    Object conditions = status(resource).get("conditions");
    if (!(conditions instanceof List)) {
      return Optional.empty();
    }
    return ((List<Object>) conditions)
        .stream()
            .filter(Map.class::isInstance)
            .map(c -> (Map<String, Object>) c)
            .filter(c -> Objects.equals(type, c.get("type")))
            .findFirst();
  }

  /** A string found at a path of nested objects in the status; fails when there is none. */
  @SuppressWarnings("unchecked")
  public static String statusString(GenericKubernetesResource resource, String... path) {
    Object node = status(resource);
    for (String key : path) {
      if (!(node instanceof Map)) {
        node = null;
        break;
      }
      node = ((Map<String, Object>) node).get(key);
    }
    if (!(node instanceof String) || ((String) node).isBlank()) {
      throw new AssertionError(
          "no status."
              + String.join(".", path)
              + " in "
              + resource.getKind()
              + "/"
              + resource.getMetadata().getName()
              + ": status is "
              + status(resource));
    }
    return (String) node;
  }
}
