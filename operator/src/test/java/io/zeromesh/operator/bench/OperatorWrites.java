package io.zeromesh.operator.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.zeromesh.operator.api.v1alpha1.DeviceStatus;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.resources.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The operator's writes as the API server reports them, by watches opened before the first resource
 * is created, and the moment the last expected one arrived (event time, not poll time).
 *
 * <p>Each MODIFIED event of a custom resource is one status write (the benchmark never changes a
 * spec and the reconcilers add no finalizers); each ADDED or MODIFIED event of a managed
 * Deployment, Service or Secret one child write. A reconciliation that changes nothing writes
 * nothing, so status writes are a lower bound of reconciliations (JOSDK's own count needs a metrics
 * hook in the cluster fixture).
 */
final class OperatorWrites implements AutoCloseable {
  private final int resources;
  private final ExpectedChildren expected;
  private final Set<String> observed = ConcurrentHashMap.newKeySet();
  private final Set<String> present = ConcurrentHashMap.newKeySet();
  private final AtomicLong statusWrites = new AtomicLong();
  private final AtomicLong childWrites = new AtomicLong();
  private final AtomicLong completedAt = new AtomicLong();
  private final AtomicLong watchErrors = new AtomicLong();
  private final List<Watch> watches = new ArrayList<>();

  /** What each write of a resource's status or of a child said, by resource or child. */
  private final Map<String, List<String>> history = new ConcurrentHashMap<>();

  /** The counters at one moment. */
  record Count(long statusWrites, long childWrites) {
    Count minus(Count earlier) {
      return new Count(statusWrites - earlier.statusWrites, childWrites - earlier.childWrites);
    }
  }

  OperatorWrites(KubernetesClient client, int resources, ExpectedChildren expected) {
    this.resources = resources;
    this.expected = expected;
    watches.add(
        client.resources(ZmqBroker.class).inAnyNamespace().watch(primary(ZmqBroker::getStatus)));
    watches.add(
        client
            .resources(ZmqForwarder.class)
            .inAnyNamespace()
            .watch(primary(ZmqForwarder::getStatus)));
    watches.add(
        client
            .resources(ZmqPipelineStage.class)
            .inAnyNamespace()
            .watch(primary(ZmqPipelineStage::getStatus)));
    watches.add(
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabel(Labels.MANAGED_BY)
            .watch(child(expected.deployments())));
    watches.add(
        client
            .services()
            .inAnyNamespace()
            .withLabel(Labels.MANAGED_BY)
            .watch(child(expected.services())));
    watches.add(
        client
            .secrets()
            .inAnyNamespace()
            .withLabel(Labels.MANAGED_BY)
            .watch(child(expected.secrets())));
  }

  Count now() {
    return new Count(statusWrites.get(), childWrites.get());
  }

  /** When (System.nanoTime) the watches had seen every status and every child; empty: not yet. */
  OptionalLong completedAt() {
    long at = completedAt.get();
    return at == 0 ? OptionalLong.empty() : OptionalLong.of(at);
  }

  /** Resources with a status of their generation, expected children present. */
  record Progress(int statuses, int children) {}

  Progress progressCounts() {
    return new Progress(observed.size(), present.size());
  }

  String progress() {
    return "status %d/%d, children %d/%d (watches)"
        .formatted(observed.size(), resources, present.size(), expected.total());
  }

  /** Watches that ended with an error: their counts and completion are then incomplete. */
  long watchErrors() {
    return watchErrors.get();
  }

  @Override
  public void close() {
    watches.forEach(Watch::close);
  }

  private <T extends HasMetadata> Watcher<T> primary(Function<T, ? extends DeviceStatus> status) {
    return watcher(
        (action, resource) -> {
          DeviceStatus s = status.apply(resource);
          if (action == Watcher.Action.MODIFIED) {
            statusWrites.incrementAndGet();
            record(resource, s == null ? "no status" : describe(s));
          }
          Long generation = resource.getMetadata().getGeneration();
          if (s != null
              && s.getObservedGeneration() != null
              && generation != null
              && s.getObservedGeneration() >= generation) {
            observed.add(key(resource));
          }
        });
  }

  private <T extends HasMetadata> Watcher<T> child(Set<String> wanted) {
    return watcher(
        (action, resource) -> {
          // Kind and name: a device Deployment and its frontend Service share a name.
          String key = key(resource);
          if (action == Watcher.Action.DELETED) {
            present.remove(key);
            return;
          }
          childWrites.incrementAndGet();
          record(resource, action + " rv " + resource.getMetadata().getResourceVersion());
          ObjectMeta meta = resource.getMetadata();
          if (wanted.contains(ExpectedChildren.key(meta.getNamespace(), meta.getName()))) {
            present.add(key);
          }
        });
  }

  /**
   * The resources whose status, and the children, that were written more than once so far, each
   * with what every write said (the Ready reason and message of a status): a write above the
   * minimum, explained.
   */
  List<String> repeated() {
    return history.entrySet().stream()
        .filter(e -> e.getValue().size() > 1)
        .map(e -> e.getKey() + ": " + String.join(" -> ", e.getValue()))
        .sorted()
        .toList();
  }

  private void record(HasMetadata resource, String what) {
    history.computeIfAbsent(key(resource), k -> new CopyOnWriteArrayList<>()).add(what);
  }

  /** The Ready reason and message, then the whole status (what two writes differ in). */
  private static String describe(DeviceStatus s) {
    return s.getConditions().stream()
            .filter(c -> "Ready".equals(c.getType()))
            .findFirst()
            .map(c -> c.getStatus() + "/" + c.getReason() + " (" + c.getMessage() + ")")
            .orElse("no Ready condition")
        + " "
        + io.fabric8.kubernetes.client.utils.Serialization.asJson(s);
  }

  private interface EventHandler<T> {
    void handle(Watcher.Action action, T resource);
  }

  private <T extends HasMetadata> Watcher<T> watcher(EventHandler<T> handler) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        if (action == Action.ERROR || action == Action.BOOKMARK) {
          return;
        }
        handler.handle(action, resource);
        if (observed.size() == resources && present.size() == expected.total()) {
          completedAt.compareAndSet(0, System.nanoTime());
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        watchErrors.incrementAndGet();
      }
    };
  }

  private static String key(HasMetadata resource) {
    return resource.getKind()
        + ":"
        + ExpectedChildren.key(
            resource.getMetadata().getNamespace(), resource.getMetadata().getName());
  }
}
