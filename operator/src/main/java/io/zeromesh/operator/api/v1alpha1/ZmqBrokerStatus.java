package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Status of a ZmqBroker: the device, and its workers. */
public class ZmqBrokerStatus extends DeviceStatus implements WorkerStatus {
  /** Worker pods that exist (of the worker Deployment). */
  @JsonPropertyDescription("Worker pods that exist (of the worker Deployment).")
  private Integer replicas;

  /** Worker pods that are ready. */
  @JsonPropertyDescription("Worker pods that are ready.")
  private Integer readyReplicas;

  /** Label selector of the worker pods, as a string (for /scale and autoscalers). */
  @JsonPropertyDescription(
      "Label selector of the worker pods, as a string (for the /scale subresource).")
  private String selector;

  /** Ready and desired workers, as ready/desired, for kubectl get. */
  @JsonPropertyDescription("Ready and desired workers, as ready/desired, for kubectl get.")
  private String workers;

  @Override
  public Integer getReplicas() {
    return replicas;
  }

  @Override
  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  @Override
  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  @Override
  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  @Override
  public String getSelector() {
    return selector;
  }

  @Override
  public void setSelector(String selector) {
    this.selector = selector;
  }

  @Override
  public String getWorkers() {
    return workers;
  }

  @Override
  public void setWorkers(String workers) {
    this.workers = workers;
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o)
        && Objects.equals(replicas, ((ZmqBrokerStatus) o).replicas)
        && Objects.equals(readyReplicas, ((ZmqBrokerStatus) o).readyReplicas)
        && Objects.equals(selector, ((ZmqBrokerStatus) o).selector)
        && Objects.equals(workers, ((ZmqBrokerStatus) o).workers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), replicas, readyReplicas, selector, workers);
  }
}
