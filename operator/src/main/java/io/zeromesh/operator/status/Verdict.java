package io.zeromesh.operator.status;

/**
 * What the reconciler concluded about the spec before touching children.
 *
 * @param reason null when the spec is valid and its references resolve, else InvalidSpec or
 *     ReferenceNotFound
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

  public boolean ok() {
    return reason == null;
  }
}
