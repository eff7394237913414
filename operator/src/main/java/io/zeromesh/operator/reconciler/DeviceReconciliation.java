package io.zeromesh.operator.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.zeromesh.operator.api.v1alpha1.CurveSpec;
import io.zeromesh.operator.api.v1alpha1.DeviceSpec;
import io.zeromesh.operator.api.v1alpha1.DeviceStatus;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.resources.ConfigHash;
import io.zeromesh.operator.resources.CurveKeys;
import io.zeromesh.operator.resources.CurveSecretBuilder;
import io.zeromesh.operator.resources.DeviceResources;
import io.zeromesh.operator.resources.Labels;
import io.zeromesh.operator.resources.OperatorDefaults;
import io.zeromesh.operator.resources.ReferenceResolver;
import io.zeromesh.operator.resources.ResolvedReferences;
import io.zeromesh.operator.resources.SpecValidator;
import io.zeromesh.operator.status.DeviceStatusCalculator;
import io.zeromesh.operator.status.ObservedChildren;
import io.zeromesh.operator.status.ReadyEvents;
import io.zeromesh.operator.status.StatusValues;
import io.zeromesh.operator.status.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The reconcile of every kind: check the spec, resolve references, run the dependents only when
 * both hold, then derive the status from what is observed. An invalid spec or a missing reference
 * leaves the children as they were (a running device keeps serving while a typo is fixed) and
 * throws nothing, so there is no retry loop: the resource is reconciled again when it, or what it
 * references, changes.
 */
final class DeviceReconciliation {
  /** User-named Secrets are not watched: a missing one is looked for again after this long. */
  static final Duration SECRET_RECHECK = Duration.ofSeconds(30);

  /** A child the API server rejected is applied again after this long (or on any change). */
  static final Duration CHILD_RECHECK = Duration.ofSeconds(60);

  private DeviceReconciliation() {}

  static <P extends CustomResource<?, S> & ZmqDevice, S extends DeviceStatus>
      UpdateControl<P> reconcile(
          P resource,
          Context<P> context,
          OperatorDefaults defaults,
          ReferenceResolver.Lookup lookup,
          Supplier<S> emptyStatus,
          Map<String, Object> written) {
    Verdict verdict = Verdict.OK;
    Duration recheck = null;
    List<String> problems = SpecValidator.validate(resource, defaults.generatesCurveKeys());
    ResolvedReferences references = ResolvedReferences.NONE;
    if (!problems.isEmpty()) {
      verdict = Verdict.invalidSpec(String.join("; ", problems));
    } else {
      ReferenceResolver.Outcome outcome = ReferenceResolver.resolve(resource, lookup);
      if (outcome instanceof ReferenceResolver.Cyclic cyclic) {
        verdict = Verdict.invalidSpec(cyclic.message());
      } else if (outcome instanceof ReferenceResolver.Missing missing) {
        verdict = Verdict.referenceNotFound(missing.message());
      } else {
        references = ((ReferenceResolver.Resolved) outcome).references();
      }
    }
    if (verdict.ok()) {
      UserSecrets secrets =
          UserSecrets.read(
              resource,
              defaults,
              (namespace, name) ->
                  context.getClient().secrets().inNamespace(namespace).withName(name).get());
      if (secrets.problem() != null) {
        verdict = secrets.problem();
        recheck = SECRET_RECHECK;
      } else {
        CurveKeys keys = generatedKeys(resource, context);
        String version =
            secrets.version() + (keys == null ? "" : ConfigHash.ofData(keys.secretData()));
        new WorkflowInputs(defaults, references, keys, version).putInto(context);
        verdict =
            ChildRejections.verdict(
                resource,
                context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow());
        // A quota or a webhook may change without an event here: apply the child again later.
        recheck = verdict.ok() ? null : CHILD_RECHECK;
      }
    }

    S cached = resource.getStatus();
    // The status the server has: the last one written, while the cache does not show it yet.
    // Computed from the cached one instead, a condition that flips (from none, at the first
    // reconcile) would get a new lastTransitionTime and the same status be written twice a second
    // apart (operator-bench: 1 of 1,000 resources per run, before this).
    @SuppressWarnings("unchecked")
    S inFlight = (S) lastWrite(resource, context, cached, written);
    S previous = inFlight != null ? inFlight : cached;
    StatusValues values =
        DeviceStatusCalculator.compute(
            resource,
            verdict,
            observe(resource, context),
            previous,
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
            UserSecrets.unreadNote(resource, defaults));
    S next = values.applyTo(emptyStatus.get());
    ReadyEvents.between(previous == null ? null : previous.getConditions(), next.getConditions())
        .ifPresent(event -> EventRecorder.record(context.getClient(), resource, event));

    UpdateControl<P> control;
    if (unchanged(resource, context, cached, next, written)) {
      control = UpdateControl.noUpdate();
    } else {
      written.put(writeKey(resource), next);
      control = UpdateControl.patchStatus(statusPatch(resource, next));
    }
    return recheck != null ? control.rescheduleAfter(recheck) : control;
  }

