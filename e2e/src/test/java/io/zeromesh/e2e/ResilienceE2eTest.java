package io.zeromesh.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.zeromesh.e2e.support.CaseNamespace;
import io.zeromesh.e2e.support.DeviceMetrics;
import io.zeromesh.e2e.support.Devices;
import io.zeromesh.e2e.support.Probe;
import io.zeromesh.e2e.support.ProbeResult;
import io.zeromesh.e2e.support.ProbeRun;
import io.zeromesh.e2e.support.Step;
import io.zeromesh.e2e.support.Workers;
import io.zeromesh.e2e.support.ZeroMeshE2e;
import io.zeromesh.e2e.support.ZmqKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resilience: the device pod is deleted in the middle of traffic; the Deployment replaces it,
 * clients reconnect through the same Service, and traffic resumes. Reports what each pattern loses:
 * request-reply with client retries loses nothing; pub-sub loses what was published while no
 * forwarder ran (ZeroMQ pub-sub does not buffer for absent subscribers).
 */
@ZeroMeshE2e
@Order(4)
class ResilienceE2eTest {
  private static final Duration DEVICE_BACK = Duration.ofMinutes(2);

  @RegisterExtension final CaseNamespace ns = new CaseNamespace();

  @Test
  void requestReplyWithRetriesLosesNothingWhenTheBrokerPodDies() {
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
                Probe.job("client", "req")
                    .endpoint(frontend)
                    .flag("count", Integer.toString(requests))
                    .flag("rate", "15")
                    .flag("retries", "30")
                    .flag("expect", Integer.toString(requests))
                    .timeoutSeconds(150));
    metrics.await(
        "zeromesh_messages_total",
        Map.of("socket", "frontend", "direction", "in"),
        ">= 40 (traffic flowing)",
        v -> v >= 40,
        Duration.ofMinutes(2));
    killDevicePod(ZmqKind.BROKER, "rr");
    metrics.await(
        "zeromesh_connected_peers",
        Map.of("socket", "backend"),
        ">= 2 on the new pod",
        v -> v >= 2,
        DEVICE_BACK);

    ProbeResult result = client.awaitResult();
    Step.log(
        "request-reply across a broker restart: %d requests, %d replies, %d lost (retries on)",
        requests, result.received(), requests - result.received());
    assertEquals(0, result.exitCode(), () -> result + "\n" + result.log());
    assertEquals(requests, result.received(), () -> "replies after the restart: " + result);
  }

  @Test
  void pubSubResumesAfterTheForwarderPodDies() {
    int published = 1000;
    ns.devices().create(ZmqKind.FORWARDER, "feed", Map.of());
    var feed = ns.devices().awaitReady(ZmqKind.FORWARDER, "feed", Duration.ofMinutes(3));
    String frontend = Devices.frontendEndpoint(feed);
    String backend = Devices.backendEndpoint(feed);
    DeviceMetrics metrics = new DeviceMetrics(ns, ZmqKind.FORWARDER, "feed");

    ProbeRun subscriber =
        ns.probes().start(Probe.job("sub", "sub").endpoint(backend).timeoutSeconds(55));
    metrics.await("zeromesh_subscriptions", Map.of(), ">= 1", v -> v >= 1, Duration.ofMinutes(2));
    // 1000 messages at 50/s: 20 s of traffic.
    ProbeRun publisher =
        ns.probes()
            .start(
                Probe.job("pub", "pub")
                    .endpoint(frontend)
                    .flag("topic", "ticks")
                    .flag("count", Integer.toString(published))
                    .flag("rate", "50")
                    .timeoutSeconds(90));
    double deliveredBefore =
        metrics.await(
            "zeromesh_messages_total",
            Map.of("socket", "backend", "direction", "out"),
            ">= 150 (traffic flowing)",
            v -> v >= 150,
            Duration.ofMinutes(2));
    killDevicePod(ZmqKind.FORWARDER, "feed");
    metrics.await(
        "zeromesh_subscriptions", Map.of(), ">= 1 on the new pod", v -> v >= 1, DEVICE_BACK);

    ProbeResult pub = publisher.awaitResult();
    ProbeResult sub = subscriber.awaitResult();
    assertEquals(0, pub.exitCode(), () -> pub + "\n" + pub.log());
    long lost = published - sub.received();
    Step.log(
        "pub-sub across a forwarder restart: %d published, %d received (%d before the kill), %d lost",
        published, sub.received(), (long) deliveredBefore, lost);
    // Traffic resumed: the subscriber got a good part of what was published after the restart.
    assertTrue(
        sub.received() >= deliveredBefore + 100,
        () -> "no traffic after the restart: " + sub + ", " + deliveredBefore + " before the kill");
    assertTrue(sub.received() <= published, () -> "more received than published: " + sub);
  }

  private void killDevicePod(ZmqKind kind, String name) {
    List<Pod> pods = ns.devices().pods(kind, name, false);
    assertEquals(1, pods.size(), () -> "device pods of " + name + ": " + pods.size());
    String pod = pods.get(0).getMetadata().getName();
    Step.log("delete device pod %s in the middle of traffic", pod);
    ns.kube().pods().inNamespace(ns.name()).withName(pod).delete();
    ns.devices().awaitPods(kind, name, false, 1, DEVICE_BACK);
  }
}
