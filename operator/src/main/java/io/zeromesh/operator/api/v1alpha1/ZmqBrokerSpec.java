package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

/** A queue device (ROUTER frontend, DEALER backend) and, optionally, its workers. */
@ValidationRule(value = DeviceSpec.RULE_PORTS_DIFFER, message = DeviceSpec.MESSAGE_PORTS_DIFFER)
@ValidationRule(value = DeviceSpec.RULE_NOT_ADMIN_PORT, message = DeviceSpec.MESSAGE_NOT_ADMIN_PORT)
@ValidationRule(value = DeviceSpec.RULE_NODE_PORT, message = DeviceSpec.MESSAGE_NODE_PORT)
public class ZmqBrokerSpec extends DeviceSpec {
  @JsonPropertyDescription("Frontend (ROUTER): where clients (REQ, DEALER) connect.")
  @Default("{}")
  private BrokerFrontend frontend = new BrokerFrontend();

  @JsonPropertyDescription("Backend (DEALER): where workers (REP, DEALER) connect.")
  @Default("{}")
  private BrokerBackend backend = new BrokerBackend();

  @JsonPropertyDescription(
      "Worker pods the operator runs, connected to the backend; empty: none (workers run"
          + " elsewhere).")
  private WorkersSpec workers;

  @Override
  public BrokerFrontend frontend() {
    return getFrontend();
  }

  @Override
  public BrokerBackend backend() {
    return getBackend();
  }

  @Override
  public WorkerPool workerPool() {
    return workers == null
        ? null
        : new WorkerPool(
            "spec.workers",
            workers.getReplicas(),
            workers.getTemplate(),
            workers.getPodDisruptionBudget());
  }

  public BrokerFrontend getFrontend() {
    return frontend == null ? new BrokerFrontend() : frontend;
  }

  public void setFrontend(BrokerFrontend frontend) {
    this.frontend = frontend;
  }

  public BrokerBackend getBackend() {
    return backend == null ? new BrokerBackend() : backend;
  }

  public void setBackend(BrokerBackend backend) {
    this.backend = backend;
  }

  public WorkersSpec getWorkers() {
    return workers;
  }

  public void setWorkers(WorkersSpec workers) {
    this.workers = workers;
  }
}
