package io.zeromesh.e2e.support;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * The replicas of a replicated device ({@code spec.deviceReplicas} > 1): the StatefulSet's pods
 * {@code <name>-<k>-<i>}, their metrics one by one, and the replacement of one of them.
 */
public final class DeviceReplicas {
  private final CaseNamespace ns;
  private final ZmqKind kind;
  private final String name;

  public DeviceReplicas(CaseNamespace ns, ZmqKind kind, String name) {
    this.ns = ns;
    this.kind = kind;
    this.name = name;
  }

  /** Waits until exactly {@code replicas} device pods run and are Ready; their names, sorted. */
  public List<String> awaitReady(int replicas, Duration atMost) {
    return ns.devices().awaitPods(kind, name, false, replicas, atMost).stream()
        .map(p -> p.getMetadata().getName())
        .sorted()
        .toList();
  }

  /** The metrics of one replica, by its pod name. */
  public DeviceMetrics metrics(String pod) {
    return DeviceMetrics.ofReplica(ns, kind, name, pod);
  }

  /** A metric's current value on each of the given replicas, in their order. */
  public Map<String, Double> values(List<String> pods, String metric, Map<String, String> labels) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (String pod : pods) {
      values.put(pod, metrics(pod).value(metric, labels));
    }
    return values;
  }

  /**
   * Waits until a metric's values over the given replicas, taken together, satisfy {@code
   * condition} (a sum, or each one); returns them.
   */
  public Map<String, Double> awaitValues(
      List<String> pods,
      String metric,
      Map<String, String> labels,
      String expected,
      Predicate<Map<String, Double>> condition,
      Duration atMost) {
    Step.log(
        "wait up to %ss for %s%s %s over the replicas %s of %s/%s",
        atMost.toSeconds(), metric, labels, expected, pods, kind.kind(), name);
    AtomicReference<Map<String, Double>> last = new AtomicReference<>(Map.of());
    await("%s%s %s over %s".formatted(metric, labels, expected, pods))
        .atMost(atMost)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              last.set(values(pods, metric, labels));
              return condition.test(last.get());
            });
    Step.log("%s%s per replica: %s", metric, labels, last.get());
    return last.get();
  }

  /** The sum of the values, for conditions over all replicas. */
  public static double sum(Map<String, Double> values) {
    return values.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /**
   * The replica a per-replica endpoint addresses: {@code
   * tcp://<pod>.<name>-<k>-pods.<ns>.svc:<port>} (status {@code frontendReplicas} / {@code
   * backendReplicas}) names its pod first.
   */
  public static String podOf(String endpoint, List<String> pods) {
    String host = endpoint.replaceFirst("^[a-z]+://", "");
    return pods.stream()
        .filter(p -> host.startsWith(p + "."))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no replica of " + pods + " at " + endpoint));
  }

  /**
   * One replica through a rolling change: when the API server accepted its old pod's deletion
   * (empty when the old pod was gone before a poll saw it go), its replacement, when that was
   * Ready, and when its peers were back on it (a poll of the test's clock: an upper bound).
   */
  public record Rolled(
      String pod,
      Optional<Instant> deletionAccepted,
      Instant notBefore,
      Pod replacement,
      Instant ready,
      Instant back) {
    /**
     * When the replica went, or a time surely before: its deletion when a poll saw it, else the
     * change (the first) or the previous replica's Ready (the StatefulSet deletes one only after
     * the one before is Ready again).
     */
    public Instant went() {
      return deletionAccepted.orElse(notBefore);
    }

    /** From the deletion to the replacement's Ready ({@link RestartBudget#restart}). */
    public Duration restart() {
      return RestartBudget.restart(deletionAccepted, replacement);
    }

    /**
     * From the replacement's Ready to its peers back on it (whole-second Ready: up to 1 s more).
     */
    public Duration rejoin() {
      Duration d = Duration.between(ready, back);
      return d.isNegative() ? Duration.ZERO : d;
    }

    @Override
    public String toString() {
      return pod
          + ": restart "
          + restart()
          + ", Ready "
          + ready
          + ", peers back "
          + rejoin()
          + " after";
    }
  }

  /** A rolling change followed to its end: when it was made and done, and each replica's part. */
  public record Roll(Instant changed, Instant done, List<Rolled> rolled) {
    /** From the change to the last replica's peers back. */
    public Duration took() {
      return Duration.between(changed, done);
    }

    /**
     * Asserts the roll was done while the traffic (begun at {@code trafficFrom}, lasting {@code
     * traffic}) still ran, so that it was a change under traffic, and that each replacement had its
     * {@code peers} back within {@link RestartBudget#REJOIN} of its Ready.
     */
    public void assertUnderTrafficAndRejoined(
        Instant trafficFrom, Duration traffic, String trafficName, String peers) {
      if (!done.isBefore(trafficFrom.plus(traffic))) {
        throw new AssertionError(
            "the roll ended "
                + done
                + ", after "
                + trafficName
                + " ("
                + traffic
                + " from "
                + trafficFrom
                + "): not a change under traffic");
      }
      for (Rolled r : rolled) {
        if (r.rejoin().compareTo(RestartBudget.REJOIN) > 0) {
          throw new AssertionError(
              peers
                  + " back on "
                  + r.pod()
                  + " "
                  + r.rejoin()
                  + " after its Ready, over "
                  + RestartBudget.REJOIN);
        }
      }
    }
  }

  /**
   * Patches the device's spec with {@code change}, which rolls the replicas {@code pods}, and
   * follows the roll to its end ({@link #awaitRolled}: each replaced, Ready, and {@code
   * metric}{@code labels} back to {@code peers} on it).
   */
  public Roll change(
      List<String> pods,
      Map<String, Object> change,
      String metric,
      Map<String, String> labels,
      double peers,
      Duration atMost) {
    Map<String, String> before = uids(pods);
    Instant changed = Instant.now();
    ns.devices().patchSpec(kind, name, change);
    List<Rolled> rolled = awaitRolled(before, changed, metric, labels, peers, atMost);
    return new Roll(changed, Instant.now(), rolled);
  }

  /** The uid of each replica's pod now: call before the change, hand to {@link #awaitRolled}. */
  public Map<String, String> uids(List<String> pods) {
    Map<String, String> uids = new LinkedHashMap<>();
    for (String pod : pods) {
      Pod p = ns.kube().pods().inNamespace(ns.name()).withName(pod).get();
      if (p == null) {
        throw new AssertionError("no replica pod " + pod + " of " + kind.kind() + "/" + name);
      }
      uids.put(pod, p.getMetadata().getUid());
    }
    return uids;
  }

  /**
   * Follows a rolling change of the replicas whose pods had {@code before} (pod -> uid): polls
   * every 500 ms until each pod was replaced, its replacement is Ready, and {@code metric}{@code
   * labels} on the replacement reached {@code peers} (its peers are back); fails after {@code
   * atMost}, or when a replacement took over {@link RestartBudget#MAX_RESTART}. In the order the
   * pods were replaced.
   */
  public List<Rolled> awaitRolled(
      Map<String, String> before,
      Instant changed,
      String metric,
      Map<String, String> labels,
      double peers,
      Duration atMost) {
    Step.log(
        "follow the rolling change of %s/%s %s: each replaced, Ready, and %s%s >= %s on it",
        kind.kind(), name, before.keySet(), metric, labels, peers);
    Map<String, Instant> accepted = new LinkedHashMap<>();
    Map<String, Pod> replacements = new LinkedHashMap<>();
    List<Rolled> rolled = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + atMost.toNanos();
    while (rolled.size() < before.size()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "rolling change of "
                + kind.kind()
                + "/"
                + name
                + " not done within "
                + atMost
                + ": rolled "
                + rolled
                + ", deletions seen "
                + accepted
                + ", replacements Ready "
                + replacements.keySet());
      }
      for (Map.Entry<String, String> e : before.entrySet()) {
        String pod = e.getKey();
        if (rolled.stream().anyMatch(r -> r.pod().equals(pod))) {
          continue;
        }
        Pod current;
        try {
          current = ns.kube().pods().inNamespace(ns.name()).withName(pod).get();
        } catch (RuntimeException apiHiccup) {
          continue;
        }
        if (current == null) {
          continue;
        }
        boolean old = e.getValue().equals(current.getMetadata().getUid());
        if (old) {
          if (!accepted.containsKey(pod)) {
            RestartBudget.deletionAccepted(current)
                .ifPresent(
                    at -> {
                      accepted.put(pod, at);
                      Step.log("replica %s going (deletion accepted %s)", pod, at);
                    });
          }
          continue;
        }
        if (current.getMetadata().getDeletionTimestamp() != null
            || RestartBudget.readySince(current).isEmpty()) {
          continue;
        }
        if (replacements.put(pod, current) == null) {
          Step.log(
              "replica %s replaced (uid %s), Ready %s",
              pod, current.getMetadata().getUid(), RestartBudget.readySince(current).orElseThrow());
        }
        double now;
        try {
          now = metrics(pod).value(metric, labels);
        } catch (RuntimeException notYet) {
          continue;
        }
        if (now >= peers) {
          Instant notBefore =
              rolled.stream().map(Rolled::ready).max(Instant::compareTo).orElse(changed);
          Rolled r =
              new Rolled(
                  pod,
                  Optional.ofNullable(accepted.get(pod)),
                  notBefore,
                  current,
                  RestartBudget.readySince(current).orElseThrow(),
                  Instant.now());
          Step.log("replica %s rolled: %s (%s%s = %s)", pod, r, metric, labels, now);
          if (r.restart().compareTo(RestartBudget.MAX_RESTART) > 0) {
            throw new AssertionError(
                "replica " + pod + " took " + r.restart() + ", over " + RestartBudget.MAX_RESTART);
          }
          rolled.add(r);
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new AssertionError(ie);
      }
    }
    return rolled;
  }

  /**
   * Waits until {@code metric}{@code labels} on the replaced replica {@code pod} reaches {@code
   * peers} (its peers are back) and returns how long after {@code ready} that was; fails over
   * {@link RestartBudget#REJOIN}.
   */
  public Duration awaitRejoin(
      String pod, Instant ready, String metric, Map<String, String> labels, double peers) {
    Duration bound = RestartBudget.REJOIN;
    Step.log(
        "wait for %s%s >= %s on the replaced %s (within %s of its Ready)",
        metric, labels, peers, pod, bound);
    await("peers back on " + pod)
        .atMost(bound.plusSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> metrics(pod).value(metric, labels) >= peers);
    Duration rejoin = Duration.between(ready, Instant.now());
    Step.log("peers back on %s %s after its Ready (bound %s)", pod, rejoin, bound);
    if (rejoin.compareTo(bound) > 0) {
      throw new AssertionError(
          "the peers of " + pod + " came back " + rejoin + " after its Ready, over " + bound);
    }
    return rejoin;
  }

  /** A replica replaced: how long it took ({@link RestartBudget#restart}) and when it was Ready. */
  public record Replacement(String pod, Duration restart, Instant ready) {}

  /**
   * Deletes one replica's pod and waits until the StatefulSet's replacement (same name, another
   * uid) is Ready; returns how long that took on the cluster's clocks ({@link
   * RestartBudget#restart}) and fails over {@link RestartBudget#MAX_RESTART}.
   */
  public Replacement replace(String pod, Duration atMost) {
    Pod old = ns.kube().pods().inNamespace(ns.name()).withName(pod).get();
    if (old == null) {
      throw new AssertionError("no replica pod " + pod + " of " + kind.kind() + "/" + name);
    }
    String oldUid = old.getMetadata().getUid();
    Step.log("delete replica pod %s (uid %s) in the middle of traffic", pod, oldUid);
    ns.kube().pods().inNamespace(ns.name()).withName(pod).delete();
    Optional<Instant> accepted =
        RestartBudget.deletionAccepted(ns.kube().pods().inNamespace(ns.name()).withName(pod).get());
    AtomicReference<Pod> replacement = new AtomicReference<>();
    await("replica " + pod + " replaced and Ready")
        .atMost(atMost)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              Pod current = ns.kube().pods().inNamespace(ns.name()).withName(pod).get();
              replacement.set(current);
              return current != null
                  && !oldUid.equals(current.getMetadata().getUid())
                  && current.getMetadata().getDeletionTimestamp() == null
                  && RestartBudget.readySince(current).isPresent();
            });
    Duration restart = RestartBudget.restart(accepted, replacement.get());
    Step.log(
        "replica %s replaced (uid %s): deletion accepted %s, replacement Ready %s: restart %s",
        pod,
        replacement.get().getMetadata().getUid(),
        accepted.map(Instant::toString).orElse("(not seen; from the replacement's creation)"),
        RestartBudget.readySince(replacement.get()).orElseThrow(),
        restart);
    if (restart.compareTo(RestartBudget.MAX_RESTART) > 0) {
      throw new AssertionError(
          "replica " + pod + " took " + restart + " to restart, over " + RestartBudget.MAX_RESTART);
    }
    return new Replacement(pod, restart, RestartBudget.readySince(replacement.get()).orElseThrow());
  }
}
