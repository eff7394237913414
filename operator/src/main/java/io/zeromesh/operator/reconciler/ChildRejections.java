package io.zeromesh.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowResult;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.status.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the dependents' failures mean for the resource. A child the API server refuses (invalid, a
 * quota, an admission webhook: 400, 403, 422) will be refused again on a retry, so it is not an
 * exception but a verdict, ChildRejected, naming the object and the server's words; the other
 * children were reconciled all the same (the workflow has no dependencies between them). Any other
 * failure (a timeout, a conflict, a server error) may pass: it is thrown, and JOSDK retries.
 */
final class ChildRejections {
  /** HTTP codes of a refusal that repeats until the spec or the cluster changes. */
  static final Set<Integer> REJECTED = Set.of(400, 403, 422);

  private ChildRejections() {}

  @SuppressWarnings({"rawtypes", "unchecked"})
  static <P extends ZmqDevice> Verdict verdict(P primary, WorkflowResult result) {
    Map<DependentResource, Exception> errors = result.getErroredDependents();
    if (errors.isEmpty()) {
      return Verdict.OK;
    }
    List<String> rejections = new ArrayList<>();
    Map<String, Exception> byChild = new TreeMap<>();
    boolean transientFailure = false;
    for (Map.Entry<DependentResource, Exception> e : errors.entrySet()) {
      String child =
          e.getKey() instanceof Dependents.Child c
              ? c.describe(primary)
              : e.getKey().resourceType().getSimpleName();
      byChild.put(child, e.getValue());
      KubernetesClientException refusal = refusal(e.getValue());
      if (refusal == null) {
        transientFailure = true;
      } else {
        rejections.add(child + ": " + serverMessage(refusal));
      }
    }
    if (transientFailure) {
      throw new AggregatedOperatorException(
          "reconciling the children of "
              + primary.getKind()
              + " "
              + primary.getMetadata().getNamespace()
              + "/"
              + primary.getMetadata().getName()
              + " failed",
          byChild);
    }
    rejections.sort(null); // dependents run in parallel: a stable message whatever the order
    return Verdict.childRejected("the API server rejected " + String.join("; ", rejections));
  }

  /** The client exception of a refusal in the cause chain, or null for any other failure. */
  static KubernetesClientException refusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k) {
        return REJECTED.contains(k.getCode()) ? k : null;
      }
    }
    return null;
  }

  /** The server's own words (the Status message), without the client's request line. */
  static String serverMessage(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    return e.getMessage();
  }
}
