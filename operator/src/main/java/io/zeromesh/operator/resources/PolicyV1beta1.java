package io.zeromesh.operator.resources;

import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetBuilder;

/**
 * A PodDisruptionBudget for servers that serve only policy/v1beta1 (Kubernetes 1.20): the same
 * object as the policy/v1 one the builders make, in the older API version (the fields the operator
 * sets, name, labels, owner, minAvailable, maxUnavailable, selector, mean the same in both).
 */
public final class PolicyV1beta1 {
  private PolicyV1beta1() {}

  public static PodDisruptionBudget of(
      io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget v1) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(v1.getMetadata())
        .withNewSpec()
        .withMinAvailable(v1.getSpec().getMinAvailable())
        .withMaxUnavailable(v1.getSpec().getMaxUnavailable())
        .withSelector(v1.getSpec().getSelector())
        .endSpec()
        .build();
  }
}
