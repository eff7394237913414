package io.zeromesh.operator.resources;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.DeviceLink;
import io.zeromesh.operator.api.v1alpha1.DeviceSpec;
import io.zeromesh.operator.api.v1alpha1.DisruptionBudgetSpec;
import io.zeromesh.operator.api.v1alpha1.ServiceType;
import io.zeromesh.operator.api.v1alpha1.WorkerPool;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What the CRD schema cannot check: relations between fields, endpoint syntax, reference kinds,
 * self references. Each problem names its field, e.g. {@code spec.backend.port: must differ from
 * spec.frontend.port (5559)}.
 */
public final class SpecValidator {
  private SpecValidator() {}

  /** The problems of the resource's spec; empty when it is valid. */
  public static List<String> validate(ZmqDevice device) {
    return validate(device, true);
  }

  /**
   * The problems of the resource's spec for an operator that does, or does not, generate CURVE
   * keypairs; empty when it is valid.
   */
  public static List<String> validate(ZmqDevice device, boolean generatesCurveKeys) {
    List<String> problems = new ArrayList<>();
    DeviceSpec spec = device.deviceSpec();
    String name = device.getMetadata().getName();
    int maxName = DeviceResources.maxNameLength(device.deviceKind());
    if (name.length() > maxName) {
      problems.add(
          "metadata.name: at most "
              + maxName
              + " characters for a "
              + device.deviceKind().kind()
              + " (its Service names derive from it), got "
              + name.length());
    }
    int maxReplicated = DeviceResources.maxReplicatedNameLength(device.deviceKind());
    if (spec.replicated() && name.length() > maxReplicated) {
      problems.add(
          "metadata.name: at most "
              + maxReplicated
              + " characters for a "
              + device.deviceKind().kind()
              + " with spec.deviceReplicas > 1 (the StatefulSet's pod labels derive from it), got "
              + name.length());
    }
    int frontend = spec.frontend().getPort();
    int backend = spec.backend().getPort();
    if (frontend == backend) {
      problems.add("spec.backend.port: must differ from spec.frontend.port (" + frontend + ")");
    }
    if (frontend == DeviceDeploymentBuilder.ADMIN_PORT) {
      problems.add("spec.frontend.port: " + frontend + " is the device's admin port");
    }
    if (backend == DeviceDeploymentBuilder.ADMIN_PORT) {
      problems.add("spec.backend.port: " + backend + " is the device's admin port");
    }
    if (spec.frontend().getNodePort() != null
        && spec.frontend().getServiceType() == ServiceType.ClusterIP) {
      problems.add("spec.frontend.nodePort: only with serviceType NodePort or LoadBalancer");
    }
    if (spec.getCurve() != null
        && !spec.curveEnabled()
        && (spec.getCurve().getSecretName() != null
            || spec.getCurve().getAllowedClientsSecretName() != null)) {
      problems.add("spec.curve.enabled: must be true when a CURVE Secret is named");
    }
    if (!generatesCurveKeys && CurveSecretBuilder.generated(spec)) {
      problems.add(
          "spec.curve.secretName: required: this operator does not generate CURVE keypairs"
              + " (ZEROMESH_CURVE_GENERATED_KEYS=false, the chart's curve.generatedKeys); name a"
              + " Secret in this namespace holding server.key and server.pub (Z85)");
    }
    WorkerPool pool = spec.workerPool();
    if (pool != null) {
      template(pool.template(), pool.field() + ".template", problems);
      budget(pool.podDisruptionBudget(), pool.field() + ".podDisruptionBudget", problems);
    }
    for (DeviceLink link : spec.links()) {
      link(device, link, problems);
    }
    return problems;
  }

  private static void link(ZmqDevice self, DeviceLink link, List<String> problems) {
    String field = link.field();
    if (link.name() != null) {
      List<DeviceKind> targets = link.role().targets();
      String allowed = targets.stream().map(DeviceKind::kind).collect(Collectors.joining(" or "));
      if (link.kind() == null) {
        problems.add(field + ".kind: required with " + field + ".name (" + allowed + ")");
        return;
      }
      if (!targets.contains(link.targetKind())) {
        problems.add(field + ".kind: must be " + allowed + ", got '" + link.kind() + "'");
        return;
      }
    }
    reference(self, link.kind(), link.name(), link.namespace(), link.endpoint(), field, problems);
    for (int t = 0; t < link.topics().size(); t++) {
      String topic = link.topics().get(t);
      if (topic == null || topic.isEmpty() || topic.matches(".*[,|\\s].*")) {
        problems.add(
            field
                + ".topics["
                + t
                + "]: must be non-empty without commas, '|' or whitespace, got '"
                + topic
                + "'");
      }
    }
  }

  /** Exactly one of name and endpoint; a well-formed endpoint; not the resource itself. */
  private static void reference(
      ZmqDevice self,
      String kind,
      String name,
      String namespace,
      String endpoint,
      String field,
      List<String> problems) {
    if ((name == null) == (endpoint == null)) {
      problems.add(field + ": exactly one of name and endpoint must be set");
      return;
    }
    if (endpoint != null) {
      String problem = Endpoint.problem(endpoint);
      if (problem != null) {
        problems.add(field + ".endpoint: " + problem);
      }
      if (namespace != null) {
        problems.add(field + ".namespace: only with name, not with endpoint");
      }
      return;
    }
    String ns = namespace == null ? self.getMetadata().getNamespace() : namespace;
    if (Objects.equals(kind, self.getKind())
        && name.equals(self.getMetadata().getName())
        && ns.equals(self.getMetadata().getNamespace())) {
      problems.add(field + ".name: refers to this " + self.getKind() + " itself");
    }
  }

  private static void template(PodTemplateSpec template, String field, List<String> problems) {
    if (template == null) {
      problems.add(field + ": required");
      return;
    }
    if (template.getSpec() == null
        || template.getSpec().getContainers() == null
        || template.getSpec().getContainers().isEmpty()) {
      problems.add(field + ".spec.containers: at least one container is needed");
      return;
    }
    List<Container> containers = template.getSpec().getContainers();
    for (int i = 0; i < containers.size(); i++) {
      String image = containers.get(i).getImage();
      if (image == null || image.isBlank()) {
        problems.add(field + ".spec.containers[" + i + "].image: required");
      }
    }
  }

  private static void budget(DisruptionBudgetSpec budget, String field, List<String> problems) {
    if (budget != null && budget.getMinAvailable() != null && budget.getMaxUnavailable() != null) {
      problems.add(field + ": set at most one of minAvailable and maxUnavailable");
    }
  }
}
