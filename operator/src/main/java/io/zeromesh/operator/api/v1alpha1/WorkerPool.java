package io.zeromesh.operator.api.v1alpha1;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;

/**
 * The worker pods a resource asks for, wherever its kind keeps them in the spec.
 *
 * @param field where in the spec they are ("spec.workers", or "spec" for a stage), for messages
 * @param replicas the desired number of worker pods
 * @param template the worker pod template (null when the user left it out: invalid)
 * @param podDisruptionBudget the budget asked for, or null
 */
public record WorkerPool(
    String field,
    int replicas,
    PodTemplateSpec template,
    DisruptionBudgetSpec podDisruptionBudget) {}
