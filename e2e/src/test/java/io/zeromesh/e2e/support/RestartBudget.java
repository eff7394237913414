package io.zeromesh.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a device restart may cost its clients, derived from how long the restart took in this run.
 *
 * <p>The restart is measured on the cluster's clocks, from the moment the API server accepted the
 * deletion of the device pod ({@code deletionTimestamp - deletionGracePeriodSeconds}) to the {@code
 * Ready} condition of the pod that replaced it ({@code lastTransitionTime}). Both are whole
 * seconds, so the span may be up to one second short. After the new pod is Ready, traffic needs the
 * Service to route to it (endpoints, kube-proxy rules) and the clients to reconnect: ZeroMQ retries
 * a connection every reconnect interval (JeroMQ's {@code ZMQ_RECONNECT_IVL}, 100 ms; the probe sets
 * none, so no backoff). So traffic stops for at most
 *
 * <pre>outage = restart + 1 s (timestamp resolution) + 2 s (routing) + 100 ms (reconnect)</pre>
 *
 * <ul>
 *   <li>pub-sub: what the publisher sends while no subscription reaches it is dropped (ZeroMQ keeps
 *       nothing for absent subscribers): {@code lost <= ceil(rate × outage)};
 *   <li>request-reply with lazy-pirate retries: one request is in flight at a time and is resent
 *       after each request timeout without a reply: {@code resent <= ceil(outage / timeout) + 1}
 *       (the +1: a retry that went out just before the route came back may still time out while its
 *       fresh socket connects).
 * </ul>
 *
 * A restart over {@link #MAX_RESTART} fails the case itself: the budget would no longer bound
 * anything worth knowing.
 */
public final class RestartBudget {
  /** JeroMQ's default ZMQ_RECONNECT_IVL (the probe and the devices leave it). */
  public static final Duration RECONNECT_INTERVAL = Duration.ofMillis(100);

  /** Pod timestamps and condition times are whole seconds. */
  public static final Duration TIMESTAMP_RESOLUTION = Duration.ofSeconds(1);

  /**
   * From the new pod's Ready to packets reaching it through the Service: the endpoints controller,
   * then kube-proxy's rules (its minimum sync period is 1 s), on a loaded two-core node.
   */
  public static final Duration ROUTING = Duration.ofSeconds(2);

  /**
   * From a replaced replica's Ready to the peers of its own address (workers, publishers, a
   * subscriber of {@code backendReplicas[i]}) connected to it again: the name appears in DNS with
   * the new pod IP ({@link #ROUTING}: endpoints, the cluster DNS); the probe's JVM may still hold
   * the old answer ({@link #JVM_DNS_TTL}); a connect pending to the old IP is given up after the
   * probe's {@code --connect-timeout-ms} ({@link #CONNECT_TIMEOUT}) and made again to a fresh
   * resolution; the fresh connection may stall once in its handshake (JeroMQ, {@link
   * #HANDSHAKE_STALL}); the suite polls the metric every 500 ms through the API (1.5 s); Ready is a
   * whole second ({@link #TIMESTAMP_RESOLUTION}). Without the bound on a pending connect this was
   * about 127 s (the kernel's SYN retries): e2e/README.md, replicated devices.
   */
  public static final Duration JVM_DNS_TTL = Duration.ofSeconds(5);

  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  public static final Duration HANDSHAKE_STALL = Duration.ofSeconds(3);
  public static final Duration REJOIN =
      ROUTING
          .plus(JVM_DNS_TTL)
          .plus(CONNECT_TIMEOUT)
          .plus(HANDSHAKE_STALL)
          .plus(Duration.ofMillis(1500))
          .plus(TIMESTAMP_RESOLUTION);

  /** A device pod replaced within this on a one-node cluster; slower fails the case. */
  public static final Duration MAX_RESTART = Duration.ofSeconds(30);

  private RestartBudget() {}

  /** The longest time traffic may stop for a restart that took {@code restart}. */
  public static Duration outage(Duration restart) {
    return restart.plus(TIMESTAMP_RESOLUTION).plus(ROUTING).plus(RECONNECT_INTERVAL);
  }

  /** Messages a publisher at {@code ratePerSecond} may lose across the restart. */
  public static long lossBudget(double ratePerSecond, Duration restart) {
    return (long) Math.ceil(ratePerSecond * outage(restart).toMillis() / 1000.0);
  }

  /** Resent requests a lazy-pirate client with {@code requestTimeout} may need across it. */
  public static long resendBudget(Duration requestTimeout, Duration restart) {
    long timeoutMs = requestTimeout.toMillis();
    return (outage(restart).toMillis() + timeoutMs - 1) / timeoutMs + 1;
  }

  /** When the API server accepted the pod's deletion, from the pod as read after it. */
  public static Optional<Instant> deletionAccepted(Pod deleted) {
    if (deleted == null || deleted.getMetadata().getDeletionTimestamp() == null) {
      return Optional.empty();
    }
    long grace =
        deleted.getMetadata().getDeletionGracePeriodSeconds() == null
            ? 0
            : deleted.getMetadata().getDeletionGracePeriodSeconds();
    return Optional.of(
        Instant.parse(deleted.getMetadata().getDeletionTimestamp()).minusSeconds(grace));
  }

  /** When the pod last became Ready, if it is. */
  public static Optional<Instant> readySince(Pod pod) {
    return pod.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
        .map(PodCondition::getLastTransitionTime)
        .filter(t -> t != null)
        .map(Instant::parse)
        .findFirst();
  }

  /**
   * The restart: deletion accepted (else, when the old pod was already gone when read, the
   * replacement's creation, which the ReplicaSet controller makes right after) to the replacement
   * Ready.
   */
  public static Duration restart(Optional<Instant> deletionAccepted, Pod replacement) {
    Instant from =
        deletionAccepted.orElseGet(
            () -> Instant.parse(replacement.getMetadata().getCreationTimestamp()));
    Instant ready =
        readySince(replacement)
            .orElseThrow(
                () ->
                    new AssertionError(
                        "replacement pod "
                            + replacement.getMetadata().getName()
                            + " is not Ready"));
    return Duration.between(from, ready);
  }
}
