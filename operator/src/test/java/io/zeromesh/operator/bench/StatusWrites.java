package io.zeromesh.operator.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.resources.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator's writes as the API server reports them, by watches: each MODIFIED event of a custom
 * resource is one status write (the benchmark never changes a spec and the reconcilers add no
 * finalizers), each ADDED or MODIFIED event of a managed Deployment, Service or Secret one child
 * write. A reconciliation that changes nothing writes nothing, so the status writes are a lower
 * bound of the reconciliations (JOSDK's own count needs a metrics hook in the harness).
 */
final class StatusWrites implements AutoCloseable {
  private final AtomicLong statusWrites = new AtomicLong();
  private final AtomicLong childWrites = new AtomicLong();
  private final AtomicLong watchErrors = new AtomicLong();
  private final List<Watch> watches = new ArrayList<>();

  /** The counters at one moment. */
  record Count(long statusWrites, long childWrites) {
    Count minus(Count earlier) {
      return new Count(statusWrites - earlier.statusWrites, childWrites - earlier.childWrites);
    }
  }

  StatusWrites(KubernetesClient client) {
    watches.add(
        client.resources(ZmqBroker.class).inAnyNamespace().watch(counting(statusWrites, false)));
    watches.add(
        client.resources(ZmqForwarder.class).inAnyNamespace().watch(counting(statusWrites, false)));
    watches.add(
        client
            .resources(ZmqPipelineStage.class)
            .inAnyNamespace()
            .watch(counting(statusWrites, false)));
    watches.add(
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabel(Labels.MANAGED_BY)
            .watch(counting(childWrites, true)));
    watches.add(
        client
            .services()
            .inAnyNamespace()
            .withLabel(Labels.MANAGED_BY)
            .watch(counting(childWrites, true)));
    watches.add(
        client
            .secrets()
            .inAnyNamespace()
            .withLabel(Labels.MANAGED_BY)
            .watch(counting(childWrites, true)));
  }

  Count now() {
    return new Count(statusWrites.get(), childWrites.get());
  }

  long watchErrors() {
    return watchErrors.get();
  }

  @Override
  public void close() {
    watches.forEach(Watch::close);
  }

  private <T extends HasMetadata> Watcher<T> counting(AtomicLong counter, boolean countAdded) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        if (action == Action.MODIFIED || (countAdded && action == Action.ADDED)) {
          counter.incrementAndGet();
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        watchErrors.incrementAndGet();
      }
    };
  }
}
