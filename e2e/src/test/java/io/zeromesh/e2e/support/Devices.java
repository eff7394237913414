package io.zeromesh.e2e.support;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

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

  /** Changes fields of the spec with a JSON merge patch, as {@code kubectl patch --type merge}. */
  public GenericKubernetesResource patchSpec(ZmqKind kind, String name, Map<String, Object> spec) {
    Step.log("patch %s/%s spec with %s", kind.kind(), name, spec);
    return kube.genericKubernetesResources(kind.context())
        .inNamespace(namespace)
        .withName(name)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            kube.getKubernetesSerialization().asJson(Map.of("spec", spec)));
  }

  /** {@code spec.replicas} of the resource's worker Deployment, if it has one. */
  public Optional<Integer> workerDeploymentReplicas(ZmqKind kind, String name) {
    GenericKubernetesResource owner = get(kind, name);
    if (owner == null) {
      return Optional.empty();
    }
    return kube.apps().deployments().inNamespace(namespace).list().getItems().stream()
        .filter(d -> ownedBy(d, owner.getMetadata().getUid()))
        .filter(
            d ->
                d.getSpec().getTemplate().getSpec().getContainers().stream()
                    .anyMatch(c -> "worker".equals(c.getName())))
        .map(d -> d.getSpec().getReplicas())
        .findFirst();
  }

  /**
   * The running pods that belong to a resource: owned, through a Deployment and its ReplicaSets or
   * through a StatefulSet (replicated devices, {@code spec.deviceReplicas} > 1), by the resource.
   * {@code workers} selects the pods of the worker template (container {@code worker}, see {@link
   * Workers}) or else the device pods.
   */
  public List<Pod> pods(ZmqKind kind, String name, boolean workers) {
    return ownedPods(kind, name).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> "Running".equals(p.getStatus().getPhase()))
        .filter(
            p ->
                workers
                    == p.getSpec().getContainers().stream()
                        .anyMatch(c -> "worker".equals(c.getName())))
        .toList();
  }

  /** Every pod of the resource, in any phase, by name. */
  private List<Pod> ownedPods(ZmqKind kind, String name) {
    GenericKubernetesResource owner = get(kind, name);
    if (owner == null) {
      return List.of();
    }
    Set<String> deployments =
        kube.apps().deployments().inNamespace(namespace).list().getItems().stream()
            .filter(d -> ownedBy(d, owner.getMetadata().getUid()))
            .map(d -> d.getMetadata().getUid())
            .collect(Collectors.toSet());
    Set<String> podOwners =
        kube.apps().replicaSets().inNamespace(namespace).list().getItems().stream()
            .filter(rs -> deployments.stream().anyMatch(uid -> ownedBy(rs, uid)))
            .map(rs -> rs.getMetadata().getUid())
            .collect(Collectors.toCollection(HashSet::new));
    kube.apps().statefulSets().inNamespace(namespace).list().getItems().stream()
        .filter(s -> ownedBy(s, owner.getMetadata().getUid()))
        .forEach(s -> podOwners.add(s.getMetadata().getUid()));
    return kube.pods().inNamespace(namespace).list().getItems().stream()
        .filter(p -> podOwners.stream().anyMatch(uid -> ownedBy(p, uid)))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  /**
   * A pod of the resource whose container cannot start or keeps crashing, with the reason: waits on
   * the resource stop at once then, instead of running into their bound.
   */
  private Optional<String> podTrouble(ZmqKind kind, String name) {
    List<Pod> pods;
    try {
      pods = ownedPods(kind, name);
    } catch (RuntimeException unreadable) {
      return Optional.empty(); // the wait itself polls again
    }
    for (Pod pod : pods) {
      for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
        var waiting = status.getState().getWaiting();
        if (waiting == null || waiting.getReason() == null) {
          continue;
        }
        boolean fatal =
            ProbeRun.FATAL_WAITING_REASONS.contains(waiting.getReason())
                || ("CrashLoopBackOff".equals(waiting.getReason())
                    && status.getRestartCount() != null
                    // A worker may crash a time or two while its Service's DNS name appears.
                    && status.getRestartCount() >= 4);
        if (fatal) {
          String trouble =
              "pod %s container %s: %s (%s)"
                  .formatted(
                      pod.getMetadata().getName(),
                      status.getName(),
                      waiting.getReason(),
                      waiting.getMessage());
          Step.log("%s/%s is in trouble: %s", kind.kind(), name, trouble);
          return Optional.of(trouble);
        }
      }
    }
    return Optional.empty();
  }

  /** The Secret owned by the resource that holds the given key (e.g. the CURVE keypair). */
  public Secret ownedSecretWithKey(ZmqKind kind, String name, String key) {
    String uid = get(kind, name).getMetadata().getUid();
    List<Secret> secrets =
        kube.secrets().inNamespace(namespace).list().getItems().stream()
            .filter(s -> ownedBy(s, uid))
            .filter(s -> s.getData() != null && s.getData().containsKey(key))
            .toList();
    if (secrets.size() != 1) {
      throw new AssertionError(
          "expected one Secret owned by "
              + kind.kind()
              + "/"
              + name
              + " with key "
              + key
              + ", found "
              + secrets.stream().map(s -> s.getMetadata().getName()).toList());
    }
    return secrets.get(0);
  }

  /** Waits until the resource has exactly {@code count} running, ready pods of the given kind. */
  public List<Pod> awaitPods(
      ZmqKind kind, String name, boolean workers, int count, Duration atMost) {
    String what = workers ? "worker" : "device";
    Step.log(
        "wait up to %ss for %d ready %s pods of %s/%s",
        atMost.toSeconds(), count, what, kind.kind(), name);
    AtomicReference<List<Pod>> seen = new AtomicReference<>(List.of());
    await("%d ready %s pods of %s/%s".formatted(count, what, kind.kind(), name))
        .atMost(atMost)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .failFast(
            "pods of %s/%s failing".formatted(kind.kind(), name),
            () -> podTrouble(kind, name).isPresent())
        .until(
            () -> {
              List<Pod> pods = pods(kind, name, workers);
              seen.set(pods);
              return pods.size() == count && pods.stream().allMatch(Devices::ready);
            });
    List<Pod> pods = seen.get();
    Step.log("%s pods: %s", what, pods.stream().map(p -> p.getMetadata().getName()).toList());
    return pods;
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static boolean ownedBy(HasMetadata object, String ownerUid) {
    return object.getMetadata().getOwnerReferences().stream()
        .anyMatch(r -> ownerUid.equals(r.getUid()));
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
        .failFast(
            "pods of %s/%s failing".formatted(kind.kind(), name),
            () -> podTrouble(kind, name).isPresent())
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

  /** Where clients of the device connect (publishers, requesters, pushers). */
  public static String frontendEndpoint(GenericKubernetesResource resource) {
    return statusString(resource, "endpoints", "frontend");
  }

  /** Where the other side connects (subscribers, workers, pullers). */
  public static String backendEndpoint(GenericKubernetesResource resource) {
    return statusString(resource, "endpoints", "backend");
  }

  /**
   * Each device replica's frontend ({@code status.endpoints.frontendReplicas}, spec.deviceReplicas
   * > 1): where publishers connect, one address per replica.
   */
  public static List<String> frontendReplicaEndpoints(GenericKubernetesResource resource) {
    return statusStrings(resource, "endpoints", "frontendReplicas");
  }

  /** Each device replica's backend ({@code status.endpoints.backendReplicas}). */
  public static List<String> backendReplicaEndpoints(GenericKubernetesResource resource) {
    return statusStrings(resource, "endpoints", "backendReplicas");
  }

  /** A list of strings at a path of nested objects in the status; fails when there is none. */
  @SuppressWarnings("unchecked")
  public static List<String> statusStrings(GenericKubernetesResource resource, String... path) {
    Object node = status(resource);
    for (String key : path) {
      node = node instanceof Map ? ((Map<String, Object>) node).get(key) : null;
    }
    if (!(node instanceof List<?> list)
        || list.isEmpty()
        || !list.stream().allMatch(e -> e instanceof String && !((String) e).isBlank())) {
      throw new AssertionError(
          "no list of strings at status."
              + String.join(".", path)
              + " in "
              + resource.getKind()
              + "/"
              + resource.getMetadata().getName()
              + ": status is "
              + status(resource));
    }
    return list.stream().map(String.class::cast).toList();
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
