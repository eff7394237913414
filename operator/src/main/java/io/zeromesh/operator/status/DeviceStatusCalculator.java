package io.zeromesh.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.zeromesh.operator.api.v1alpha1.DeviceSpec;
import io.zeromesh.operator.api.v1alpha1.DeviceStatus;
import io.zeromesh.operator.api.v1alpha1.Endpoints;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.resources.DeviceResources;
import io.zeromesh.operator.resources.Labels;
import io.zeromesh.operator.resources.WorkerDeploymentBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The status of a resource from the verdict on its spec and its children as observed. */
public final class DeviceStatusCalculator {
  private DeviceStatusCalculator() {}

  /**
   * @param previous the status now stored (may be null)
   * @param now the time for conditions that flip, RFC 3339
   */
  public static StatusValues compute(
      ZmqDevice device,
      Verdict verdict,
      ObservedChildren observed,
      DeviceStatus previous,
      String now) {
    return compute(device, verdict, observed, previous, now, null);
  }

  /**
   * @param unavailableNote appended to the Ready message while the device pods exist but are not
   *     available (what the operator cannot check itself, e.g. Secrets it does not read), or null
   */
  public static StatusValues compute(
      ZmqDevice device,
      Verdict verdict,
      ObservedChildren observed,
      DeviceStatus previous,
      String now,
      String unavailableNote) {
    long generation = generation(device);
    List<Condition> before = previous == null ? List.of() : previous.getConditions();
    List<Condition> next = new ArrayList<>();
    Endpoints endpoints;
    if (!verdict.childrenReconciled()) {
      // Children are left as they were: so are the endpoints they serve at.
      next.add(
          Conditions.condition(
              Conditions.READY, false, verdict.reason(), verdict.message(), generation));
      endpoints = previous == null ? null : previous.getEndpoints();
    } else {
      next.add(
          verdict.ok()
              ? ready(device, DevicePods.of(observed), before, generation, unavailableNote)
              : Conditions.condition(
                  Conditions.READY, false, verdict.reason(), verdict.message(), generation));
      endpoints = endpoints(device, observed);
    }
    boolean workersWanted = WorkerDeploymentBuilder.wanted(device);
    int desired = WorkerDeploymentBuilder.replicas(device);
    Integer replicas = null;
    Integer ready = null;
    String selector = null;
    String workers = null;
    if (workersWanted || device.deviceKind().reportsIdleWorkers()) {
      DeploymentStatus s = observed.workers() == null ? null : observed.workers().getStatus();
      replicas = s == null || s.getReplicas() == null ? 0 : s.getReplicas();
      ready = s == null || s.getReadyReplicas() == null ? 0 : s.getReadyReplicas();
      selector = Labels.asString(Labels.selector(device, Labels.COMPONENT_WORKERS));
      workers = ready + "/" + desired;
    }
    if (workersWanted && verdict.childrenReconciled()) {
      boolean allReady = ready >= desired && rolledOut(observed.workers());
      next.add(
          Conditions.condition(
              Conditions.WORKERS_READY,
              allReady,
              allReady ? Conditions.REASON_AVAILABLE : Conditions.REASON_PROGRESSING,
              ready + " of " + desired + " workers ready",
              generation));
    }
    return new StatusValues(
        generation,
        Conditions.merge(before, next, now),
        endpoints,
        replicas,
        ready,
        selector,
        workers,
        DevicePods.of(observed).ready() + "/" + device.deviceSpec().getDeviceReplicas());
  }

  private static Condition ready(
      ZmqDevice device,
      DevicePods pods,
      List<Condition> before,
      long generation,
      String unavailableNote) {
    String note = unavailableNote == null ? "" : "; " + unavailableNote;
    DeviceResources names = DeviceResources.of(device);
    String frontend = names.frontendEndpoint();
    boolean replicated = names.deviceReplicas() > 1;
    String what =
        replicated
            ? "the device pods of " + names.deviceStatefulSet()
            : "the device pod of " + names.deviceDeployment();
    if (!pods.exists()) {
      return Conditions.condition(
          Conditions.READY,
          false,
          Conditions.REASON_PROGRESSING,
          "creating the device",
          generation);
    }
    if (pods.available() >= 1 && pods.rolledOut()) {
      String replicas =
          replicated
              ? " (" + pods.available() + " of " + names.deviceReplicas() + " replicas available)"
              : "";
      return Conditions.condition(
          Conditions.READY,
          true,
          Conditions.REASON_AVAILABLE,
          "device serving at " + frontend + replicas,
          generation);
    }
    boolean wasReady =
        Conditions.find(before, Conditions.READY)
            .map(
                c ->
                    "True".equals(c.getStatus())
                        || Conditions.REASON_DEVICE_UNAVAILABLE.equals(c.getReason()))
            .orElse(false);
    if (pods.deadlineExceeded() || (wasReady && pods.available() == 0 && pods.rolledOut())) {
      return Conditions.condition(
          Conditions.READY,
          false,
          Conditions.REASON_DEVICE_UNAVAILABLE,
          what + (replicated ? " are not available" : " is not available") + note,
          generation);
    }
    return Conditions.condition(
        Conditions.READY,
        false,
        Conditions.REASON_PROGRESSING,
        "waiting for " + what + " to become available" + note,
        generation);
  }

