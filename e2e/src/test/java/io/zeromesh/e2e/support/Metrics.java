package io.zeromesh.e2e.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus metrics of a device pod, read through the API server's pod proxy: works on any
 * cluster the suite can reach, without port-forwarding or a route to pod addresses.
 */
public final class Metrics {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})?\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

  private final KubernetesClient kube;
  private final String namespace;

  Metrics(KubernetesClient kube, String namespace) {
    this.kube = kube;
    this.namespace = namespace;
  }

  /** The text of {@code /metrics} on the given pod and port. */
  public String scrape(String pod, int port) {
    String text =
        kube.raw("/api/v1/namespaces/%s/pods/%s:%d/proxy/metrics".formatted(namespace, pod, port));
    if (text == null) {
      throw new AssertionError("no /metrics on pod " + pod + " port " + port);
    }
    return text;
  }

  /**
   * The sum of the samples of {@code metric} whose labels include all of {@code labels}; 0 when
   * there is none.
   */
  public static double value(String text, String metric, Map<String, String> labels) {
    double sum = 0;
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line.trim());
      if (line.startsWith("#") || !m.find() || !m.group(1).equals(metric)) {
        continue;
      }
      Map<String, String> found = new HashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          found.put(l.group(1), l.group(2));
        }
      }
      if (found.entrySet().containsAll(labels.entrySet())) {
        sum += Double.parseDouble(m.group(4));
      }
    }
    return sum;
  }
}
