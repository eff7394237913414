package io.zeromesh.operator.reconciler;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.DeviceStatus;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.resources.OperatorDefaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the three reconcilers share: the reconcile itself ({@link DeviceReconciliation}) and the
 * event sources on the kinds a resource may name. A kind's reconciler only declares its
 * configuration (controller name, dependents with their informers, RBAC) and which kinds it
 * references. Each subclass also declares {@code implements Reconciler<ItsKind>}: JOSDK and the
 * Quarkus extension read the primary type from that declaration.
 */
public abstract class DeviceReconciler<
        P extends CustomResource<?, S> & ZmqDevice, S extends DeviceStatus>
    implements Reconciler<P> {
  /** The field manager of every server-side apply the operator makes (children and status). */
  public static final String FIELD_MANAGER = "zeromesh-operator";

  private final OperatorDefaults defaults;
  private final Supplier<S> emptyStatus;

  /** The statuses written whose own informer event has not come back yet, by resource uid. */
  private final Map<String, Object> written = new ConcurrentHashMap<>();

  private final Set<DeviceKind> referenced;

  /** For the CDI client proxy only (Quarkus adds a no-args constructor to each subclass). */
  protected DeviceReconciler() {
    this(null, null, Set.of());
  }

  /**
   * @param referenced the kinds this kind's links may name, watched so a resource is reconciled
   *     again when one it names appears, changes or goes away
   */
  protected DeviceReconciler(
      OperatorDefaults defaults, Supplier<S> emptyStatus, Set<DeviceKind> referenced) {
    this.defaults = defaults;
    this.emptyStatus = emptyStatus;
    this.referenced = referenced;
  }

  @Override
  public UpdateControl<P> reconcile(P resource, Context<P> context) {
    return DeviceReconciliation.reconcile(
        resource,
        context,
        defaults,
        References.lookup(
            context,
            referenced.contains(DeviceKind.FORWARDER),
            referenced.contains(DeviceKind.PIPELINE_STAGE)),
        emptyStatus,
        written);
  }

  @Override
  public List<EventSource<?, P>> prepareEventSources(EventSourceContext<P> context) {
    List<EventSource<?, P>> sources = new ArrayList<>();
    if (referenced.contains(DeviceKind.FORWARDER)) {
      sources.add(
          References.eventSource(
              context, ZmqForwarder.class, References.FORWARDERS, References::forwarders));
    }
    if (referenced.contains(DeviceKind.PIPELINE_STAGE)) {
      sources.add(
          References.eventSource(
              context, ZmqPipelineStage.class, References.STAGES, References::stages));
    }
    return sources;
  }
}
