package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/** Worker pods the operator runs next to a queue device, connected to its backend. */
public class WorkersSpec {
  @JsonPropertyDescription(
      "Number of worker pods. The /scale subresource sets it, so kubectl scale and a"
          + " HorizontalPodAutoscaler work.")
  @Default("1")
  @Min(0)
  @SpecReplicas
  private Integer replicas = 1;

  @JsonPropertyDescription(
      "Pod template of a worker. Every container gets ZEROMESH_BROKER (the backend endpoint) and,"
          + " when CURVE is on, ZEROMESH_CURVE_SERVER_KEY (the device's public key).")
  @Required
  private PodTemplateSpec template;

  @JsonPropertyDescription("A PodDisruptionBudget for the worker pods; empty: none.")
  private DisruptionBudgetSpec podDisruptionBudget;

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

  public DisruptionBudgetSpec getPodDisruptionBudget() {
    return podDisruptionBudget;
  }

  public void setPodDisruptionBudget(DisruptionBudgetSpec podDisruptionBudget) {
    this.podDisruptionBudget = podDisruptionBudget;
  }
}
