package io.zeromesh.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.zeromesh.operator.api.v1alpha1.DeviceStatus;
import io.zeromesh.operator.api.v1alpha1.Endpoints;
import io.zeromesh.operator.api.v1alpha1.WorkersStatus;
import java.util.List;

/** The computed status of a resource, for any kind. */
public record StatusValues(
    long observedGeneration,
    List<Condition> conditions,
    Endpoints endpoints,
    Integer replicas,
    Integer readyReplicas,
    String selector,
    String workers,
    String devices) {

  /** Writes the values into a kind's status object. */
  public <S extends DeviceStatus> S applyTo(S status) {
    status.setObservedGeneration(observedGeneration);
    status.setConditions(conditions);
    status.setEndpoints(endpoints);
    status.setDevices(devices);
    if (status instanceof WorkersStatus w) {
      w.setReplicas(replicas);
      w.setReadyReplicas(readyReplicas);
      w.setSelector(selector);
      w.setWorkers(workers);
    }
    return status;
  }
}
