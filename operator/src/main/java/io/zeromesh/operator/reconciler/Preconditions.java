package io.zeromesh.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.resources.CurveSecretBuilder;
import io.zeromesh.operator.resources.DeviceNetworkPolicyBuilder;
import io.zeromesh.operator.resources.WorkerDeploymentBuilder;
import io.zeromesh.operator.resources.WorkerDisruptionBudgetBuilder;

/**
 * When an optional dependent is wanted. A dependent whose precondition fails is deleted if it
 * exists, so turning a feature off in the spec removes its object.
 */
final class Preconditions {
  private Preconditions() {}

  public static final class CurveSecretWanted implements Condition<Object, HasMetadata> {
    @Override
    public boolean isMet(
        DependentResource<Object, HasMetadata> dependent,
        HasMetadata primary,
        Context<HasMetadata> context) {
      return CurveSecretBuilder.generated(((ZmqDevice) primary).deviceSpec());
    }
  }

  /**
   * The operator generates CURVE keypairs (ZEROMESH_CURVE_GENERATED_KEYS, an operator setting, the
   * same for every resource). Otherwise the keypair Secret dependent is never activated, so it
   * registers no Secret informer: the operator lists and watches no Secret, and needs no right to.
   * The setting comes with the workflow inputs; without them (never in a reconcile) it is off.
   */
  public static final class CurveKeysGenerated implements Condition<Object, HasMetadata> {
    @Override
    public boolean isMet(
        DependentResource<Object, HasMetadata> dependent,
        HasMetadata primary,
        Context<HasMetadata> context) {
      return WorkflowInputs.find(context).map(i -> i.defaults().generatesCurveKeys()).orElse(false);
    }
  }

  public static final class WorkersWanted implements Condition<Object, HasMetadata> {
    @Override
    public boolean isMet(
        DependentResource<Object, HasMetadata> dependent,
        HasMetadata primary,
        Context<HasMetadata> context) {
      return WorkerDeploymentBuilder.wanted((ZmqDevice) primary);
    }
  }

  public static final class DisruptionBudgetWanted implements Condition<Object, HasMetadata> {
    @Override
    public boolean isMet(
        DependentResource<Object, HasMetadata> dependent,
        HasMetadata primary,
        Context<HasMetadata> context) {
      return WorkerDisruptionBudgetBuilder.spec((ZmqDevice) primary) != null;
    }
  }

  /** One device pod: a Deployment (deleted when the device becomes replicated). */
  public static final class SingleDevice implements Condition<Object, HasMetadata> {
    @Override
    public boolean isMet(
        DependentResource<Object, HasMetadata> dependent,
        HasMetadata primary,
        Context<HasMetadata> context) {
      return !((ZmqDevice) primary).deviceSpec().replicated();
    }
  }

  /** More than one device pod: StatefulSet, headless Service, device PodDisruptionBudget. */
  public static final class ReplicatedDevice implements Condition<Object, HasMetadata> {
    @Override
    public boolean isMet(
        DependentResource<Object, HasMetadata> dependent,
        HasMetadata primary,
        Context<HasMetadata> context) {
      return ((ZmqDevice) primary).deviceSpec().replicated();
    }
  }

  public static final class NetworkPolicyWanted implements Condition<Object, HasMetadata> {
    @Override
    public boolean isMet(
        DependentResource<Object, HasMetadata> dependent,
        HasMetadata primary,
        Context<HasMetadata> context) {
      return DeviceNetworkPolicyBuilder.wanted(((ZmqDevice) primary).deviceSpec());
    }
  }

  /**
   * policy/v1 PodDisruptionBudgets are served (Kubernetes 1.21 and later). Otherwise this dependent
   * stays inactive and registers no informer, and its policy/v1beta1 twin takes over.
   */
  public static final class PolicyV1Served implements Condition<Object, HasMetadata> {
    private volatile Boolean served;

    @Override
    public boolean isMet(
        DependentResource<Object, HasMetadata> dependent,
        HasMetadata primary,
        Context<HasMetadata> context) {
      Boolean known = served;
      if (known == null) {
        known = context.getClient().supports(PodDisruptionBudget.class);
        served = known;
      }
      return known;
    }
  }

  /**
   * Only policy/v1beta1 PodDisruptionBudgets are served (Kubernetes 1.20): the budgets go in that
   * version. Inactive, with no informer, wherever policy/v1 is served (v1beta1 is gone from 1.25).
   */
  public static final class OnlyPolicyV1beta1Served implements Condition<Object, HasMetadata> {
    private volatile Boolean only;

    @Override
    public boolean isMet(
        DependentResource<Object, HasMetadata> dependent,
        HasMetadata primary,
        Context<HasMetadata> context) {
      Boolean known = only;
      if (known == null) {
        known =
            !context.getClient().supports(PodDisruptionBudget.class)
                && context
                    .getClient()
                    .supports(
                        io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget.class);
        only = known;
      }
      return known;
    }
  }
}