  /**
   * Whether {@code next} is the status the server already has: the one observed, or the one this
   * operator wrote last for the resource while its informer event has not come back. Without a
   * resourceVersion on the write, the cache can briefly hold an older copy (a concurrent metadata
   * change's event can arrive after the write's response was cached), and comparing with it alone
   * would write the same status again. A retry forgets the last write (it may have failed); a
   * reconcile that observes it forgets it too, so the map holds only writes in flight.
   */
  static boolean unchanged(
      ZmqDevice resource,
      Context<?> context,
      Object previous,
      Object next,
      Map<String, Object> written) {
    Object last = lastWrite(resource, context, previous, written);
    return next.equals(previous) || next.equals(last);
  }

  /**
   * The status this operator wrote last for the resource while the cache ({@code previous}) does
   * not show it yet, or null. A retry forgets it (the write may have failed), and so does a
   * reconcile that observes it.
   */
  static Object lastWrite(
      ZmqDevice resource, Context<?> context, Object previous, Map<String, Object> written) {
    String uid = writeKey(resource);
    Object last = written.get(uid);
    if (last != null
        && (last.equals(previous) || (context != null && context.getRetryInfo().isPresent()))) {
      written.remove(uid);
      last = null;
    }
    return last;
  }

  /** The resource's uid (never reused, unlike its name). */
  private static String writeKey(ZmqDevice resource) {
    String uid = resource.getMetadata().getUid();
    return uid != null
        ? uid
        : resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

  /**
   * What the status apply sends: the resource's identity and the new status, nothing else. JOSDK
   * applies the object it is given to /status as it is, and a resource read from the cache carries
   * its resourceVersion, which the API server takes as a precondition: any change in between (a
   * label, an annotation, a spec edit, another controller's metadata) made the apply fail with 409
   * and the whole reconcile retry. Without it the apply cannot conflict (it is forced, and the
   * operator is the only writer of these status fields); a spec change in between still gets its
   * own reconcile, whose status (observedGeneration) follows. Without the spec, the body is also
   * the status alone.
   */
  static <P extends CustomResource<?, S>, S> P statusPatch(P resource, S status) {
    P patch;
    try {
      @SuppressWarnings("unchecked")
      P fresh = (P) resource.getClass().getDeclaredConstructor().newInstance();
      patch = fresh;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make a " + resource.getClass().getName(), e);
    }
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(resource.getMetadata().getName())
            .withNamespace(resource.getMetadata().getNamespace())
            .build());
    patch.setSpec(null);
    patch.setStatus(status);
    return patch;
  }

  /** The keypair of the generated Secret: the one in the cluster, else a new one. */
  private static CurveKeys generatedKeys(ZmqDevice resource, Context<?> context) {
    if (!CurveSecretBuilder.generated(resource.deviceSpec())) {
      return null;
    }
    String name = DeviceResources.of(resource).curveSecret();
    return context
        .getSecondaryResourcesAsStream(Secret.class)
        .filter(s -> name.equals(s.getMetadata().getName()))
        .findFirst()
        // The Secret informer starts with the dependent's activation, in the workflow after
        // this: on the first reconcile after a start it is not there yet, so ask the server
        // rather than hash new keys into the pods' config and roll them for nothing.
        .or(
            () ->
                Optional.ofNullable(
                    context
                        .getClient()
                        .secrets()
                        .inNamespace(resource.getMetadata().getNamespace())
                        .withName(name)
                        .get()))
        .map(s -> CurveKeys.fromSecretData(s.getData()))
        .orElseGet(CurveKeys::generate);
  }

