package io.zeromesh.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.zeromesh.e2e.support.CaseNamespace;
import io.zeromesh.e2e.support.Devices;
import io.zeromesh.e2e.support.Probe;
import io.zeromesh.e2e.support.ProbeResult;
import io.zeromesh.e2e.support.ProbeRun;
import io.zeromesh.e2e.support.Step;
import io.zeromesh.e2e.support.Workers;
import io.zeromesh.e2e.support.ZeroMeshE2e;
import io.zeromesh.e2e.support.ZmqKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CURVE: with {@code spec.curve.enabled}, a client holding the server's public key (taken from the
 * Secret the operator made, as an application would) is served; a plaintext client is not.
 */
@ZeroMeshE2e
@Order(6)
class CurveSecurityE2eTest {
  private static final String SERVER_PUBLIC_KEY = "server.pub";
  private static final int REQUESTS = 50;

  @RegisterExtension final CaseNamespace ns = new CaseNamespace();

  @Test
  void clientWithServerKeyIsServedAndPlaintextClientIsRefused() {
    ns.devices()
        .create(
            ZmqKind.BROKER,
            "secure",
            Map.of(
                "curve",
                Map.of("enabled", true),
                "workers",
                Map.of(
                    "replicas",
                    1,
                    "template",
                    // The operator gives CURVE workers ZEROMESH_CURVE_SERVER_KEY, which is the
                    // probe's --curve-server-key: the worker needs no CURVE flag of its own.
                    Workers.asMap(
                        Workers.probeTemplate(
                            "rep", "--endpoint", "$(ZEROMESH_BROKER)", "--count", "0")))));
    GenericKubernetesResource broker =
        ns.devices().awaitReady(ZmqKind.BROKER, "secure", Duration.ofMinutes(3));
    String frontend = Devices.frontendEndpoint(broker);
    ns.devices().awaitPods(ZmqKind.BROKER, "secure", true, 1, Duration.ofMinutes(2));

    Secret keys = ns.devices().ownedSecretWithKey(ZmqKind.BROKER, "secure", SERVER_PUBLIC_KEY);
    String publicKey =
        new String(
                Base64.getDecoder().decode(keys.getData().get(SERVER_PUBLIC_KEY)),
                StandardCharsets.US_ASCII)
            .trim();
    Step.log("server public key from Secret %s: %s", keys.getMetadata().getName(), publicKey);
    assertEquals(40, publicKey.length(), "a CURVE public key is 40 characters of Z85");
    assertTrue(
        keys.getData().containsKey("server.key") && !keys.getData().get("server.key").isBlank(),
        "the Secret holds the device's secret key too (docs/contracts.md layout)");

    ProbeRun keyHolder =
        ns.probes()
            .start(
                Probe.job("client-with-key", "req")
                    .endpoint(frontend)
                    .envFromSecret(
                        "ZEROMESH_CURVE_SERVER_KEY",
                        keys.getMetadata().getName(),
                        SERVER_PUBLIC_KEY)
                    .flag("count", Integer.toString(REQUESTS))
                    .flag("expect", Integer.toString(REQUESTS))
                    .flag("retries", "3")
                    // Generous: the pods request 10m CPU (cpu.shares 10), and on a busy node a JVM
                    // so weighted stalls for seconds (3.1 s on kind at load 15; 4.5 s, 11.4 s at
                    // start, on loopback with cgroup shares 10 beside CPU hogs, none at shares
                    // 1024). With one client and no heartbeats, a reply the device held back would
                    // still wait for an event that never comes, and be resent.
                    .flag("request-timeout-ms", "15000")
                    .timeoutSeconds(120));
    ProbeResult served = keyHolder.awaitResult();
    assertEquals(0, served.exitCode(), () -> served + "\n" + served.log());
    assertEquals(REQUESTS, served.received(), "replies to the client holding the server key");
    assertEquals(0, served.resent(), () -> "requests resent with no restart: " + served);

    ProbeResult refused =
        ns.probes()
            .run(
                Probe.job("client-plaintext", "req")
                    .endpoint(frontend)
                    .flag("count", "5")
                    .flag("expect", "1")
                    .timeoutSeconds(20));
    assertEquals(0, refused.received(), () -> "a plaintext client got replies: " + refused);
    assertNotEquals(
        0, refused.exitCode(), () -> "the plaintext probe reported success: " + refused);
    Step.log("plaintext client got %d replies within its timeout: refused", refused.received());
  }
}