  /**
   * What the device's controller (Deployment or StatefulSet) reports, alike for both.
   *
   * @param exists the controller object is there
   * @param ready pods passing their readiness probe
   * @param available pods available (ready, for a StatefulSet on a server without
   *     availableReplicas)
   * @param rolledOut the controller has seen its latest spec and every pod runs it
   * @param deadlineExceeded a Deployment ran out of its progress deadline
   */
  record DevicePods(
      boolean exists, int ready, int available, boolean rolledOut, boolean deadlineExceeded) {
    static DevicePods of(ObservedChildren observed) {
      if (observed.deviceSet() != null) {
        return of(observed.deviceSet());
      }
      Deployment d = observed.device();
      if (d == null) {
        return new DevicePods(false, 0, 0, false, false);
      }
      DeploymentStatus s = d.getStatus();
      boolean deadlineExceeded =
          s != null
              && s.getConditions() != null
              && s.getConditions().stream()
                  .anyMatch(
                      c -> "Progressing".equals(c.getType()) && "False".equals(c.getStatus()));
      return new DevicePods(
          true,
          s == null || s.getReadyReplicas() == null ? 0 : s.getReadyReplicas(),
          s == null || s.getAvailableReplicas() == null ? 0 : s.getAvailableReplicas(),
          DeviceStatusCalculator.rolledOut(d),
          deadlineExceeded);
    }

    private static DevicePods of(StatefulSet set) {
      StatefulSetStatus s = set.getStatus();
      if (s == null) {
        return new DevicePods(true, 0, 0, false, false);
      }
      int ready = s.getReadyReplicas() == null ? 0 : s.getReadyReplicas();
      int available = s.getAvailableReplicas() == null ? ready : s.getAvailableReplicas();
      Long generation = set.getMetadata().getGeneration();
      boolean seen =
          s.getObservedGeneration() != null
              && (generation == null || s.getObservedGeneration() >= generation);
      int wanted = set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
      int updated = s.getUpdatedReplicas() == null ? 0 : s.getUpdatedReplicas();
      boolean sameRevision =
          s.getUpdateRevision() == null || s.getUpdateRevision().equals(s.getCurrentRevision());
      return new DevicePods(
          true, ready, available, seen && updated >= wanted && sameRevision, false);
    }
  }

  /** The Deployment's controller has seen its latest spec and all pods run it. */
  private static boolean rolledOut(Deployment deployment) {
    if (deployment == null || deployment.getStatus() == null) {
      return false;
    }
    DeploymentStatus s = deployment.getStatus();
    Long observed = s.getObservedGeneration();
    Long generation = deployment.getMetadata().getGeneration();
    boolean seen = observed != null && (generation == null || observed >= generation);
    int wanted =
        deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    int updated = s.getUpdatedReplicas() == null ? 0 : s.getUpdatedReplicas();
    return seen && updated >= wanted;
  }

  private static Endpoints endpoints(ZmqDevice device, ObservedChildren observed) {
    DeviceSpec spec = device.deviceSpec();
    DeviceResources names = DeviceResources.of(device);
    Integer nodePort = null;
    if (observed.frontend() != null && observed.frontend().getSpec() != null) {
      nodePort =
          observed.frontend().getSpec().getPorts().stream()
              .filter(p -> "frontend".equals(p.getName()))
              .map(ServicePort::getNodePort)
              .filter(Objects::nonNull)
              .findFirst()
              .orElse(null);
    }
    Endpoints endpoints =
        new Endpoints(names.frontendEndpoint(), names.backendEndpoint(), nodePort);
    return names.deviceReplicas() > 1
        ? endpoints.withReplicas(
            names.frontendReplicaEndpoints(), names.backendReplicaEndpoints(), names.replicasHost())
        : endpoints;
  }

  private static long generation(ZmqDevice device) {
    Long g = device.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }
}
