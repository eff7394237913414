package io.zeromesh.operator.resources;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.DeviceSpec;
import io.zeromesh.operator.api.v1alpha1.DisruptionBudgetSpec;
import io.zeromesh.operator.api.v1alpha1.OutputSpec;
import io.zeromesh.operator.api.v1alpha1.ServiceType;
import io.zeromesh.operator.api.v1alpha1.UpstreamSpec;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the CRD schema cannot check: relations between fields, endpoint syntax, reference kinds,
 * self references. Each problem names its field, e.g. {@code spec.backend.port: must differ from
 * spec.frontend.port (5559)}.
 */
public final class SpecValidator {
  private SpecValidator() {}

  /** The problems of the resource's spec; empty when it is valid. */
  public static List<String> validate(ZmqDevice device) {
    List<String> problems = new ArrayList<>();
    DeviceSpec spec = device.deviceSpec();
    String name = device.getMetadata().getName();
    int maxName = DeviceNames.maxNameLength(device.deviceKind());
    if (name.length() > maxName) {
      problems.add(
          "metadata.name: at most "
              + maxName
              + " characters for a "
              + device.deviceKind().kind()
              + " (its Service names derive from it), got "
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
    if (device instanceof ZmqBroker broker) {
      validateBroker(broker, problems);
    } else if (device instanceof ZmqForwarder forwarder) {
      validateForwarder(forwarder, problems);
    } else if (device instanceof ZmqPipelineStage stage) {
      validateStage(stage, problems);
    }
    return problems;
  }

  private static void validateBroker(ZmqBroker broker, List<String> problems) {
    var workers = broker.getSpec().getWorkers();
    if (workers != null) {
      template(workers.getTemplate(), "spec.workers.template", true, problems);
      budget(workers.getPodDisruptionBudget(), "spec.workers.podDisruptionBudget", problems);
    }
  }

  private static void validateForwarder(ZmqForwarder forwarder, List<String> problems) {
    List<UpstreamSpec> upstreams = forwarder.getSpec().getUpstreams();
    for (int i = 0; i < upstreams.size(); i++) {
      UpstreamSpec u = upstreams.get(i);
      String field = "spec.upstreams[" + i + "]";
      reference(
          forwarder,
          DeviceKind.FORWARDER.kind(),
          u.getName(),
          u.getNamespace(),
          u.getEndpoint(),
          field,
          problems);
      for (int t = 0; t < u.getTopics().size(); t++) {
        String topic = u.getTopics().get(t);
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
  }

  private static void validateStage(ZmqPipelineStage stage, List<String> problems) {
    var spec = stage.getSpec();
    if (spec.getTemplate() != null) {
      template(spec.getTemplate(), "spec.template", false, problems);
    }
    budget(spec.getPodDisruptionBudget(), "spec.podDisruptionBudget", problems);
    OutputSpec output = spec.getOutput();
    if (output != null) {
      if (output.getName() != null) {
        if (output.getKind() == null) {
          problems.add(
              "spec.output.kind: required with spec.output.name (ZmqPipelineStage or ZmqForwarder)");
          return;
        }
        DeviceKind kind = DeviceKind.ofKind(output.getKind());
        if (kind != DeviceKind.PIPELINE_STAGE && kind != DeviceKind.FORWARDER) {
          problems.add(
              "spec.output.kind: must be ZmqPipelineStage or ZmqForwarder, got '"
                  + output.getKind()
                  + "'");
          return;
        }
      }
      reference(
          stage,
          output.getKind(),
          output.getName(),
          output.getNamespace(),
          output.getEndpoint(),
          "spec.output",
          problems);
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

  private static void template(
      PodTemplateSpec template, String field, boolean required, List<String> problems) {
    if (template == null) {
      if (required) {
        problems.add(field + ": required");
      }
      return;
    }
    if (template.getSpec() == null
        || template.getSpec().getContainers() == null
        || template.getSpec().getContainers().isEmpty()) {
      problems.add(field + ".spec.containers: at least one container is needed");
    }
  }

  private static void budget(DisruptionBudgetSpec budget, String field, List<String> problems) {
    if (budget != null && budget.getMinAvailable() != null && budget.getMaxUnavailable() != null) {
      problems.add(field + ": set at most one of minAvailable and maxUnavailable");
    }
  }
}
