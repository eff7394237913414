package io.zeromesh.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.zeromesh.e2e.support.CaseNamespace;
import io.zeromesh.e2e.support.Devices;
import io.zeromesh.e2e.support.E2eSettings;
import io.zeromesh.e2e.support.LeaderElection;
import io.zeromesh.e2e.support.Step;
import io.zeromesh.e2e.support.Workers;
import io.zeromesh.e2e.support.ZeroMeshE2e;
import io.zeromesh.e2e.support.ZeroMeshOperator;
import io.zeromesh.e2e.support.ZmqKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Leader election, proven: two operator replicas share the Lease; the leader pod is deleted while
 * it is in the middle of a change; the standby takes the Lease over within the lease duration (plus
 * one jittered retry, {@link LeaderElection}) and no earlier than the Lease expired, finishes the
 * change, and goes on reconciling as the leader.
 *
 * <p>Runs last: it leaves the release at two replicas (the run uninstalls it afterwards).
 */
@ZeroMeshE2e
@Order(8)
class LeaderElectionE2eTest {
  private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(90);
  private static final Duration CHANGE_DONE = Duration.ofMinutes(3);

  @RegisterExtension final CaseNamespace ns = new CaseNamespace();

  @Test
  void standbyTakesOverTheLeaseAndFinishesTheChange() {
    ZeroMeshOperator.upgrade(LeaderElection.VALUES);
    List<String> replicas = awaitOperatorPods(2);
    LeaderElection.Record first = awaitLeaderAmong(replicas);
    String leader = first.holder();
    String standby = replicas.stream().filter(p -> !p.equals(leader)).findFirst().orElseThrow();
    Step.log("leader %s (lease %s), standby %s", leader, first, standby);

    ns.devices()
        .create(
            ZmqKind.BROKER,
            "lead",
            Map.of(
                "workers",
                Map.of(
                    "replicas",
                    1,
                    "template",
                    Workers.asMap(
                        Workers.probeTemplate(
                            "rep", "--endpoint", "$(ZEROMESH_BROKER)", "--count", "0")))));
    ns.devices().awaitReady(ZmqKind.BROKER, "lead", Duration.ofMinutes(3));
    ns.devices().awaitPods(ZmqKind.BROKER, "lead", true, 1, Duration.ofMinutes(2));

    // The change: 1 -> 3 workers. Once the leader has begun it (the worker Deployment asks for 3),
    // and before it can have seen the new workers ready, its pod is deleted.
    ns.devices().patchSpec(ZmqKind.BROKER, "lead", Map.of("workers", Map.of("replicas", 3)));
    await("the leader begins the change (worker Deployment at 3 replicas)")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () ->
                ns.devices()
                    .workerDeploymentReplicas(ZmqKind.BROKER, "lead")
                    .map(r -> r == 3)
                    .orElse(false));
    GenericKubernetesResource midway = ns.devices().get(ZmqKind.BROKER, "lead");
    Step.log(
        "delete the leader pod %s mid-way: generation %s, status %s",
        leader, midway.getMetadata().getGeneration(), Devices.status(midway).get("workers"));
    ns.kube().pods().inNamespace(E2eSettings.operatorNamespace()).withName(leader).delete();

