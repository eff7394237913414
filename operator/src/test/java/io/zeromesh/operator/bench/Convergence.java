package io.zeromesh.operator.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Listable;
import io.zeromesh.operator.api.v1alpha1.DeviceStatus;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.resources.Labels;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One look at the cluster, by list calls only (paged, {@value #PAGE} objects a page): how many of
 * the workload's resources have a status for their current generation, and how many of the expected
 * children exist. The benchmark repeats it until both are complete.
 */
final class Convergence {
  static final long PAGE = 500;

  private final KubernetesClient client;
  private final int resources;
  private final ExpectedChildren expected;

  Convergence(KubernetesClient client, int resources, ExpectedChildren expected) {
    this.client = client;
    this.resources = resources;
    this.expected = expected;
  }

  /** What one round of lists saw. */
  record Snapshot(
      int resources,
      int observed,
      int childrenExpected,
      int childrenPresent,
      Map<String, Integer> readyReasons,
      List<String> missingExamples) {

    boolean complete() {
      return observed == resources && childrenPresent == childrenExpected;
    }

    String progress() {
      return "status %d/%d, children %d/%d"
          .formatted(observed, resources, childrenPresent, childrenExpected);
    }
  }

  Snapshot look() {
    Map<String, Integer> reasons = new TreeMap<>();
    int observed =
        observed(client.resources(ZmqBroker.class).inAnyNamespace(), ZmqBroker::getStatus, reasons)
            + observed(
                client.resources(ZmqForwarder.class).inAnyNamespace(),
                ZmqForwarder::getStatus,
                reasons)
            + observed(
                client.resources(ZmqPipelineStage.class).inAnyNamespace(),
                ZmqPipelineStage::getStatus,
                reasons);
    List<String> missing = new ArrayList<>();
    int present =
        present(
                "Deployment",
                client.apps().deployments().inAnyNamespace().withLabel(Labels.MANAGED_BY),
                expected.deployments(),
                missing)
            + present(
                "Service",
                client.services().inAnyNamespace().withLabel(Labels.MANAGED_BY),
                expected.services(),
                missing)
            + present(
                "Secret",
                client.secrets().inAnyNamespace().withLabel(Labels.MANAGED_BY),
                expected.secrets(),
                missing);
    return new Snapshot(
        resources,
        observed,
        expected.total(),
        present,
        reasons,
        missing.stream().limit(5).toList());
  }

  /** Resources whose status describes their current generation; tallies Ready reasons. */
  private static <T extends HasMetadata> int observed(
      Listable<? extends KubernetesResourceList<T>> operation,
      Function<T, ? extends DeviceStatus> status,
      Map<String, Integer> reasons) {
    int[] observed = {0};
    forEachPaged(
        operation,
        resource -> {
          DeviceStatus s = status.apply(resource);
          Long generation = resource.getMetadata().getGeneration();
          if (s != null
              && s.getObservedGeneration() != null
              && generation != null
              && s.getObservedGeneration() >= generation) {
            observed[0]++;
            String reason =
                s.getConditions() == null
                    ? "(no conditions)"
                    : s.getConditions().stream()
                        .filter(c -> "Ready".equals(c.getType()))
                        .map(c -> "Ready=" + c.getStatus() + "/" + c.getReason())
                        .findFirst()
                        .orElse("(no Ready condition)");
            reasons.merge(reason, 1, Integer::sum);
          }
        });
    return observed[0];
  }

  private static <T extends HasMetadata> int present(
      String kind,
      Listable<? extends KubernetesResourceList<T>> operation,
      Set<String> expected,
      List<String> missing) {
    Set<String> seen = new HashSet<>();
    forEachPaged(
        operation,
        o ->
            seen.add(
                ExpectedChildren.key(o.getMetadata().getNamespace(), o.getMetadata().getName())));
    Set<String> absent =
        expected.stream().filter(k -> !seen.contains(k)).collect(Collectors.toSet());
    absent.stream().sorted().limit(5).forEach(k -> missing.add(kind + " " + k));
    return expected.size() - absent.size();
  }

  private static <T extends HasMetadata> void forEachPaged(
      Listable<? extends KubernetesResourceList<T>> operation, Consumer<T> each) {
    String token = null;
    do {
      ListOptions options = new ListOptionsBuilder().withLimit(PAGE).withContinue(token).build();
      KubernetesResourceList<T> page = operation.list(options);
      page.getItems().forEach(each);
      token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (token != null && !token.isEmpty());
  }
}
