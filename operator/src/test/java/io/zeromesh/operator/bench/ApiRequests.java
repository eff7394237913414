package io.zeromesh.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The write requests the API server served for the operator, from its own counter ({@code
 * apiserver_request_total} on {@code /metrics}): every create, apply, patch, update and delete of a
 * child kind, of a custom resource's status, and of an Event, whatever its answer (a 409 or a no-op
 * apply counts too). Watch events only show writes that changed something; this shows the requests.
 * The benchmark's own writes (namespaces, custom resources, the operator's ServiceAccount) are of
 * other resources; the Lease of leader election is counted apart.
 */
public final class ApiRequests {
  static final Set<String> WRITE_VERBS = Set.of("POST", "APPLY", "PATCH", "PUT", "DELETE");

  static final Set<String> CHILD_RESOURCES =
      Set.of(
          "deployments",
          "statefulsets",
          "services",
          "secrets",
          "poddisruptionbudgets",
          "networkpolicies");

  static final Set<String> CUSTOM_RESOURCES =
      Set.of("zmqbrokers", "zmqforwarders", "zmqpipelinestages");

  private static final Pattern SAMPLE =
      Pattern.compile("^apiserver_request_total\\{([^}]*)\\} ([0-9.eE+]+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  /**
   * Write requests so far: the operator's, and its Lease's; the operator's by verb, resource and
   * answer (e.g. {@code APPLY services 200}).
   */
  record Count(long operator, long lease, java.util.Map<String, Long> byRequest) {
    Count(long operator, long lease) {
      this(operator, lease, java.util.Map.of());
    }

    Count minus(Count earlier) {
      java.util.Map<String, Long> diff = new java.util.TreeMap<>();
      byRequest.forEach(
          (k, v) -> {
            long d = v - earlier.byRequest.getOrDefault(k, 0L);
            if (d != 0) {
              diff.put(k, d);
            }
          });
      return new Count(operator - earlier.operator, lease - earlier.lease, diff);
    }
  }

  private ApiRequests() {}

  static Count scrape(KubernetesClient client) {
    return parse(client.raw("/metrics"));
  }

  static Count parse(String metrics) {
    long operator = 0;
    long lease = 0;
    java.util.Map<String, Long> byRequest = new java.util.TreeMap<>();
    for (Write w : writes(metrics)) {
      if ((CHILD_RESOURCES.contains(w.resource()) && w.subresource().isEmpty())
          || (CUSTOM_RESOURCES.contains(w.resource()) && "status".equals(w.subresource()))
          || "events".equals(w.resource())) {
        operator += w.count();
        byRequest.merge(w.verb() + " " + w.path() + " " + w.code(), w.count(), Long::sum);
      } else if ("leases".equals(w.resource())) {
        lease += w.count();
      }
    }
    return new Count(operator, lease, byRequest);
  }

  /** One sample of {@code apiserver_request_total} with a write verb. */
  public record Write(String verb, String resource, String subresource, String code, long count) {
    /** The resource, and its subresource after a slash when there is one. */
    public String path() {
      return resource + (subresource.isEmpty() ? "" : "/" + subresource);
    }
  }

  /** The write-verb samples of {@code apiserver_request_total} in a {@code /metrics} text. */
  public static java.util.List<Write> writes(String metrics) {
    java.util.List<Write> writes = new java.util.ArrayList<>();
    for (String line : metrics.split("\n")) {
      Matcher sample = SAMPLE.matcher(line.trim());
      if (!sample.matches()) {
        continue;
      }
      String verb = null;
      String resource = null;
      String subresource = "";
      String code = "";
      Matcher label = LABEL.matcher(sample.group(1));
      while (label.find()) {
        switch (label.group(1)) {
          case "verb" -> verb = label.group(2);
          case "resource" -> resource = label.group(2);
          case "subresource" -> subresource = label.group(2);
          case "code" -> code = label.group(2);
          default -> {}
        }
      }
      if (verb != null && WRITE_VERBS.contains(verb)) {
        writes.add(
            new Write(
                verb, resource, subresource, code, (long) Double.parseDouble(sample.group(2))));
      }
    }
    return writes;
  }
}
