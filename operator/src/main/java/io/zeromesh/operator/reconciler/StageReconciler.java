package io.zeromesh.operator.reconciler;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.WorkersStatus;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.resources.Labels;
import io.zeromesh.operator.resources.OperatorDefaults;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Reconciles a ZmqPipelineStage into its device, Services, Secrets and workers. */
@ControllerConfiguration(
    name = "zmqpipelinestage",
    fieldManager = DeviceReconciler.FIELD_MANAGER,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
@Workflow(
    explicitInvocation = true,
    // Dependents' failures come back to the reconciler (ChildRejections), not thrown by JOSDK.
    handleExceptionsInReconciler = true,
    dependents = {
      @Dependent(
          name = "curve-secret",
          type = StageReconciler.CurveSecret.class,
          activationCondition = Preconditions.CurveKeysGenerated.class,
          reconcilePrecondition = Preconditions.CurveSecretWanted.class),
      @Dependent(name = Dependents.FRONTEND_SERVICE, type = StageReconciler.FrontendService.class),
      @Dependent(
          name = "backend-service",
          type = StageReconciler.BackendService.class,
          useEventSourceWithName = Dependents.FRONTEND_SERVICE),
      @Dependent(
          name = "device",
          type = StageReconciler.DeviceDeployment.class,
          reconcilePrecondition = Preconditions.SingleDevice.class),
      @Dependent(
          name = "device-replicas",
          type = StageReconciler.DeviceStatefulSet.class,
          reconcilePrecondition = Preconditions.ReplicatedDevice.class),
      @Dependent(
          name = "headless-service",
          type = StageReconciler.HeadlessService.class,
          useEventSourceWithName = Dependents.FRONTEND_SERVICE,
          reconcilePrecondition = Preconditions.ReplicatedDevice.class),
      @Dependent(
          name = "device-disruption-budget",
          type = StageReconciler.DeviceDisruptionBudget.class,
          activationCondition = Preconditions.PolicyV1Served.class,
          reconcilePrecondition = Preconditions.ReplicatedDevice.class),
      @Dependent(
          name = "device-disruption-budget-v1beta1",
          type = StageReconciler.DeviceDisruptionBudgetV1beta1.class,
          activationCondition = Preconditions.OnlyPolicyV1beta1Served.class,
          reconcilePrecondition = Preconditions.ReplicatedDevice.class),
      @Dependent(
          name = "workers",
          type = StageReconciler.WorkerDeployment.class,
          reconcilePrecondition = Preconditions.WorkersWanted.class),
      @Dependent(
          name = "workers-disruption-budget",
          type = StageReconciler.WorkerDisruptionBudget.class,
          activationCondition = Preconditions.PolicyV1Served.class,
          reconcilePrecondition = Preconditions.DisruptionBudgetWanted.class),
      @Dependent(
          name = "workers-disruption-budget-v1beta1",
          type = StageReconciler.WorkerDisruptionBudgetV1beta1.class,
          activationCondition = Preconditions.OnlyPolicyV1beta1Served.class,
          reconcilePrecondition = Preconditions.DisruptionBudgetWanted.class),
      @Dependent(
          name = "network-policy",
          type = StageReconciler.DeviceNetworkPolicy.class,
          reconcilePrecondition = Preconditions.NetworkPolicyWanted.class)
    })
@RBACRule(
    apiGroups = "",
    resources = "events",
    verbs = {"create", "patch"})
@RBACRule(
    apiGroups = "",
    resources = "secrets",
    verbs = {"get"})
@RBACRule(
    apiGroups = "zeromesh.io",
    resources = {"zmqforwarders", "zmqpipelinestages"},
    verbs = {"get", "list", "watch"})
public class StageReconciler extends DeviceReconciler<ZmqPipelineStage, WorkersStatus>
    implements Reconciler<ZmqPipelineStage> {
  @Inject
  public StageReconciler(OperatorDefaults defaults) {
    super(defaults, WorkersStatus::new, Set.of(DeviceKind.FORWARDER, DeviceKind.PIPELINE_STAGE));
  }

  // Applied server-side too (JOSDK leaves Secrets to create/update by default, for stringData;
  // this one only has data), so its field manager is zeromesh-operator like every other child's.
  @KubernetesDependent(
      createResourceOnlyIfNotExistingWithSSA = false,
      useSSA = BooleanWithUndefined.TRUE,
      informer = @Informer(labelSelector = Labels.STAGE_DEVICE_SELECTOR))
  public static final class CurveSecret extends Dependents.CurveSecret<ZmqPipelineStage> {}

  // Every child is created with a plain apply, so the field manager zeromesh-operator owns it from
  // the start (the create-only path creates with the client's default manager), and on
  // Kubernetes 1.20 an apply that must create a Service fails when it carries a resourceVersion,
  // which is how the create-only apply guards.
  @KubernetesDependent(
      createResourceOnlyIfNotExistingWithSSA = false,
      informer = @Informer(labelSelector = Labels.STAGE_DEVICE_SELECTOR))
  public static final class FrontendService extends Dependents.FrontendService<ZmqPipelineStage> {}

  // Created with a plain apply, like the frontend; watched through the frontend's informer.
  @KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false)
  public static final class BackendService extends Dependents.BackendService<ZmqPipelineStage> {}

  @KubernetesDependent(
      createResourceOnlyIfNotExistingWithSSA = false,
      informer = @Informer(labelSelector = Labels.STAGE_DEVICE_SELECTOR))
  public static final class DeviceDeployment
      extends Dependents.DeviceDeployment<ZmqPipelineStage> {}

  @KubernetesDependent(
      createResourceOnlyIfNotExistingWithSSA = false,
      informer = @Informer(labelSelector = Labels.STAGE_DEVICE_SELECTOR))
  public static final class DeviceStatefulSet
      extends Dependents.DeviceStatefulSet<ZmqPipelineStage> {}

  // Created with a plain apply, like the frontend; watched through the frontend's informer.
  @KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false)
  public static final class HeadlessService extends Dependents.HeadlessService<ZmqPipelineStage> {}

  @KubernetesDependent(
      createResourceOnlyIfNotExistingWithSSA = false,
      informer = @Informer(labelSelector = Labels.STAGE_DEVICE_SELECTOR))
  public static final class DeviceDisruptionBudget
      extends Dependents.DeviceDisruptionBudget<ZmqPipelineStage> {}

  @KubernetesDependent(
      createResourceOnlyIfNotExistingWithSSA = false,
      informer = @Informer(labelSelector = Labels.STAGE_WORKERS_SELECTOR))
  public static final class WorkerDeployment
      extends Dependents.WorkerDeployment<ZmqPipelineStage> {}

  @KubernetesDependent(
      createResourceOnlyIfNotExistingWithSSA = false,
      informer = @Informer(labelSelector = Labels.STAGE_WORKERS_SELECTOR))
  public static final class WorkerDisruptionBudget
      extends Dependents.WorkerDisruptionBudget<ZmqPipelineStage> {}

  @KubernetesDependent(
      createResourceOnlyIfNotExistingWithSSA = false,
      informer = @Informer(labelSelector = Labels.STAGE_DEVICE_SELECTOR))
  public static final class DeviceNetworkPolicy
      extends Dependents.DeviceNetworkPolicy<ZmqPipelineStage> {}

  @KubernetesDependent(
      createResourceOnlyIfNotExistingWithSSA = false,
      informer = @Informer(labelSelector = Labels.STAGE_DEVICE_SELECTOR))
  public static final class DeviceDisruptionBudgetV1beta1
      extends Dependents.DeviceDisruptionBudgetV1beta1<ZmqPipelineStage> {}

  @KubernetesDependent(
      createResourceOnlyIfNotExistingWithSSA = false,
      informer = @Informer(labelSelector = Labels.STAGE_WORKERS_SELECTOR))
  public static final class WorkerDisruptionBudgetV1beta1
      extends Dependents.WorkerDisruptionBudgetV1beta1<ZmqPipelineStage> {}
}
