package io.zeromesh.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.zeromesh.e2e.support.CaseNamespace;
import io.zeromesh.e2e.support.Devices;
import io.zeromesh.e2e.support.Step;
import io.zeromesh.e2e.support.ZeroMeshE2e;
import io.zeromesh.e2e.support.ZmqKind;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input: an invalid resource is reported, precisely, in its status, and does not stop the
 * operator from serving the resources that come after it.
 */
@ZeroMeshE2e
@Order(7)
class InvalidSpecE2eTest {
  @RegisterExtension final CaseNamespace ns = new CaseNamespace();

  @Test
  void invalidSpecIsReportedAndOthersAreStillServed() {
    ns.devices()
        .create(
            ZmqKind.BROKER,
            "clash",
            Map.of("frontend", Map.of("port", 6000), "backend", Map.of("port", 6000)));
    GenericKubernetesResource clash =
        ns.devices()
            .awaitCondition(ZmqKind.BROKER, "clash", "Ready", "False", Duration.ofMinutes(2));
    Map<String, Object> ready = Devices.condition(clash, "Ready").orElseThrow();
    assertEquals("InvalidSpec", ready.get("reason"), () -> "Ready condition " + ready);
    String message = String.valueOf(ready.get("message"));
    assertTrue(
        message.contains("spec.backend.port") || message.contains("spec.frontend.port"),
        () -> "the message names the field: " + message);
    assertTrue(
        ns.devices().pods(ZmqKind.BROKER, "clash", false).isEmpty(),
        "an invalid broker runs no device");

    ns.devices().create(ZmqKind.BROKER, "fine", Map.of());
    GenericKubernetesResource fine =
        ns.devices().awaitReady(ZmqKind.BROKER, "fine", Duration.ofMinutes(3));
    Step.log("valid broker served after the invalid one: %s", Devices.frontendEndpoint(fine));

    GenericKubernetesResource stillInvalid = ns.devices().get(ZmqKind.BROKER, "clash");
    assertEquals(
        "InvalidSpec",
        Devices.condition(stillInvalid, "Ready").map(c -> c.get("reason")).orElse(null),
        "the invalid broker stays reported as invalid");
  }
}
