package io.zeromesh.e2e.support;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's leader election as the suite checks it: the chart values that run two replicas,
 * the Lease they share, and when a standby may and must take it over.
 *
 * <p>The operator (JOSDK 5 over fabric8's {@code LeaderElector}) holds the Lease {@code
 * zeromesh-operator-lock} in its namespace under its pod name ({@code HOSTNAME}), renews it every
 * retry period (2 s), lease duration 15 s, and does not release it when it stops. A standby tries
 * every retry period plus a random jitter of up to 1.2 times that, and takes the Lease only once
 * {@code renewTime + leaseDuration} has passed. So after the leader's last renewal the standby
 * holds the Lease no earlier than one lease duration and no later than one lease duration plus
 * {@code 2 s × 2.2} (plus one API round trip).
 */
public final class LeaderElection {
  /** Chart values: two operator pods, leader election on (chart values.yaml). */
  public static final Map<String, String> VALUES =
      Map.of("replicaCount", "2", "leaderElection.enabled", "true");

  /** The Lease's name (chart values.yaml, {@code zeromesh.leader-election-lease}). */
  public static final String LEASE = "zeromesh-operator-lock";

  /** fabric8 LeaderElector's retry period as JOSDK configures it (its default, 2 s). */
  public static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

  /** fabric8 LeaderElector.JITTER_FACTOR: each retry waits the period plus up to 1.2 times it. */
  public static final double JITTER_FACTOR = 1.2;

  /** One Lease update (read, then write) on a loaded two-core node. */
  public static final Duration API_ROUND_TRIP = Duration.ofSeconds(1);

  /** Timestamps of two processes on the cluster's clock; MicroTime is exact to the microsecond. */
  public static final Duration CLOCK_TOLERANCE = Duration.ofMillis(100);

  private LeaderElection() {}

  /** Holder, renew and acquire time of a Lease, as read at one moment. */
  public record Record(
      String holder,
      Instant acquireTime,
      Instant renewTime,
      Duration leaseDuration,
      int transitions) {
    public static Optional<Record> of(Lease lease) {
      LeaseSpec spec = lease == null ? null : lease.getSpec();
      if (spec == null || spec.getHolderIdentity() == null || spec.getHolderIdentity().isBlank()) {
        return Optional.empty();
      }
      return Optional.of(
          new Record(
              spec.getHolderIdentity(),
              instant(spec.getAcquireTime()),
              instant(spec.getRenewTime()),
              Duration.ofSeconds(
                  spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds()),
              spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions()));
    }
  }

  /** The earliest moment a standby may hold the Lease after the leader renewed it last. */
  public static Instant earliestTakeover(Record lastOfOldLeader) {
    return lastOfOldLeader.renewTime().plus(lastOfOldLeader.leaseDuration()).minus(CLOCK_TOLERANCE);
  }

  /** The latest: expiry, plus the longest retry wait with jitter, plus one API round trip. */
  public static Instant latestTakeover(Record lastOfOldLeader) {
    Duration longestRetry =
        Duration.ofMillis(Math.round(RETRY_PERIOD.toMillis() * (1 + JITTER_FACTOR)));
    return lastOfOldLeader
        .renewTime()
        .plus(lastOfOldLeader.leaseDuration())
        .plus(longestRetry)
        .plus(API_ROUND_TRIP);
  }

  private static Instant instant(ZonedDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
