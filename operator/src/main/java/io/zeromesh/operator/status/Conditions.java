package io.zeromesh.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Condition types and reasons, and the merge that keeps lastTransitionTime. */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String WORKERS_READY = "WorkersReady";

  public static final String REASON_AVAILABLE = "Available";
  public static final String REASON_PROGRESSING = "Progressing";
  public static final String REASON_DEVICE_UNAVAILABLE = "DeviceUnavailable";
  public static final String REASON_INVALID_SPEC = "InvalidSpec";
  public static final String REASON_REFERENCE_NOT_FOUND = "ReferenceNotFound";
  public static final String REASON_CHILD_REJECTED = "ChildRejected";

  private Conditions() {}

  public static Condition condition(
      String type, boolean status, String reason, String message, long generation) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .build();
  }

  /** The condition of the given type, if any. */
  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /**
   * The next conditions: each keeps the previous lastTransitionTime when its status did not flip,
   * and takes {@code now} when it did or is new.
   */
  public static List<Condition> merge(List<Condition> previous, List<Condition> next, String now) {
    List<Condition> merged = new ArrayList<>();
    for (Condition c : next) {
      String since =
          find(previous, c.getType())
              .filter(p -> Objects.equals(p.getStatus(), c.getStatus()))
              .map(Condition::getLastTransitionTime)
              .orElse(now);
      merged.add(new ConditionBuilder(c).withLastTransitionTime(since).build());
    }
    return merged;
  }
}
