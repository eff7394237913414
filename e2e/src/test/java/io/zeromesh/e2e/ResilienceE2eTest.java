package io.zeromesh.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.zeromesh.e2e.support.CaseNamespace;
import io.zeromesh.e2e.support.DeviceMetrics;
import io.zeromesh.e2e.support.Devices;
import io.zeromesh.e2e.support.Probe;
import io.zeromesh.e2e.support.ProbeJobs;
import io.zeromesh.e2e.support.ProbeResult;
import io.zeromesh.e2e.support.ProbeRun;
import io.zeromesh.e2e.support.RestartBudget;
import io.zeromesh.e2e.support.Step;
import io.zeromesh.e2e.support.Workers;
import io.zeromesh.e2e.support.ZeroMeshE2e;
import io.zeromesh.e2e.support.ZmqKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resilience: the device pod is deleted in the middle of traffic; the Deployment replaces it,
 * clients reconnect through the same Service, and traffic resumes, at a cost bounded by how long
 * the restart took in this run ({@link RestartBudget}): request-reply with client retries loses
 * nothing and resends at most one request per request timeout of the outage; pub-sub loses at most
 * what was published during the outage (ZeroMQ keeps nothing for absent subscribers).
 */
@ZeroMeshE2e
@Order(4)
class ResilienceE2eTest {
  private static final Duration DEVICE_BACK = Duration.ofMinutes(2);

  /**
   * The probe's default request timeout, given explicitly: the resend budget is derived from it.
   */
  private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(2500);

  private static final int REQUEST_RATE = 15;
  private static final int PUBLISH_RATE = 50;

  @RegisterExtension final CaseNamespace ns = new CaseNamespace();

  @Test
  void requestReplyLosesNothingAndResendsWithinBudgetWhenTheBrokerPodDies() {
    int requests = 300;
    ns.devices()
        .create(
            ZmqKind.BROKER,
            "rr",
            Map.of(
                "workers",
                Map.of(
                    "replicas",
                    2,
                    "template",
                    Workers.asMap(
                        Workers.probeTemplate(
                            "rep", "--endpoint", "$(ZEROMESH_BROKER)", "--count", "0")))));
    String frontend =
        Devices.frontendEndpoint(
            ns.devices().awaitReady(ZmqKind.BROKER, "rr", Duration.ofMinutes(3)));
    ns.devices().awaitPods(ZmqKind.BROKER, "rr", true, 2, Duration.ofMinutes(2));
    DeviceMetrics metrics = new DeviceMetrics(ns, ZmqKind.BROKER, "rr");
    metrics.await(
        "zeromesh_connected_peers", Map.of("socket", "backend"), ">= 2", v -> v >= 2, DEVICE_BACK);

    // 300 requests at 15/s: about 20 s of traffic, the pod dies a few seconds in.
    ProbeRun client =
        ns.probes()
            .start(
                ProbeJobs.client("client", frontend, requests, REQUEST_RATE, REQUEST_TIMEOUT, 150));
    metrics.await(
        "zeromesh_messages_total",
        Map.of("socket", "frontend", "direction", "in"),
        ">= 40 (traffic flowing)",
        v -> v >= 40,
        Duration.ofMinutes(2));
    Duration restart = restartDevicePod(ZmqKind.BROKER, "rr");
    metrics.await(
        "zeromesh_connected_peers",
        Map.of("socket", "backend"),
        ">= 2 on the new pod",
        v -> v >= 2,
        DEVICE_BACK);

    ProbeResult result = client.awaitResult();
    long budget = RestartBudget.resendBudget(REQUEST_TIMEOUT, restart);
    Step.log(
        "request-reply across a broker restart of %s (outage budget %s): %d requests, %d replies,"
            + " %d lost, %d resent (budget %d = ceil(outage / %s) + 1)",
        restart,
        RestartBudget.outage(restart),
        requests,
        result.received(),
        result.lost(),
        result.resent(),
        budget,
        REQUEST_TIMEOUT);
    assertEquals(0, result.exitCode(), () -> result + "\n" + result.log());
    assertEquals(requests, result.received(), () -> "replies after the restart: " + result);
    assertEquals(0, result.lost(), () -> "requests lost after every retry: " + result);
    assertTrue(
        result.resent() <= budget,
        () ->
            "resent "
                + result.resent()
                + " requests, over the budget of "
                + budget
                + " for a restart of "
                + restart
                + ": "
                + result
                + "\n"
                + result.log());
  }

