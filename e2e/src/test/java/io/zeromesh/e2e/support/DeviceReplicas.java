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
