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

  public DeviceMetrics(CaseNamespace ns, ZmqKind kind, String name) {
    this.ns = ns;
    this.kind = kind;
    this.name = name;
  }

  /** The current value of a metric on the (single) device pod. */
  public double value(String metric, Map<String, String> labels) {
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
        "wait up to %ss for %s%s %s on %s/%s",
        atMost.toSeconds(), metric, labels, expected, kind.kind(), name);
    double[] last = {Double.NaN};
    Awaitility.await("%s%s %s on %s/%s".formatted(metric, labels, expected, kind.kind(), name))
        .atMost(atMost)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              last[0] = value(metric, labels);
              return condition.test(last[0]);
            });
    Step.log("%s%s = %s", metric, labels, last[0]);
    return last[0];
  }
}
