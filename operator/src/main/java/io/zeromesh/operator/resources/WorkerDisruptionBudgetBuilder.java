package io.zeromesh.operator.resources;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.zeromesh.operator.api.v1alpha1.DisruptionBudgetSpec;
import io.zeromesh.operator.api.v1alpha1.WorkerPool;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;

/**
 * The PodDisruptionBudget of the worker pods. None for the device: a budget on a single pod either
 * blocks every node drain or allows its eviction anyway.
 */
public final class WorkerDisruptionBudgetBuilder {
  private WorkerDisruptionBudgetBuilder() {}

  /** The budget the spec asks for, or null. */
  public static DisruptionBudgetSpec spec(ZmqDevice device) {
    WorkerPool pool = device.deviceSpec().workerPool();
    return pool == null ? null : pool.podDisruptionBudget();
  }

  public static PodDisruptionBudget build(ZmqDevice device) {
    DisruptionBudgetSpec budget = spec(device);
    DeviceResources names = DeviceResources.of(device);
    IntOrString maxUnavailable = budget.getMaxUnavailable();
    if (budget.getMinAvailable() == null && maxUnavailable == null) {
      maxUnavailable = new IntOrString(1);
    }
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(names.workerDisruptionBudget())
        .withNamespace(names.namespace())
        .withLabels(Labels.of(device, Labels.COMPONENT_WORKERS))
        .withAnnotations(device.deviceSpec().getAnnotations())
        .withOwnerReferences(Owners.controller(device))
        .endMetadata()
        .withNewSpec()
        .withMinAvailable(budget.getMinAvailable())
        .withMaxUnavailable(maxUnavailable)
        .withNewSelector()
        .withMatchLabels(Labels.selector(device, Labels.COMPONENT_WORKERS))
        .endSelector()
        .endSpec()
        .build();
  }
}
