package io.zeromesh.e2e.support;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Worker pod templates for the {@code workers} of a ZmqBroker or ZmqPipelineStage: the broker
 * image's probe in a server mode, connecting where the operator's environment says ({@code
 * $(ZEROMESH_BROKER)}, {@code $(ZEROMESH_INPUT)}, {@code $(ZEROMESH_OUTPUT)}).
 */
public final class Workers {
  private Workers() {}

  /** A template running {@code zeromesh-broker probe <args>} under the restricted context. */
  public static PodTemplateSpec probeTemplate(String... probeArgs) {
    List<String> args = new ArrayList<>();
    args.add("probe");
    args.addAll(List.of(probeArgs));
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .addToLabels("app.kubernetes.io/part-of", Probe.PART_OF)
        .endMetadata()
        .withNewSpec()
        .withContainers(
            new ContainerBuilder()
                .withName("worker")
                .withImage(E2eSettings.brokerImage())
                .withImagePullPolicy(E2eSettings.imagePullPolicy())
                .withArgs(args)
                .withSecurityContext(Probe.restrictedSecurityContext())
                .withNewResources()
                .withRequests(Map.of("cpu", new Quantity("10m"), "memory", new Quantity("64Mi")))
                .withLimits(Map.of("memory", new Quantity("256Mi")))
                .endResources()
                .addNewVolumeMount()
                .withName("tmp")
                .withMountPath("/tmp")
                .endVolumeMount()
                .build())
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .build();
  }

  /** The template as the plain map a generic custom resource carries. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> asMap(PodTemplateSpec template) {
    return Kube.client().getKubernetesSerialization().convertValue(template, Map.class);
  }
}
