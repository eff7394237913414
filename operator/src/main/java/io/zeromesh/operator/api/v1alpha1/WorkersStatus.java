package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.Objects;

/**
 * Status of the kinds that run workers (ZmqBroker, ZmqPipelineStage): the device, and its workers.
 */
public class WorkersStatus extends DeviceStatus {
  @JsonPropertyDescription("Worker pods that exist (of the worker Deployment).")
  @StatusReplicas
  private Integer replicas;

  @JsonPropertyDescription("Worker pods that are ready.")
  private Integer readyReplicas;

  @JsonPropertyDescription(
      "Label selector of the worker pods, as a string (for the /scale subresource).")
  @LabelSelector
  private String selector;

  @JsonPropertyDescription("Ready and desired workers, as ready/desired, for kubectl get.")
  private String workers;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public String getWorkers() {
    return workers;
  }

  public void setWorkers(String workers) {
    this.workers = workers;
  }

  public boolean equals(Object o) {
    return super.equals(o)
        && Objects.equals(replicas, ((WorkersStatus) o).replicas)
        && Objects.equals(readyReplicas, ((WorkersStatus) o).readyReplicas)
        && Objects.equals(selector, ((WorkersStatus) o).selector)
        && Objects.equals(workers, ((WorkersStatus) o).workers);
  }

  public int hashCode() {
    return Objects.hash(super.hashCode(), replicas, readyReplicas, selector, workers);
  }
}
