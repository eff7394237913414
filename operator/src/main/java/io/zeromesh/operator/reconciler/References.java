package io.zeromesh.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.DeviceLink;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.resources.ReferenceResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Event sources on the kinds a resource may reference. An index on the primary cache maps a
 * referenced resource back to the resources that name it, so they are reconciled again when it
 * appears, changes or goes away.
 */
final class References {
  static final String FORWARDERS = "referenced-forwarders";
  static final String STAGES = "referenced-stages";

  private References() {}

  /** The ZmqForwarders a resource names (forwarder upstreams, stage output), as namespace/name. */
  static List<String> forwarders(ZmqDevice device) {
    return named(device, DeviceKind.FORWARDER);
  }

  /** The ZmqPipelineStages a resource names (stage output), as namespace/name. */
  static List<String> stages(ZmqDevice device) {
    return named(device, DeviceKind.PIPELINE_STAGE);
  }

  private static List<String> named(ZmqDevice device, DeviceKind kind) {
    List<String> keys = new ArrayList<>();
    for (DeviceLink link : device.deviceSpec().links()) {
      if (link.name() != null && link.targetKind() == kind) {
        keys.add(key(link.namespace(), link.name(), device));
      }
    }
    return keys;
  }

  private static String key(String namespace, String name, HasMetadata self) {
    String ns =
        namespace == null || namespace.isEmpty() ? self.getMetadata().getNamespace() : namespace;
    return ns + "/" + name;
  }

  private static ResourceID id(String key) {
    int slash = key.indexOf('/');
    return new ResourceID(key.substring(slash + 1), key.substring(0, slash));
  }

  /** An informer on referenced resources of one kind, mapped back through an index. */
  static <R extends HasMetadata, P extends ZmqDevice> InformerEventSource<R, P> eventSource(
      EventSourceContext<P> context,
      Class<R> referenced,
      String name,
      Function<ZmqDevice, List<String>> keys) {
    var cache = context.getPrimaryCache();
    cache.addIndexer(name, p -> keys.apply(p));
    InformerEventSourceConfiguration<R> config =
        InformerEventSourceConfiguration.from(referenced, context.getPrimaryResourceClass())
            .withName(name)
            .withSecondaryToPrimaryMapper(
                (R r) ->
                    cache
                        .byIndex(
                            name, r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
                        .stream()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper(
                (P p) -> keys.apply(p).stream().map(References::id).collect(Collectors.toSet()))
            // Performance (operator-bench): what a resource takes from the ones it names is in
            // their spec (names, ports, links), so a status or metadata change, which leaves the
            // generation as it is, reconciles nothing.
            .withOnUpdateFilter(
                (R updated, R old) ->
                    !java.util.Objects.equals(
                        updated.getMetadata().getGeneration(), old.getMetadata().getGeneration()))
            .build();
    return new InformerEventSource<>(config, context);
  }

  /** Finds referenced resources in the caches of the event sources the reconciler registered. */
  static ReferenceResolver.Lookup lookup(Context<?> context, boolean forwarders, boolean stages) {
    return new ReferenceResolver.Lookup() {
      @Override
      public Optional<ZmqForwarder> forwarder(String namespace, String name) {
        return forwarders
            ? References.find(context, ZmqForwarder.class, FORWARDERS, namespace, name)
            : Optional.empty();
      }

      @Override
      public Optional<ZmqPipelineStage> stage(String namespace, String name) {
        return stages
            ? References.find(context, ZmqPipelineStage.class, STAGES, namespace, name)
            : Optional.empty();
      }
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <R extends HasMetadata> Optional<R> find(
      Context<?> context, Class<R> type, String source, String namespace, String name) {
    InformerEventSource es =
        (InformerEventSource) context.eventSourceRetriever().getEventSourceFor(type, source);
    Optional<R> cached = es.get(new ResourceID(name, namespace));
    if (cached.isPresent()) {
      return cached;
    }
    // This informer is a watch of its own, not ordered with the primary's: it may not have seen
    // yet a resource that existed before the one naming it was created (operator-bench: 1 of
    // 1,000 resources per run, whose first status then said ReferenceNotFound and its second
    // Progressing). Ask the API server before calling it missing: one read, on a miss only.
    return Optional.ofNullable(
        context.getClient().resources(type).inNamespace(namespace).withName(name).get());
  }

  /** Every key of a set, for tests and logs. */
  static Set<String> all(ZmqDevice device) {
    Set<String> all = new java.util.TreeSet<>(forwarders(device));
    all.addAll(stages(device));
    return all;
  }
}
