package io.zeromesh.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.resources.CurveKeys;
import io.zeromesh.operator.resources.CurveSecretBuilder;
import io.zeromesh.operator.resources.DeviceDeploymentBuilder;
import io.zeromesh.operator.resources.DeviceDisruptionBudgetBuilder;
import io.zeromesh.operator.resources.DeviceNetworkPolicyBuilder;
import io.zeromesh.operator.resources.DeviceResources;
import io.zeromesh.operator.resources.DeviceServiceBuilder;
import io.zeromesh.operator.resources.PolicyV1beta1;
import io.zeromesh.operator.resources.WorkerDeploymentBuilder;
import io.zeromesh.operator.resources.WorkerDisruptionBudgetBuilder;

/**
 * The dependents of every kind, generic in the kind: each desired() is a call of a pure builder.
 * Each kind has concrete subclasses (with its informer settings) in its reconciler's file.
 */
final class Dependents {
  private Dependents() {}

  /**
   * The frontend Service's dependent, whose informer (named after it) the backend Service's shares:
   * same type, same selector, and each finds its own Service by name.
   */
  static final String FRONTEND_SERVICE = "frontend-service";

  /**
   * Which object a dependent manages, by name: also asked when the dependent is not wanted (to
   * delete it), when desired() could not be built.
   */
  static ResourceID id(ZmqDevice primary, String name) {
    return new ResourceID(name, primary.getMetadata().getNamespace());
  }

  /**
   * A child of a resource: one object of one type, found by the name the naming class gives it. Its
   * name and kind also go into status messages when the API server rejects it.
   */
  abstract static class Child<R extends HasMetadata, P extends ZmqDevice>
      extends CRUDKubernetesDependentResource<R, P> {
    Child(Class<R> type) {
      super(type);
    }

    /** The child's name among the resource's names. */
    abstract String name(DeviceResources names);

    /** The child as a user reads it: its kind and name, e.g. Service orders-broker. */
    String describe(P primary) {
      return resourceType().getSimpleName() + " " + name(DeviceResources.of(primary));
    }

    @Override
    protected ResourceID targetSecondaryResourceID(P primary, Context<P> context) {
      return id(primary, name(DeviceResources.of(primary)));
    }

    // Performance (operator-bench): the operator's client reads no managedFields (see
    // io.zeromesh.operator.CacheSerialization), so the child is matched by AppliedState instead of
    // JOSDK's managedFields matcher, and each apply carries the stamp that matcher compares.

    @Override
    public Result<R> match(R actual, R desired, P primary, Context<P> context) {
      boolean matches =
          AppliedState.matches(actual, desired, context.getClient().getKubernetesSerialization());
      addMetadata(true, actual, desired, primary, context);
      return Result.computed(matches, desired);
    }

    @Override
    public R create(R desired, P primary, Context<P> context) {
      AppliedState.stamp(desired, context.getClient().getKubernetesSerialization());
      return super.create(desired, primary, context);
    }

    @Override
    public R update(R actual, R desired, P primary, Context<P> context) {
      AppliedState.stamp(desired, context.getClient().getKubernetesSerialization());
      return super.update(actual, desired, primary, context);
    }
  }

  abstract static class CurveSecret<P extends ZmqDevice> extends Child<Secret, P> {
    CurveSecret() {
      super(Secret.class);
    }

    @Override
    String name(DeviceResources names) {
      return names.curveSecret();
    }

    @Override
    protected Secret desired(P primary, Context<P> context) {
      return CurveSecretBuilder.build(primary, WorkflowInputs.of(context).curveKeys());
    }

    /** Never replaces keys that exist: clients hold the public key. */
    @Override
    public Secret update(Secret actual, Secret desired, P primary, Context<P> context) {
      CurveKeys keys = CurveKeys.fromSecretData(actual.getData());
      if (keys != null) {
        desired.setData(keys.secretData());
      }
      return super.update(actual, desired, primary, context);
    }
  }

  abstract static class FrontendService<P extends ZmqDevice> extends Child<Service, P> {
    FrontendService() {
      super(Service.class);
    }

    @Override
    String name(DeviceResources names) {
      return names.frontendService();
    }

    @Override
    protected Service desired(P primary, Context<P> context) {
      return DeviceServiceBuilder.frontend(primary);
    }
  }

  abstract static class BackendService<P extends ZmqDevice> extends Child<Service, P> {
    BackendService() {
      super(Service.class);
    }

    @Override
    String name(DeviceResources names) {
      return names.backendService();
    }

