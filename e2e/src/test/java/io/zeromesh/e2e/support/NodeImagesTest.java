package io.zeromesh.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeImagesTest {
  private static final String BROKER = "zeromesh/broker:0.1.0-1a2b3c4";
  private static final String OPERATOR = "zeromesh/operator:0.1.0-1a2b3c4";

  @Test
  void namesAreComparedAsTheRuntimeReportsThem() {
    assertEquals("docker.io/zeromesh/broker:1", NodeImages.normalize("zeromesh/broker:1"));
    assertEquals("docker.io/library/busybox:1", NodeImages.normalize("busybox:1"));
    assertEquals("localhost:5000/zm/b:1", NodeImages.normalize("localhost:5000/zm/b:1"));
    assertEquals("ghcr.io/zm/b:1", NodeImages.normalize("ghcr.io/zm/b:1"));
  }

  @Test
  void aNodeHoldingBothImagesPasses() {
    Node node =
        node("n1", false, "docker.io/zeromesh/broker:0.1.0-1a2b3c4", "docker.io/" + OPERATOR);
    assertEquals(List.of(), NodeImages.missing(List.of(node), List.of(BROKER, OPERATOR)));
  }

  @Test
  void anOlderTagIsMissingNotGoodEnough() {
    Node node = node("n1", false, "docker.io/zeromesh/broker:0.1.0", "docker.io/" + OPERATOR);
    assertEquals(
        List.of("node n1 lacks " + BROKER),
        NodeImages.missing(List.of(node), List.of(BROKER, OPERATOR)));
  }

  @Test
  void onlySchedulableNodesCountButOneIsNeeded() {
    Node cordoned = node("cp", true);
    Node worker = node("w1", false, "docker.io/" + BROKER);
    assertEquals(List.of(), NodeImages.missing(List.of(cordoned, worker), List.of(BROKER)));
    assertEquals(
        List.of("no schedulable node among [cp]"),
        NodeImages.missing(List.of(cordoned), List.of(BROKER)));
  }

  private static Node node(String name, boolean unschedulable, String... images) {
    NodeBuilder b =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withUnschedulable(unschedulable)
            .endSpec()
            .withNewStatus()
            .endStatus();
    Node node = b.build();
    for (String image : images) {
      node.getStatus()
          .getImages()
          .add(
              new io.fabric8.kubernetes.api.model.ContainerImage(List.of(image, "sha256:abc"), 1L));
    }
    return node;
  }
}
