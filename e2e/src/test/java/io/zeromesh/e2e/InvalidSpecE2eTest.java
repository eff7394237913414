package io.zeromesh.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.zeromesh.e2e.support.CaseNamespace;
import io.zeromesh.e2e.support.Devices;
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
 * Bad input: a rule the schema can say (CEL) refuses the resource at admission, naming the field; a
 * rule only the operator can check is reported, precisely, in the resource's status. Neither stops
 * the operator from serving the resources that come after it.
 */
@ZeroMeshE2e
@Order(7)
class InvalidSpecE2eTest {
  @RegisterExtension final CaseNamespace ns = new CaseNamespace();

  @Test
  void invalidSpecIsReportedAndOthersAreStillServed() {
    KubernetesClientException refused =
        assertThrows(
            KubernetesClientException.class,
            () ->
                ns.devices()
                    .create(
                        ZmqKind.BROKER,
                        "clash",
                        Map.of("frontend", Map.of("port", 6000), "backend", Map.of("port", 6000))));
    assertEquals(422, refused.getCode(), () -> "refused at admission: " + refused.getMessage());
    assertTrue(
        refused.getMessage().contains("spec.backend.port"),
        () -> "the refusal names the field: " + refused.getMessage());
    Step.log("port clash refused at admission: %s", refused.getStatus().getMessage());

    // A worker container without an image: the schema cannot say it, the operator does.
    Map<String, Object> imageless =
        Map.of(
            "replicas",
            1,
            "template",
            Map.of("spec", Map.of("containers", List.of(Map.of("name", "worker")))));
    ns.devices().create(ZmqKind.BROKER, "imageless", Map.of("workers", imageless));
    GenericKubernetesResource invalid =
        ns.devices()
            .awaitCondition(ZmqKind.BROKER, "imageless", "Ready", "False", Duration.ofMinutes(2));
    Map<String, Object> ready = Devices.condition(invalid, "Ready").orElseThrow();
    assertEquals("InvalidSpec", ready.get("reason"), () -> "Ready condition " + ready);
    String message = String.valueOf(ready.get("message"));
    assertTrue(
        message.contains("spec.workers.template.spec.containers[0].image"),
        () -> "the message names the field: " + message);
    assertTrue(
        ns.devices().pods(ZmqKind.BROKER, "imageless", false).isEmpty(),
        "an invalid broker runs no device");

    ns.devices().create(ZmqKind.BROKER, "fine", Map.of());
    GenericKubernetesResource fine =
        ns.devices().awaitReady(ZmqKind.BROKER, "fine", Duration.ofMinutes(3));
    Step.log("valid broker served after the invalid one: %s", Devices.frontendEndpoint(fine));

    GenericKubernetesResource stillInvalid = ns.devices().get(ZmqKind.BROKER, "imageless");
    assertEquals(
        "InvalidSpec",
        Devices.condition(stillInvalid, "Ready").map(c -> c.get("reason")).orElse(null),
        "the invalid broker stays reported as invalid");
  }
}