    @Override
    protected Service desired(P primary, Context<P> context) {
      return DeviceServiceBuilder.backend(primary);
    }
  }

  abstract static class DeviceDeployment<P extends ZmqDevice> extends Child<Deployment, P> {
    DeviceDeployment() {
      super(Deployment.class);
    }

    @Override
    String name(DeviceResources names) {
      return names.deviceDeployment();
    }

    @Override
    protected Deployment desired(P primary, Context<P> context) {
      WorkflowInputs inputs = WorkflowInputs.of(context);
      return DeviceDeploymentBuilder.build(
          primary, inputs.defaults(), inputs.references(), inputs.secretsVersion());
    }
  }

  abstract static class DeviceStatefulSet<P extends ZmqDevice> extends Child<StatefulSet, P> {
    DeviceStatefulSet() {
      super(StatefulSet.class);
    }

    @Override
    String name(DeviceResources names) {
      return names.deviceStatefulSet();
    }

    @Override
    protected StatefulSet desired(P primary, Context<P> context) {
      WorkflowInputs inputs = WorkflowInputs.of(context);
      return DeviceDeploymentBuilder.buildStatefulSet(
          primary, inputs.defaults(), inputs.references(), inputs.secretsVersion());
    }
  }

  abstract static class HeadlessService<P extends ZmqDevice> extends Child<Service, P> {
    HeadlessService() {
      super(Service.class);
    }

    @Override
    String name(DeviceResources names) {
      return names.headlessService();
    }

    @Override
    protected Service desired(P primary, Context<P> context) {
      return DeviceServiceBuilder.headless(primary);
    }
  }

  abstract static class DeviceDisruptionBudget<P extends ZmqDevice>
      extends Child<PodDisruptionBudget, P> {
    DeviceDisruptionBudget() {
      super(PodDisruptionBudget.class);
    }

    @Override
    String name(DeviceResources names) {
      return names.deviceDisruptionBudget();
    }

    @Override
    protected PodDisruptionBudget desired(P primary, Context<P> context) {
      return DeviceDisruptionBudgetBuilder.build(primary);
    }
  }

  abstract static class DeviceDisruptionBudgetV1beta1<P extends ZmqDevice>
      extends Child<io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget, P> {
    DeviceDisruptionBudgetV1beta1() {
      super(io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget.class);
    }

    @Override
    String name(DeviceResources names) {
      return names.deviceDisruptionBudget();
    }

    @Override
    protected io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget desired(
        P primary, Context<P> context) {
      return PolicyV1beta1.of(DeviceDisruptionBudgetBuilder.build(primary));
    }
  }

  abstract static class WorkerDeployment<P extends ZmqDevice> extends Child<Deployment, P> {
    WorkerDeployment() {
      super(Deployment.class);
    }

    @Override
    String name(DeviceResources names) {
      return names.workerDeployment();
    }

    @Override
    protected Deployment desired(P primary, Context<P> context) {
      WorkflowInputs inputs = WorkflowInputs.of(context);
      return WorkerDeploymentBuilder.build(primary, inputs.references(), inputs.secretsVersion());
    }
  }

  abstract static class WorkerDisruptionBudget<P extends ZmqDevice>
      extends Child<PodDisruptionBudget, P> {
    WorkerDisruptionBudget() {
      super(PodDisruptionBudget.class);
    }

    @Override
    String name(DeviceResources names) {
      return names.workerDisruptionBudget();
    }

    @Override
    protected PodDisruptionBudget desired(P primary, Context<P> context) {
      return WorkerDisruptionBudgetBuilder.build(primary);
    }
  }

  abstract static class WorkerDisruptionBudgetV1beta1<P extends ZmqDevice>
      extends Child<io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget, P> {
    WorkerDisruptionBudgetV1beta1() {
      super(io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget.class);
    }

    @Override
    String name(DeviceResources names) {
      return names.workerDisruptionBudget();
    }

    @Override
    protected io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget desired(
        P primary, Context<P> context) {
      return PolicyV1beta1.of(WorkerDisruptionBudgetBuilder.build(primary));
    }
  }

  abstract static class DeviceNetworkPolicy<P extends ZmqDevice> extends Child<NetworkPolicy, P> {
    DeviceNetworkPolicy() {
      super(NetworkPolicy.class);
    }

    @Override
    String name(DeviceResources names) {
      return names.networkPolicy();
    }

    @Override
    protected NetworkPolicy desired(P primary, Context<P> context) {
      return DeviceNetworkPolicyBuilder.build(primary);
    }
  }
}
