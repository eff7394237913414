package io.zeromesh.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestartBudgetTest {
  @Test
  void outageIsTheRestartPlusResolutionRoutingAndOneReconnect() {
    assertEquals(Duration.ofMillis(7_100), RestartBudget.outage(Duration.ofSeconds(4)));
  }

  /** 50 msg/s, a 4 s restart: 7.1 s of outage, 355 messages. */
  @Test
  void lossBudgetIsThePublishRateTimesTheOutageRoundedUp() {
    assertEquals(355, RestartBudget.lossBudget(50, Duration.ofSeconds(4)));
    assertEquals(356, RestartBudget.lossBudget(50, Duration.ofMillis(4_001)));
    assertEquals(155, RestartBudget.lossBudget(50, Duration.ZERO)); // 3.1 s
    assertEquals(0, RestartBudget.lossBudget(0, Duration.ofSeconds(4)));
  }

  /** 2.5 s request timeout, 7.1 s outage: 3 timeouts cover it, plus the one in flight. */
  /** Routing 2 s + the JVM's 5 s + a 3 s connect timeout + a 3 s stall + polling + resolution. */
  @Test
  void rejoinBoundIsTheSumOfWhatAReplicasPeersWaitFor() {
    assertEquals(Duration.ofMillis(15_500), RestartBudget.REJOIN);
  }

  @Test
  void resendBudgetIsTimeoutsCoveringTheOutagePlusOne() {
    assertEquals(4, RestartBudget.resendBudget(Duration.ofMillis(2_500), Duration.ofSeconds(4)));
    // 7.5 s outage: exactly 3 timeouts.
    assertEquals(4, RestartBudget.resendBudget(Duration.ofMillis(2_500), Duration.ofMillis(4_400)));
    assertEquals(5, RestartBudget.resendBudget(Duration.ofMillis(2_500), Duration.ofMillis(4_401)));
  }

  @Test
  void restartRunsFromTheAcceptedDeletionToTheReplacementsReady() {
    Pod deleted =
        new PodBuilder()
            .withNewMetadata()
            .withName("old")
            .withDeletionTimestamp("2026-12-03T09:00:40Z")
            .withDeletionGracePeriodSeconds(30L)
            .endMetadata()
            .build();
    Optional<Instant> accepted = RestartBudget.deletionAccepted(deleted);
    assertEquals(Optional.of(Instant.parse("2026-12-03T09:00:10Z")), accepted);
    Pod replacement = replacement("2026-12-03T09:00:11Z", "2026-12-03T09:00:16Z");
    assertEquals(Duration.ofSeconds(6), RestartBudget.restart(accepted, replacement));
    // The old pod already gone when read: from the replacement's creation.
    assertEquals(Duration.ofSeconds(5), RestartBudget.restart(Optional.empty(), replacement));
    assertEquals(Optional.empty(), RestartBudget.deletionAccepted(null));
  }

  @Test
  void aReplacementThatIsNotReadyIsAnError() {
    Pod notReady = replacement("2026-12-03T09:00:11Z", null);
    assertThrows(AssertionError.class, () -> RestartBudget.restart(Optional.empty(), notReady));
  }

  private static Pod replacement(String created, String ready) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName("new")
            .withCreationTimestamp(created)
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("True")
            .withLastTransitionTime(created)
            .endCondition()
            .endStatus();
    if (ready != null) {
      b.editStatus()
          .addNewCondition()
          .withType("Ready")
          .withStatus("True")
          .withLastTransitionTime(ready)
          .endCondition()
          .endStatus();
    }
    return b.build();
  }
}
