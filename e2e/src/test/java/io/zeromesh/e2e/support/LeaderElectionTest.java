package io.zeromesh.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {
  @Test
  void readsTheLeaseAsTheOperatorWritesIt() {
    Lease lease =
        new LeaseBuilder()
            .withNewSpec()
            .withHolderIdentity("zeromesh-e2e-zeromesh-operator-6d9f-abcde")
            .withAcquireTime(ZonedDateTime.parse("2026-12-03T09:00:00.123456Z"))
            .withRenewTime(ZonedDateTime.parse("2026-12-03T09:00:42.500000Z"))
            .withLeaseDurationSeconds(15)
            .withLeaseTransitions(3)
            .endSpec()
            .build();
    LeaderElection.Record r = LeaderElection.Record.of(lease).orElseThrow();
    assertEquals("zeromesh-e2e-zeromesh-operator-6d9f-abcde", r.holder());
    assertEquals(Instant.parse("2026-12-03T09:00:00.123456Z"), r.acquireTime());
    assertEquals(Instant.parse("2026-12-03T09:00:42.500Z"), r.renewTime());
    assertEquals(Duration.ofSeconds(15), r.leaseDuration());
    assertEquals(3, r.transitions());
    assertTrue(
        LeaderElection.Record.of(new LeaseBuilder().withNewSpec().endSpec().build()).isEmpty());
    assertTrue(LeaderElection.Record.of(null).isEmpty());
  }

  /** Renewed last at :42.5, 15 s lease: from :57.4 (clock tolerance) to :57.5 + 4.4 s + 1 s. */
  @Test
  void takeoverWindowIsTheLeaseDurationPlusOneJitteredRetry() {
    LeaderElection.Record last =
        new LeaderElection.Record(
            "old",
            Instant.parse("2026-12-03T09:00:00Z"),
            Instant.parse("2026-12-03T09:00:42.500Z"),
            Duration.ofSeconds(15),
            0);
    assertEquals(Instant.parse("2026-12-03T09:00:57.400Z"), LeaderElection.earliestTakeover(last));
    assertEquals(Instant.parse("2026-12-03T09:01:02.900Z"), LeaderElection.latestTakeover(last));
  }
}