    // The Lease as the old leader left it (its last renewal), then as the standby took it.
    AtomicReference<LeaderElection.Record> lastOfOld = new AtomicReference<>(first);
    AtomicReference<LeaderElection.Record> taken = new AtomicReference<>();
    await("another operator pod holds the Lease")
        .atMost(TAKEOVER_BOUND)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () -> {
              Optional<LeaderElection.Record> now = lease();
              if (now.isEmpty()) {
                return false;
              }
              if (now.get().holder().equals(leader)) {
                lastOfOld.set(now.get());
                return false;
              }
              taken.set(now.get());
              return true;
            });
    LeaderElection.Record old = lastOfOld.get();
    LeaderElection.Record now = taken.get();
    Instant earliest = LeaderElection.earliestTakeover(old);
    Instant latest = LeaderElection.latestTakeover(old);
    Step.log(
        "lease taken by %s at %s: %s after the old leader's last renewal at %s (lease %s;"
            + " allowed %s .. %s)",
        now.holder(),
        now.acquireTime(),
        Duration.between(old.renewTime(), now.acquireTime()),
        old.renewTime(),
        old.leaseDuration(),
        earliest,
        latest);
    // Whichever live replica retries first after the expiry wins: the standby, or the pod the
    // Deployment started in place of the deleted leader if it was up by then (seen in a run on
    // the local cluster: the replacement was ready within the 15 s).
    List<String> alive =
        ZeroMeshOperator.pods(ns.kube()).stream().map(p -> p.getMetadata().getName()).toList();
    assertNotEquals(leader, now.holder(), "the deleted leader does not hold the Lease");
    assertTrue(
        alive.contains(now.holder()),
        () -> "the Lease is held by " + now.holder() + ", not a live operator pod " + alive);
    String successor = now.holder();
    Step.log(
        "new leader %s: %s",
        successor, successor.equals(standby) ? "the standby" : "the Deployment's replacement pod");
    assertEquals(old.transitions() + 1, now.transitions(), "one leader transition");
    assertTrue(
        !now.acquireTime().isBefore(earliest),
        () -> "the standby took the Lease before it expired (two leaders): " + old + " -> " + now);
    assertTrue(
        !now.acquireTime().isAfter(latest),
        () ->
            "the standby took the Lease later than the lease duration allows: "
                + old
                + " -> "
                + now);

    // The new leader finishes the change: Ready, this generation observed, 3 workers ready.
    GenericKubernetesResource done = awaitWorkers("lead", 3);
    Step.log(
        "change finished by the new leader: generation %s, workers %s",
        done.getMetadata().getGeneration(), Devices.status(done).get("workers"));
    // ... and keeps reconciling as the leader: a change made only after the takeover.
    ns.devices().patchSpec(ZmqKind.BROKER, "lead", Map.of("workers", Map.of("replicas", 2)));
    GenericKubernetesResource after = awaitWorkers("lead", 2);
    Step.log(
        "a change after the takeover: generation %s, workers %s",
        after.getMetadata().getGeneration(), Devices.status(after).get("workers"));
    assertEquals(
        successor, lease().map(LeaderElection.Record::holder).orElse(null), "leader at the end");
  }

  /** Ready on the current generation with exactly {@code count} ready workers, in status too. */
  private GenericKubernetesResource awaitWorkers(String name, int count) {
    ns.devices().awaitPods(ZmqKind.BROKER, name, true, count, CHANGE_DONE);
    AtomicReference<GenericKubernetesResource> seen = new AtomicReference<>();
    await("%s Ready with %d ready workers on its current generation".formatted(name, count))
        .atMost(CHANGE_DONE)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              GenericKubernetesResource r = ns.devices().get(ZmqKind.BROKER, name);
              seen.set(r);
              Map<String, Object> status = Devices.status(r);
              Object observed = status.get("observedGeneration");
              return observed instanceof Number n
                  && n.longValue() == r.getMetadata().getGeneration()
                  && Devices.condition(r, "Ready")
                      .map(c -> "True".equals(c.get("status")))
                      .orElse(false)
                  && status.get("readyReplicas") instanceof Number ready
                  && ready.intValue() == count;
            });
    return seen.get();
  }

  private Optional<LeaderElection.Record> lease() {
    return LeaderElection.Record.of(
        ns.kube()
            .leases()
            .inNamespace(E2eSettings.operatorNamespace())
            .withName(LeaderElection.LEASE)
            .get());
  }

  /** The operator pods once exactly {@code count} run and are ready, by name. */
  private List<String> awaitOperatorPods(int count) {
    AtomicReference<List<String>> names = new AtomicReference<>(List.of());
    await("%d ready operator pods".formatted(count))
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              List<Pod> pods = ZeroMeshOperator.pods(ns.kube());
              names.set(pods.stream().map(p -> p.getMetadata().getName()).sorted().toList());
              return pods.size() == count
                  && pods.stream()
                      .allMatch(
                          p ->
                              p.getMetadata().getDeletionTimestamp() == null
                                  && p.getStatus().getConditions().stream()
                                      .anyMatch(
                                          c ->
                                              "Ready".equals(c.getType())
                                                  && "True".equals(c.getStatus())));
            });
    Step.log("operator pods: %s", names.get());
    return names.get();
  }

  /** The Lease once it is held by one of {@code pods} (and renewed since the upgrade). */
  private LeaderElection.Record awaitLeaderAmong(List<String> pods) {
    AtomicReference<LeaderElection.Record> seen = new AtomicReference<>();
    await("the Lease held by one of " + pods)
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              seen.set(lease().orElse(null));
              return seen.get() != null && pods.contains(seen.get().holder());
            });
    assertNotEquals(null, seen.get());
    return seen.get();
  }
}
