package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;

/** A streamer device (PULL input, PUSH output) and the worker pods that pull from it. */
@ValidationRule(value = DeviceSpec.RULE_PORTS_DIFFER, message = DeviceSpec.MESSAGE_PORTS_DIFFER)
@ValidationRule(value = DeviceSpec.RULE_NOT_ADMIN_PORT, message = DeviceSpec.MESSAGE_NOT_ADMIN_PORT)
@ValidationRule(value = DeviceSpec.RULE_NODE_PORT, message = DeviceSpec.MESSAGE_NODE_PORT)
public class ZmqPipelineStageSpec extends DeviceSpec {
  @JsonPropertyDescription(
      "Input (PULL): where upstream pushers (a ventilator, the workers of another stage)"
          + " connect.")
  @Default("{}")
  private StageFrontend frontend = new StageFrontend();

  @JsonPropertyDescription("Output of the streamer (PUSH): where this stage's workers pull tasks.")
  @Default("{}")
  private StageBackend backend = new StageBackend();

  @JsonPropertyDescription(
      "Number of worker pods (with a template). The /scale subresource sets it, so kubectl scale"
          + " and a HorizontalPodAutoscaler work.")
  @Default("1")
  @Min(0)
  @SpecReplicas
  private Integer replicas = 1;

  @JsonPropertyDescription(
      "Pod template of a worker. Every container gets ZEROMESH_INPUT (the streamer output),"
          + " ZEROMESH_OUTPUT (when output is set) and, when CURVE is on,"
          + " ZEROMESH_CURVE_SERVER_KEY. Empty: no workers (e.g. a sink others pull from).")
  private PodTemplateSpec template;

  @JsonPropertyDescription(
      "Where the workers send results (ZEROMESH_OUTPUT): another stage, a forwarder or a raw"
          + " endpoint.")
  private OutputSpec output;

  @JsonPropertyDescription("A PodDisruptionBudget for the worker pods; empty: none.")
  private DisruptionBudgetSpec podDisruptionBudget;

  @Override
  public StageFrontend frontend() {
    return getFrontend();
  }

  @Override
  public StageBackend backend() {
    return getBackend();
  }

  @Override
  public WorkerPool workerPool() {
    return template == null
        ? null
        : new WorkerPool("spec", getReplicas(), template, podDisruptionBudget);
  }

  @Override
  public List<DeviceLink> links() {
    if (output == null) {
      return List.of();
    }
    return List.of(
        new DeviceLink(
            DeviceLink.Role.OUTPUT.field(),
            output.getKind(),
            output.getName(),
            output.getNamespace(),
            output.getEndpoint(),
            List.of(),
            DeviceLink.Role.OUTPUT));
  }

  public StageFrontend getFrontend() {
    return frontend == null ? new StageFrontend() : frontend;
  }

  public void setFrontend(StageFrontend frontend) {
    this.frontend = frontend;
  }

  public StageBackend getBackend() {
    return backend == null ? new StageBackend() : backend;
  }

  public void setBackend(StageBackend backend) {
    this.backend = backend;
  }

  public Integer getReplicas() {
    return replicas == null ? 1 : replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public PodTemplateSpec getTemplate() {
    return template;
  }

  public void setTemplate(PodTemplateSpec template) {
    this.template = template;
  }

  public OutputSpec getOutput() {
    return output;
  }

  public void setOutput(OutputSpec output) {
    this.output = output;
  }

  public DisruptionBudgetSpec getPodDisruptionBudget() {
    return podDisruptionBudget;
  }

  public void setPodDisruptionBudget(DisruptionBudgetSpec podDisruptionBudget) {
    this.podDisruptionBudget = podDisruptionBudget;
  }
}