  private static ObservedChildren observe(ZmqDevice resource, Context<?> context) {
    DeviceResources names = DeviceResources.of(resource);
    return new ObservedChildren(
        named(context, Deployment.class, names.deviceDeployment()),
        named(context, Deployment.class, names.workerDeployment()),
        named(context, Service.class, names.frontendService()),
        named(context, StatefulSet.class, names.deviceStatefulSet()));
  }

  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> R named(
      Context<?> context, Class<R> type, String name) {
    return context
        .getSecondaryResourcesAsStream(type)
        .filter(r -> name.equals(r.getMetadata().getName()))
        .findFirst()
        .orElse(null);
  }

  /**
   * The CURVE Secrets the user names: read at each reconcile (they are not watched: watching every
   * Secret would cache them all), their content hashed so a rotation rolls the pods. Only when the
   * operator reads them (ZEROMESH_CURVE_READ_SECRETS); otherwise none is got, and Kubernetes alone
   * reads them, for the pods' volumes and the workers' secretKeyRef.
   */
  record UserSecrets(String version, Verdict problem) {
    /** Nothing read: no check, no hash (the pods roll only with their spec). */
    static final UserSecrets UNREAD = new UserSecrets("", null);

    /** How a Secret is got by namespace and name (null when there is none). */
    interface Getter {
      Secret get(String namespace, String name);
    }

    static UserSecrets read(ZmqDevice resource, OperatorDefaults defaults, Getter get) {
      DeviceSpec spec = resource.deviceSpec();
      if (!spec.curveEnabled() || !defaults.readsCurveSecrets()) {
        return UNREAD;
      }
      CurveSpec curve = spec.getCurve();
      String namespace = resource.getMetadata().getNamespace();
      StringBuilder version = new StringBuilder();
      if (curve.getSecretName() != null) {
        Secret keys = get.get(namespace, curve.getSecretName());
        if (keys == null) {
          return missing("spec.curve.secretName", namespace, curve.getSecretName());
        }
        if (CurveKeys.fromSecretData(keys.getData()) == null) {
          return new UserSecrets(
              "",
              Verdict.invalidSpec(
                  "spec.curve.secretName: Secret "
                      + curve.getSecretName()
                      + " must hold server.key and server.pub, 40 Z85 characters each"));
        }
        version.append(ConfigHash.ofData(keys.getData()));
      }
      if (curve.getAllowedClientsSecretName() != null) {
        Secret clients = get.get(namespace, curve.getAllowedClientsSecretName());
        if (clients == null) {
          return missing(
              "spec.curve.allowedClientsSecretName",
              namespace,
              curve.getAllowedClientsSecretName());
        }
        version.append(ConfigHash.ofData(clients.getData()));
      }
      return new UserSecrets(version.toString(), null);
    }

    /**
     * What the status says while the device pods are not available, when the operator does not read
     * the Secrets they mount: which ones, and where to look (the pods' events), since a missing
     * Secret or bad keys show only there. Null when it reads them or none is named.
     */
    static String unreadNote(ZmqDevice resource, OperatorDefaults defaults) {
      DeviceSpec spec = resource.deviceSpec();
      if (!spec.curveEnabled() || defaults.readsCurveSecrets()) {
        return null;
      }
      CurveSpec curve = spec.getCurve();
      List<String> named = new ArrayList<>();
      if (curve.getSecretName() != null) {
        named.add(curve.getSecretName() + " (spec.curve.secretName)");
      }
      if (curve.getAllowedClientsSecretName() != null) {
        named.add(curve.getAllowedClientsSecretName() + " (spec.curve.allowedClientsSecretName)");
      }
      if (named.isEmpty()) {
        return null;
      }
      return "its pods mount Secret "
          + String.join(" and ", named)
          + ", which the operator does not read (ZEROMESH_CURVE_READ_SECRETS=false): a missing"
          + " Secret or bad keys keep them from starting; see kubectl describe pods -l "
          + Labels.asString(Labels.selector(resource, Labels.COMPONENT_DEVICE));
    }

    private static UserSecrets missing(String field, String namespace, String name) {
      return new UserSecrets(
          "",
          Verdict.referenceNotFound("not found: " + field + ": Secret " + namespace + "/" + name));
    }
  }
}
