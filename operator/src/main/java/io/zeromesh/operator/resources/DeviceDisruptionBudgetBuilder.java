package io.zeromesh.operator.resources;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;

/**
 * The PodDisruptionBudget of replicated devices: a drain or an eviction takes at most one replica
 * at a time, so the others keep serving. None for a single device pod: a budget on one pod either
 * blocks every node drain or allows its eviction anyway.
 */
public final class DeviceDisruptionBudgetBuilder {
  private DeviceDisruptionBudgetBuilder() {}

  public static boolean wanted(ZmqDevice device) {
    return device.deviceSpec().replicated();
  }

  public static PodDisruptionBudget build(ZmqDevice device) {
    DeviceResources names = DeviceResources.of(device);
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(names.deviceDisruptionBudget())
        .withNamespace(names.namespace())
        .withLabels(Labels.of(device, Labels.COMPONENT_DEVICE))
        .withAnnotations(device.deviceSpec().getAnnotations())
        .withOwnerReferences(Owners.controller(device))
        .endMetadata()
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(Labels.selector(device, Labels.COMPONENT_DEVICE))
        .endSelector()
        .endSpec()
        .build();
  }
}
