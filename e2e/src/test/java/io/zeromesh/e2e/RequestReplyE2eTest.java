package io.zeromesh.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.zeromesh.e2e.support.CaseNamespace;
import io.zeromesh.e2e.support.DeviceMetrics;
import io.zeromesh.e2e.support.Devices;
import io.zeromesh.e2e.support.E2eSettings;
import io.zeromesh.e2e.support.Probe;
import io.zeromesh.e2e.support.ProbeResult;
import io.zeromesh.e2e.support.ProbeRun;
import io.zeromesh.e2e.support.Probes;
import io.zeromesh.e2e.support.Step;
import io.zeromesh.e2e.support.Workers;
import io.zeromesh.e2e.support.ZeroMeshE2e;
import io.zeromesh.e2e.support.ZmqKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Request-reply N:M: three clients, one ZmqBroker, three workers; every request answered at the
 * first try (no request resent: nothing restarts here).
 */
@ZeroMeshE2e
@Order(1)
class RequestReplyE2eTest {
  private static final int WORKERS = 3;
  private static final int CLIENTS = 3;
  private static final int REQUESTS_PER_CLIENT = 200;

  @RegisterExtension final CaseNamespace ns = new CaseNamespace();

  @Test
  void everyRequestIsAnsweredAndEveryWorkerServes() {
    ns.devices()
        .create(
            ZmqKind.BROKER,
            "rr",
            Map.of(
                "workers",
                Map.of(
                    "replicas",
                    WORKERS,
                    "template",
                    Workers.asMap(
                        Workers.probeTemplate(
                            "rep", "--endpoint", "$(ZEROMESH_BROKER)", "--count", "0")))));
    GenericKubernetesResource broker =
        ns.devices().awaitReady(ZmqKind.BROKER, "rr", Duration.ofMinutes(3));
    String frontend = Devices.frontendEndpoint(broker);
    // The operator runs devices with the broker image of this build (its unique tag).
    Pod device =
        ns.devices().awaitPods(ZmqKind.BROKER, "rr", false, 1, Duration.ofMinutes(2)).get(0);
    assertEquals(
        List.of(E2eSettings.brokerImage()),
        device.getSpec().getContainers().stream().map(c -> c.getImage()).toList(),
        "device image");
    List<String> workers =
        ns.devices().awaitPods(ZmqKind.BROKER, "rr", true, WORKERS, Duration.ofMinutes(2)).stream()
            .map(p -> p.getMetadata().getName())
            .toList();
    // Every worker connected before the first request: then the queue has all three to share.
    new DeviceMetrics(ns, ZmqKind.BROKER, "rr")
        .await(
            "zeromesh_connected_peers",
            Map.of("socket", "backend"),
            ">= " + WORKERS,
            v -> v >= WORKERS,
            Duration.ofMinutes(1));

    List<ProbeRun> clients =
        IntStream.rangeClosed(1, CLIENTS)
            .mapToObj(
                i ->
                    ns.probes()
                        .start(
                            Probe.job("client-" + i, "req")
                                .endpoint(frontend)
                                .flag("count", Integer.toString(REQUESTS_PER_CLIENT))
                                .flag("expect", Integer.toString(REQUESTS_PER_CLIENT))
                                .flag("retries", "3")
                                .timeoutSeconds(90)))
            .toList();
    List<ProbeResult> results = Probes.awaitAll(clients);

    Map<String, Long> servedBy = new TreeMap<>();
    long replies = 0;
    for (ProbeResult r : results) {
      assertEquals(0, r.exitCode(), () -> r + "\n" + r.log());
      assertEquals(REQUESTS_PER_CLIENT, r.received(), () -> "replies to " + r);
      // No device restarts here: every request is answered within its timeout at the first try.
      assertEquals(0, r.resent(), () -> "requests resent with no restart: " + r + "\n" + r.log());
      replies += r.received();
      r.peers().forEach((worker, n) -> servedBy.merge(worker, n, Long::sum));
    }
    Step.log("%d replies in all; served per worker: %s", replies, servedBy);
    assertEquals((long) CLIENTS * REQUESTS_PER_CLIENT, replies, "replies in all");
    assertEquals(
        replies,
        servedBy.values().stream().mapToLong(Long::longValue).sum(),
        "replies accounted to responders " + servedBy);
    // rep answers with its identity, the host name: the worker pods, each of which served.
    assertEquals(Set.copyOf(workers), servedBy.keySet(), "responders vs worker pods");
    assertTrue(
        servedBy.values().stream().allMatch(n -> n > 0), "every worker served some: " + servedBy);
    Step.log(
        "workers %s all served: %s",
        workers,
        servedBy.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", ")));
  }
}
