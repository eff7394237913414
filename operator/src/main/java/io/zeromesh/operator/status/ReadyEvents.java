package io.zeromesh.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Which Kubernetes Event a change of the Ready condition deserves; none when nothing changed. */
public final class ReadyEvents {
  /** An event to record: type Normal or Warning, a reason, a message. */
  public record EventSpec(String type, String reason, String message) {}

  private ReadyEvents() {}

  public static Optional<EventSpec> between(List<Condition> before, List<Condition> after) {
    Optional<Condition> previous = Conditions.find(before, Conditions.READY);
    Condition next = Conditions.find(after, Conditions.READY).orElse(null);
    if (next == null) {
      return Optional.empty();
    }
    boolean same =
        previous
            .map(
                p ->
                    Objects.equals(p.getStatus(), next.getStatus())
                        && Objects.equals(p.getReason(), next.getReason()))
            .orElse(false);
    if (same || Conditions.REASON_PROGRESSING.equals(next.getReason())) {
      return Optional.empty();
    }
    if ("True".equals(next.getStatus())) {
      return Optional.of(new EventSpec("Normal", "Ready", next.getMessage()));
    }
    return Optional.of(new EventSpec("Warning", next.getReason(), next.getMessage()));
  }
}
