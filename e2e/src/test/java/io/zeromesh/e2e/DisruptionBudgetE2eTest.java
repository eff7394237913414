package io.zeromesh.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.zeromesh.e2e.support.CaseNamespace;
import io.zeromesh.e2e.support.DeviceReplicas;
import io.zeromesh.e2e.support.Step;
import io.zeromesh.e2e.support.ZeroMeshE2e;
import io.zeromesh.e2e.support.ZmqKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PodDisruptionBudget of a replicated device holds on the cluster: with two replicas and {@code
 * maxUnavailable: 1}, the Eviction API (what {@code kubectl drain} calls) lets one replica go and
 * refuses the second, with 429 and the budget's name, until the first is back; then it lets the
 * second go too.
 */
@ZeroMeshE2e
@Order(5)
class DisruptionBudgetE2eTest {
  private static final int REPLICAS = 2;
  private static final Duration READY = Duration.ofMinutes(2);

  @RegisterExtension final CaseNamespace ns = new CaseNamespace();

  @Test
  void anEvictionBeyondTheBudgetIsRefusedAndOneWithinItIsAllowed() throws Exception {
    ns.devices().create(ZmqKind.FORWARDER, "ha", Map.of("deviceReplicas", REPLICAS));
    String budgetName = "ha-forwarder";
    DeviceReplicas replicas = new DeviceReplicas(ns, ZmqKind.FORWARDER, "ha");
    List<String> pods = replicas.awaitReady(REPLICAS, READY);
    PodDisruptionBudget budget = awaitDisruptionsAllowed(budgetName, 1);
    assertEquals(1, budget.getSpec().getMaxUnavailable().getIntVal(), "maxUnavailable");
    assertEquals(
        "ZmqForwarder", budget.getMetadata().getOwnerReferences().get(0).getKind(), "owner");

    // As `kubectl drain` does: the replicas' nodes cordoned first, so that an evicted replica's
    // replacement cannot come back Ready (and give the budget its disruption back) between the two
    // evictions; without it the second eviction races the first replica's restart (seconds).
    List<String> nodes = nodesOf(pods);
    String first = pods.get(0);
    String firstUid = uid(first);
    String second = pods.get(1);
    try {
      nodes.forEach(n -> cordon(n, true));

      // Within the budget: one replica may go.
      HttpResponse<String> allowed = evict(first);
      Step.log("evict %s: %d %s", first, allowed.code(), allowed.body());
      assertTrue(
          allowed.code() == 200 || allowed.code() == 201,
          "eviction of " + first + ": " + allowed.body());

      // Beyond it: while the first is gone (the API server counted it against the budget at
      // once, and its replacement cannot be scheduled), the second may not.
      HttpResponse<String> refused = evict(second);
      Step.log("evict %s: %d %s", second, refused.code(), refused.body());
      assertEquals(
          429, refused.code(), "eviction of " + second + " beyond the budget: " + refused.body());
      assertTrue(
          refused.body().contains("disruption budget " + budgetName),
          "the refusal names the budget " + budgetName + ": " + refused.body());
      Pod still = ns.kube().pods().inNamespace(ns.name()).withName(second).get();
      assertNotEquals(null, still, second + " is gone although its eviction was refused");
      assertEquals(
          null,
          still.getMetadata().getDeletionTimestamp(),
          second + " is being deleted although its eviction was refused");
    } finally {
      nodes.forEach(n -> cordon(n, false));
    }

    // The first replica back (a new pod under the same name), the budget allows one again.
    await("replica " + first + " replaced and Ready")
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              Pod pod = ns.kube().pods().inNamespace(ns.name()).withName(first).get();
              return pod != null
                  && !firstUid.equals(pod.getMetadata().getUid())
                  && pod.getMetadata().getDeletionTimestamp() == null
                  && pod.getStatus().getConditions().stream()
                      .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
            });
    awaitDisruptionsAllowed(budgetName, 1);
    HttpResponse<String> later = evict(second);
    Step.log("evict %s again: %d %s", second, later.code(), later.body());
    assertTrue(
        later.code() == 200 || later.code() == 201, "eviction of " + second + ": " + later.body());
    replicas.awaitReady(REPLICAS, READY);
    ns.devices().awaitReady(ZmqKind.FORWARDER, "ha", READY);
  }

  private PodDisruptionBudget awaitDisruptionsAllowed(String name, int allowed) {
    Step.log("wait for PodDisruptionBudget %s to allow %d disruption", name, allowed);
    return await("PodDisruptionBudget " + name + " allows " + allowed)
        .atMost(READY)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () ->
                ns.kube()
                    .policy()
                    .v1()
                    .podDisruptionBudget()
                    .inNamespace(ns.name())
                    .withName(name)
                    .get(),
            b ->
                b != null
                    && b.getStatus() != null
                    && b.getMetadata().getGeneration().equals(b.getStatus().getObservedGeneration())
                    && b.getStatus().getDisruptionsAllowed() == allowed
                    && b.getStatus().getCurrentHealthy() == REPLICAS);
  }

  private List<String> nodesOf(List<String> pods) {
    return pods.stream()
        .map(p -> ns.kube().pods().inNamespace(ns.name()).withName(p).get().getSpec().getNodeName())
        .distinct()
        .toList();
  }

  private void cordon(String node, boolean unschedulable) {
    Step.log("%s node %s", unschedulable ? "cordon" : "uncordon", node);
    ns.kube()
        .nodes()
        .withName(node)
        .edit(
            n -> new NodeBuilder(n).editSpec().withUnschedulable(unschedulable).endSpec().build());
  }

  private String uid(String pod) {
    return ns.kube().pods().inNamespace(ns.name()).withName(pod).get().getMetadata().getUid();
  }

  /**
   * POSTs a policy/v1 Eviction for the pod, as {@code kubectl drain} does, and returns the API
   * server's answer as it is (fabric8's {@code evict()} turns a 429 into {@code false} and drops
   * the message that names the budget).
   */
  private HttpResponse<String> evict(String pod) throws Exception {
    KubernetesClient kube = ns.kube();
    String body =
        """
        {"apiVersion": "policy/v1", "kind": "Eviction",
         "metadata": {"name": "%s", "namespace": "%s"}}
        """
            .formatted(pod, ns.name());
    return kube.getHttpClient()
        .sendAsync(
            kube.getHttpClient()
                .newHttpRequestBuilder()
                .uri(
                    kube.getMasterUrl()
                        + "api/v1/namespaces/"
                        + ns.name()
                        + "/pods/"
                        + pod
                        + "/eviction")
                .post("application/json", body)
                .build(),
            String.class)
        .get(30, TimeUnit.SECONDS);
  }
}
