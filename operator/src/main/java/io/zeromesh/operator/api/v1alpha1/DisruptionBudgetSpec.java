package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * A PodDisruptionBudget for the worker pods. Set at most one of minAvailable and maxUnavailable;
 * neither: maxUnavailable 1.
 */
public class DisruptionBudgetSpec {
  @JsonPropertyDescription(
      "Worker pods that must stay available during voluntary disruptions (number or percent).")
  private IntOrString minAvailable;

  @JsonPropertyDescription(
      "Worker pods that may be unavailable during voluntary disruptions (number or percent)."
          + " Default 1 when minAvailable is not set either.")
  private IntOrString maxUnavailable;

  public IntOrString getMinAvailable() {
    return minAvailable;
  }

  public void setMinAvailable(IntOrString minAvailable) {
    this.minAvailable = minAvailable;
  }

  public IntOrString getMaxUnavailable() {
    return maxUnavailable;
  }

  public void setMaxUnavailable(IntOrString maxUnavailable) {
    this.maxUnavailable = maxUnavailable;
  }
}
