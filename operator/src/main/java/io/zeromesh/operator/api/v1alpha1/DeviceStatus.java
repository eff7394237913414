package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What every device kind reports. */
public abstract class DeviceStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Conditions: Ready (reasons Available, Progressing, DeviceUnavailable, InvalidSpec,"
          + " ReferenceNotFound, ChildRejected) and, with workers, WorkersReady.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Where peers connect to the device.")
  private Endpoints endpoints;

  @JsonPropertyDescription(
      "Device pods that are ready, of those wanted, as ready/wanted (spec.deviceReplicas), for"
          + " kubectl get.")
  private String devices;

  public String getDevices() {
    return devices;
  }

  public void setDevices(String devices) {
    this.devices = devices;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Endpoints getEndpoints() {
    return endpoints;
  }

  public void setEndpoints(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public boolean equals(Object o) {
    return o != null
        && o.getClass() == getClass()
        && Objects.equals(observedGeneration, ((DeviceStatus) o).observedGeneration)
        && Objects.equals(conditions, ((DeviceStatus) o).conditions)
        && Objects.equals(endpoints, ((DeviceStatus) o).endpoints)
        && Objects.equals(devices, ((DeviceStatus) o).devices);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, endpoints, devices);
  }
}