  @Test
  void pubSubLosesAtMostTheRestartBudgetWhenTheForwarderPodDies() {
    int published = 1000;
    ns.devices().create(ZmqKind.FORWARDER, "feed", Map.of());
    var feed = ns.devices().awaitReady(ZmqKind.FORWARDER, "feed", Duration.ofMinutes(3));
    String frontend = Devices.frontendEndpoint(feed);
    String backend = Devices.backendEndpoint(feed);
    DeviceMetrics metrics = new DeviceMetrics(ns, ZmqKind.FORWARDER, "feed");

    // The publisher first: it sends nothing until a subscription reaches it (XPUB), then 1000
    // messages at 50/s, 20 s paced by its own clock. So the subscriber's 55 s cover the whole send
    // however long the suite's own waits take.
    ProbeRun publisher =
        ns.probes()
            .start(
                Probe.job("pub", "pub")
                    .endpoint(frontend)
                    .flag("topic", "ticks")
                    .flag("count", Integer.toString(published))
                    .flag("rate", Integer.toString(PUBLISH_RATE))
                    .timeoutSeconds(150));
    ProbeRun subscriber =
        ns.probes().start(Probe.job("sub", "sub").endpoint(backend).timeoutSeconds(55));
    metrics.await("zeromesh_subscriptions", Map.of(), ">= 1", v -> v >= 1, Duration.ofMinutes(2));
    double deliveredBefore =
        metrics.await(
            "zeromesh_messages_total",
            Map.of("socket", "backend", "direction", "out"),
            ">= 150 (traffic flowing)",
            v -> v >= 150,
            Duration.ofMinutes(2));
    Duration restart = restartDevicePod(ZmqKind.FORWARDER, "feed");
    metrics.await(
        "zeromesh_subscriptions", Map.of(), ">= 1 on the new pod", v -> v >= 1, DEVICE_BACK);

    ProbeResult pub = publisher.awaitResult();
    ProbeResult sub = subscriber.awaitResult();
    assertEquals(0, pub.exitCode(), () -> pub + "\n" + pub.log());
    assertEquals(published, pub.sent(), () -> "publisher: " + pub);
    long lost = published - sub.received();
    long budget = RestartBudget.lossBudget(PUBLISH_RATE, restart);
    Step.log(
        "pub-sub across a forwarder restart of %s: %d published, %d received (%d before the kill),"
            + " %d lost (%d as gaps); budget %d = ceil(%d/s x %s outage)",
        restart,
        published,
        sub.received(),
        (long) deliveredBefore,
        lost,
        sub.lost(),
        budget,
        PUBLISH_RATE,
        RestartBudget.outage(restart));
    assertTrue(sub.received() <= published, () -> "more received than published: " + sub);
    assertTrue(
        lost <= budget,
        () ->
            lost
                + " of "
                + published
                + " lost, over the budget of "
                + budget
                + " for a restart of "
                + restart
                + " at "
                + PUBLISH_RATE
                + "/s: "
                + sub);
    // Traffic resumed: the subscriber got a good part of what was published after the restart.
    assertTrue(
        sub.received() >= deliveredBefore + 100,
        () -> "no traffic after the restart: " + sub + ", " + deliveredBefore + " before the kill");
  }

  /**
   * Deletes the device pod, waits for its replacement to be Ready, and returns how long that took
   * on the cluster's clocks ({@link RestartBudget#restart}); fails over {@link
   * RestartBudget#MAX_RESTART}.
   */
  private Duration restartDevicePod(ZmqKind kind, String name) {
    List<Pod> pods = ns.devices().pods(kind, name, false);
    assertEquals(1, pods.size(), () -> "device pods of " + name + ": " + pods.size());
    String pod = pods.get(0).getMetadata().getName();
    Step.log("delete device pod %s in the middle of traffic", pod);
    ns.kube().pods().inNamespace(ns.name()).withName(pod).delete();
    Optional<Instant> accepted =
        RestartBudget.deletionAccepted(ns.kube().pods().inNamespace(ns.name()).withName(pod).get());
    Pod replacement = ns.devices().awaitPods(kind, name, false, 1, DEVICE_BACK).get(0);
    assertNotEquals(pod, replacement.getMetadata().getName(), "the device pod was replaced");
    Duration restart = RestartBudget.restart(accepted, replacement);
    Step.log(
        "device pod %s replaced by %s: deletion accepted %s, replacement Ready %s: restart %s",
        pod,
        replacement.getMetadata().getName(),
        accepted.map(Instant::toString).orElse("(not seen; from the replacement's creation)"),
        RestartBudget.readySince(replacement).orElseThrow(),
        restart);
    assertTrue(
        restart.compareTo(RestartBudget.MAX_RESTART) <= 0,
        () -> "the device took " + restart + " to restart, over " + RestartBudget.MAX_RESTART);
    return restart;
  }
}
