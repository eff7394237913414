package io.zeromesh.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.DoublePredicate;
import org.awaitility.Awaitility;

/** Waits on the metrics of a resource's device pod (admin port 8080, docs/contracts.md). */
public final class DeviceMetrics {
  public static final int ADMIN_PORT = 8080;

  private final CaseNamespace ns;
  private final ZmqKind kind;
  private final String name;

  /** One replica's pod of a replicated device, or null: the resource's single device pod. */
  private final String pod;

  public DeviceMetrics(CaseNamespace ns, ZmqKind kind, String name) {
    this(ns, kind, name, null);
  }

  private DeviceMetrics(CaseNamespace ns, ZmqKind kind, String name, String pod) {
    this.ns = ns;
    this.kind = kind;
    this.name = name;
    this.pod = pod;
  }

  /**
   * The metrics of one replica of a replicated device ({@code spec.deviceReplicas} > 1), by its pod
   * name: a StatefulSet's pod keeps its name when it is replaced, so the waits follow the replica,
   * whichever pod currently holds the name.
   */
  public static DeviceMetrics ofReplica(CaseNamespace ns, ZmqKind kind, String name, String pod) {
    return new DeviceMetrics(ns, kind, name, pod);
  }

  /** The current value of a metric on the (single) device pod, or on this one replica. */
  public double value(String metric, Map<String, String> labels) {
    if (pod != null) {
      return Metrics.value(ns.metrics().scrape(pod, ADMIN_PORT), metric, labels);
    }
    List<Pod> pods = ns.devices().pods(kind, name, false);
    if (pods.size() != 1) {
      throw new AssertionError(
          "expected one running device pod of "
              + kind.kind()
              + "/"
              + name
              + ", found "
              + pods.size());
    }
    String text = ns.metrics().scrape(pods.get(0).getMetadata().getName(), ADMIN_PORT);
    return Metrics.value(text, metric, labels);
  }

  /** Waits until the metric's value satisfies the condition; returns that value. */
  public double await(
      String metric,
      Map<String, String> labels,
      String expected,
      DoublePredicate condition,
      Duration atMost) {
    Step.log(
        "wait up to %ss for %s%s %s on %s", atMost.toSeconds(), metric, labels, expected, where());
    double[] last = {Double.NaN};
    Awaitility.await("%s%s %s on %s".formatted(metric, labels, expected, where()))
        .atMost(atMost)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              last[0] = value(metric, labels);
              return condition.test(last[0]);
            });
    Step.log("%s%s = %s on %s", metric, labels, last[0], where());
    return last[0];
  }

  private String where() {
    return kind.kind() + "/" + name + (pod == null ? "" : " replica " + pod);
  }
}
