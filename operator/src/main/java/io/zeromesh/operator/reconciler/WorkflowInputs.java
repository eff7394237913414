package io.zeromesh.operator.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.zeromesh.operator.resources.CurveKeys;
import io.zeromesh.operator.resources.OperatorDefaults;
import io.zeromesh.operator.resources.ResolvedReferences;
import java.util.Optional;

/**
 * What the reconciler works out before running the dependents, handed to their desired() through
 * the workflow context. Each read falls back to a neutral value without a context, so a plain test
 * can call desired(resource, null).
 *
 * @param defaults the operator's default image and pull policy
 * @param references the endpoints the resource's references resolve to
 * @param curveKeys the keypair of the generated CURVE Secret (the one in the cluster, or a new one
 *     when there is none yet), or null
 * @param secretsVersion a hash of the CURVE Secrets' content, for the pod-template annotation
 */
record WorkflowInputs(
    OperatorDefaults defaults,
    ResolvedReferences references,
    CurveKeys curveKeys,
    String secretsVersion) {
  private static final String KEY = WorkflowInputs.class.getName();

  static final WorkflowInputs NONE =
      new WorkflowInputs(OperatorDefaults.STANDARD, ResolvedReferences.NONE, null, "");

  void putInto(Context<?> context) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  static WorkflowInputs of(Context<?> context) {
    return find(context).orElse(NONE);
  }

  /** The inputs the reconciler put into this context, if it did. */
  static Optional<WorkflowInputs> find(Context<?> context) {
    return context == null
        ? Optional.empty()
        : Optional.ofNullable(context.managedWorkflowAndDependentResourceContext())
            .flatMap(c -> c.get(KEY, WorkflowInputs.class));
  }
}
