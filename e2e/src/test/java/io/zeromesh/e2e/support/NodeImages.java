package io.zeromesh.e2e.support;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The images of this build are on the nodes before anything runs them: a node without them would
 * pull (and fail on an image that was never pushed) or, with a reused tag, run an older build. Read
 * from each schedulable node's {@code status.images}, where the kubelet lists what its runtime
 * holds.
 */
final class NodeImages {
  private NodeImages() {}

  /**
   * One line per schedulable node that lacks one of {@code images} (e.g. {@code zeromesh/broker:
   * 0.1.0-1a2b3c4}); empty when every such node holds all of them.
   */
  static List<String> missing(List<Node> nodes, List<String> images) {
    List<String> missing = new ArrayList<>();
    List<Node> schedulable = nodes.stream().filter(NodeImages::schedulable).toList();
    if (schedulable.isEmpty()) {
      missing.add("no schedulable node among " + nodes.stream().map(NodeImages::name).toList());
    }
    for (Node node : schedulable) {
      Set<String> held =
          node.getStatus() == null || node.getStatus().getImages() == null
              ? Set.of()
              : node.getStatus().getImages().stream()
                  .map(ContainerImage::getNames)
                  .filter(n -> n != null)
                  .flatMap(List::stream)
                  .map(NodeImages::normalize)
                  .collect(Collectors.toSet());
      for (String image : images) {
        if (!held.contains(normalize(image))) {
          missing.add("node " + name(node) + " lacks " + image);
        }
      }
    }
    return missing;
  }

  /** The fully qualified name a container runtime reports: {@code docker.io/library/} added. */
  static String normalize(String image) {
    int slash = image.indexOf('/');
    String first = slash < 0 ? "" : image.substring(0, slash);
    boolean hasRegistry =
        slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
    if (hasRegistry) {
      return image;
    }
    return slash < 0 ? "docker.io/library/" + image : "docker.io/" + image;
  }

  private static boolean schedulable(Node node) {
    boolean cordoned =
        node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
    boolean tainted =
        node.getSpec() != null
            && node.getSpec().getTaints() != null
            && node.getSpec().getTaints().stream()
                .anyMatch(
                    t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()));
    return !cordoned && !tainted;
  }

  private static String name(Node node) {
    return node.getMetadata().getName();
  }
}
