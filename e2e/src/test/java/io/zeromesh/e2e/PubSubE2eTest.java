package io.zeromesh.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.zeromesh.e2e.support.CaseNamespace;
import io.zeromesh.e2e.support.DeviceMetrics;
import io.zeromesh.e2e.support.Devices;
import io.zeromesh.e2e.support.Probe;
import io.zeromesh.e2e.support.ProbeResult;
import io.zeromesh.e2e.support.ProbeRun;
import io.zeromesh.e2e.support.Step;
import io.zeromesh.e2e.support.ZeroMeshE2e;
import io.zeromesh.e2e.support.ZmqKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pub-sub through ZmqForwarders: topic filtering, a cascaded forwarder, and the last-value cache.
 */
@ZeroMeshE2e
@Order(2)
class PubSubE2eTest {
  private static final int ALPHA = 300;
  private static final int BETA = 200;

  /**
   * Subscribers count until their timeout (no --expect, which would stop them at the count), so a
   * message of a foreign topic shows as surplus.
   */
  private static final int SUBSCRIBER_SECONDS = 50;

  @RegisterExtension final CaseNamespace ns = new CaseNamespace();

  @Test
  void subscribersGetExactlyTheirTopicsAlsoThroughACascade() {
    ns.devices().create(ZmqKind.FORWARDER, "news", Map.of());
    String newsFrontend =
        Devices.frontendEndpoint(
            ns.devices().awaitReady(ZmqKind.FORWARDER, "news", Duration.ofMinutes(3)));
    String newsBackend = Devices.backendEndpoint(ns.devices().get(ZmqKind.FORWARDER, "news"));
    ns.devices()
        .create(
            ZmqKind.FORWARDER, "regional", Map.of("upstreams", List.of(Map.of("name", "news"))));
    String regionalBackend =
        Devices.backendEndpoint(
            ns.devices().awaitReady(ZmqKind.FORWARDER, "regional", Duration.ofMinutes(3)));

    // Subscribers first; the publishers start once the forwarders report the subscriptions, so
    // no message is published before anyone listens (the slow-joiner problem).
    ProbeRun alpha = ns.probes().start(subscriber("sub-alpha", newsBackend, "alpha"));
    ProbeRun beta = ns.probes().start(subscriber("sub-beta", newsBackend, "beta"));
    ProbeRun everything = ns.probes().start(subscriber("sub-all", regionalBackend, null));
    // news: alpha, beta, and the cascade's subscription forwarding sub-all's; regional: sub-all.
    new DeviceMetrics(ns, ZmqKind.FORWARDER, "news")
        .await("zeromesh_subscriptions", Map.of(), ">= 3", v -> v >= 3, Duration.ofMinutes(2));
    new DeviceMetrics(ns, ZmqKind.FORWARDER, "regional")
        .await("zeromesh_subscriptions", Map.of(), ">= 1", v -> v >= 1, Duration.ofMinutes(1));

    List<ProbeRun> publishers =
        List.of(
            ns.probes().start(publisher("pub-alpha", newsFrontend, "alpha", ALPHA)),
            ns.probes().start(publisher("pub-beta", newsFrontend, "beta", BETA)));
    for (ProbeRun p : publishers) {
      ProbeResult published = p.awaitResult();
      assertEquals(0, published.exitCode(), () -> published + "\n" + published.log());
    }

    ProbeResult gotAlpha = alpha.awaitResult();
    ProbeResult gotBeta = beta.awaitResult();
    ProbeResult gotAll = everything.awaitResult();
    assertEquals(ALPHA, gotAlpha.received(), () -> "alpha subscriber: " + gotAlpha);
    assertEquals(BETA, gotBeta.received(), () -> "beta subscriber: " + gotBeta);
    assertEquals(ALPHA + BETA, gotAll.received(), () -> "subscriber behind the cascade: " + gotAll);
    for (ProbeResult r : List.of(gotAlpha, gotBeta, gotAll)) {
      assertEquals(0, r.exitCode(), () -> r + "\n" + r.log());
    }
    Step.log(
        "alpha %d/%d, beta %d/%d, through the cascade %d/%d: no foreign topic, nothing lost",
        gotAlpha.received(), ALPHA, gotBeta.received(), BETA, gotAll.received(), ALPHA + BETA);
  }

  @Test
  void lateSubscriberGetsTheLatestValueAtOnce() {
    ns.devices().create(ZmqKind.FORWARDER, "prices", Map.of("lastValueCache", true));
    GenericKubernetesResource prices =
        ns.devices().awaitReady(ZmqKind.FORWARDER, "prices", Duration.ofMinutes(3));
    String frontend = Devices.frontendEndpoint(prices);
    String backend = Devices.backendEndpoint(prices);

    ProbeResult published = ns.probes().run(publisher("pub-price", frontend, "price", 20));
    assertEquals(0, published.exitCode(), () -> published + "\n" + published.log());
    // The publisher is gone; the forwarder holds what it received.
    new DeviceMetrics(ns, ZmqKind.FORWARDER, "prices")
        .await(
            "zeromesh_messages_total",
            Map.of("socket", "frontend", "direction", "in"),
            ">= 20",
            v -> v >= 20,
            Duration.ofSeconds(30));

    // Two late subscribers at once: one stops at its first message, to show it comes at once;
    // the other listens for 8 s, to show only the latest value comes, not the history.
    ProbeRun first =
        ns.probes()
            .start(
                Probe.job("sub-late-first", "sub")
                    .endpoint(backend)
                    .flag("topic", "price")
                    .flag("expect", "1")
                    .timeoutSeconds(15));
    ProbeRun listening =
        ns.probes()
            .start(
                Probe.job("sub-late-listen", "sub")
                    .endpoint(backend)
                    .flag("topic", "price")
                    .timeoutSeconds(8));
    ProbeResult got = first.awaitResult();
    assertEquals(0, got.exitCode(), () -> got + "\n" + got.log());
    assertEquals(1, got.received(), () -> "late subscriber: " + got);
    long waitedMs = got.number("elapsedMs");
    assertTrue(waitedMs < 5000, () -> "the cached value took " + waitedMs + " ms: " + got);
    ProbeResult all = listening.awaitResult();
    assertEquals(1, all.received(), () -> "only the latest value is replayed: " + all);
    Step.log(
        "late subscribers, no publisher running: the cached value after %d ms; one value in 8 s",
        waitedMs);
  }

  private static Probe subscriber(String name, String endpoint, String topic) {
    Probe probe = Probe.job(name, "sub").endpoint(endpoint).timeoutSeconds(SUBSCRIBER_SECONDS);
    return topic == null ? probe : probe.flag("topic", topic);
  }

  private static Probe publisher(String name, String endpoint, String topic, int count) {
    return Probe.job(name, "pub")
        .endpoint(endpoint)
        .flag("topic", topic)
        .flag("count", Integer.toString(count))
        .flag("rate", "200")
        .timeoutSeconds(60);
  }
}
