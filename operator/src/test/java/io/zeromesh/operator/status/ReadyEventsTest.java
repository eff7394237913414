package io.zeromesh.operator.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.operator.status.ReadyEvents.EventSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadyEventsTest {
  private static List<io.fabric8.kubernetes.api.model.Condition> ready(
      boolean status, String reason, String message) {
    return List.of(Conditions.condition(Conditions.READY, status, reason, message, 1));
  }

  @Test
  void becomingReadyIsANormalEvent() {
    assertEquals(
        Optional.of(new EventSpec("Normal", "Ready", "up")),
        ReadyEvents.between(ready(false, "Progressing", "x"), ready(true, "Available", "up")));
  }

  @Test
  void invalidSpecAndMissingReferencesAreWarnings() {
    assertEquals(
        Optional.of(new EventSpec("Warning", "InvalidSpec", "spec.a: bad")),
        ReadyEvents.between(null, ready(false, "InvalidSpec", "spec.a: bad")));
    assertEquals(
        Optional.of(new EventSpec("Warning", "ReferenceNotFound", "gone")),
        ReadyEvents.between(
            ready(true, "Available", "up"), ready(false, "ReferenceNotFound", "gone")));
  }

  @Test
  void nothingWhenNothingChangedOrWhileProgressing() {
    assertTrue(
        ReadyEvents.between(ready(true, "Available", "up"), ready(true, "Available", "up"))
            .isEmpty());
    assertTrue(
        ReadyEvents.between(ready(false, "InvalidSpec", "a"), ready(false, "InvalidSpec", "b"))
            .isEmpty());
    assertTrue(ReadyEvents.between(null, ready(false, "Progressing", "creating")).isEmpty());
  }
}
