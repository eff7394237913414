package io.zeromesh.operator.status;

/**
 * What the reconciler concluded about the spec before touching children.
 *
 * @param reason null when the spec is valid and its references resolve, else InvalidSpec,
 *     ReferenceNotFound, or ChildRejected (the children were applied, and the API server refused
 *     one or more)
 * @param message why, naming the field
 */
public record Verdict(String reason, String message) {
  public static final Verdict OK = new Verdict(null, null);

  public static Verdict invalidSpec(String message) {
    return new Verdict(Conditions.REASON_INVALID_SPEC, message);
  }

  public static Verdict referenceNotFound(String message) {
    return new Verdict(Conditions.REASON_REFERENCE_NOT_FOUND, message);
  }

  public static Verdict childRejected(String message) {
    return new Verdict(Conditions.REASON_CHILD_REJECTED, message);
  }

  /**
   * True when the children were reconciled: the spec is fine, even if the API server refused some
   * child. Then endpoints and workers are reported as observed.
   */
  public boolean childrenReconciled() {
    return ok() || Conditions.REASON_CHILD_REJECTED.equals(reason);
  }

  public boolean ok() {
    return reason == null;
  }
}
