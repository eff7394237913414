package io.zeromesh.operator.resources;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.DeviceSpec;
import io.zeromesh.operator.api.v1alpha1.WorkerPool;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The worker Deployment: the user's pod template, with the operator's labels and the endpoints the
 * workers connect to injected into every container (docs/contracts.md, worker env).
 */
public final class WorkerDeploymentBuilder {
  public static final String ENV_BROKER = DeviceKind.BROKER.workerBackendEnv();
  public static final String ENV_INPUT = DeviceKind.PIPELINE_STAGE.workerBackendEnv();
  public static final String ENV_OUTPUT = "ZEROMESH_OUTPUT";
  public static final String ENV_CURVE_SERVER_KEY = "ZEROMESH_CURVE_SERVER_KEY";

  private WorkerDeploymentBuilder() {}

  /** True when the resource runs workers. */
  public static boolean wanted(ZmqDevice device) {
    return device.deviceSpec().workerPool() != null;
  }

  /** The desired worker count, 0 for a resource without workers. */
  public static int replicas(ZmqDevice device) {
    WorkerPool pool = device.deviceSpec().workerPool();
    return pool == null ? 0 : pool.replicas();
  }

  /** The variables every worker container gets. */
  public static List<EnvVar> env(ZmqDevice device, ResolvedReferences references) {
    DeviceSpec spec = device.deviceSpec();
    DeviceResources names = DeviceResources.of(device);
    List<EnvVar> env = new ArrayList<>();
    // Workers take from every device replica (one replica: through the backend Service).
    env.add(
        new EnvVar(
            device.deviceKind().workerBackendEnv(), names.backendEndpointsOfEveryReplica(), null));
    if (references.output() != null) {
      env.add(new EnvVar(ENV_OUTPUT, references.output(), null));
    }
    if (spec.curveEnabled()) {
      env.add(
          new EnvVarBuilder()
              .withName(ENV_CURVE_SERVER_KEY)
              .withNewValueFrom()
              .withNewSecretKeyRef()
              .withName(CurveSecretBuilder.secretName(spec, names))
              .withKey(CurveKeys.PUBLIC_KEY)
              .endSecretKeyRef()
              .endValueFrom()
              .build());
    }
    return env;
  }

  /**
   * @param secretsVersion hash of the CURVE Secret's content: the server key is read into the
   *     environment at start, so a new key must restart the workers
   */
  public static Deployment build(
      ZmqDevice device, ResolvedReferences references, String secretsVersion) {
    PodTemplateSpec userTemplate = template(device);
    DeviceResources names = DeviceResources.of(device);
    List<EnvVar> injected = env(device, references);
    Set<String> injectedNames = injected.stream().map(EnvVar::getName).collect(Collectors.toSet());

    PodTemplateSpec template = new PodTemplateSpecBuilder(userTemplate).build();
    Map<String, String> labels = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.putAll(Labels.of(device, Labels.COMPONENT_WORKERS));
    Map<String, String> annotations = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getAnnotations() != null) {
      annotations.putAll(template.getMetadata().getAnnotations());
    }
    annotations.put(ConfigHash.ANNOTATION, ConfigHash.of(injected, secretsVersion));

    List<Container> containers = new ArrayList<>();
    for (Container c : template.getSpec().getContainers()) {
      List<EnvVar> env = new ArrayList<>(injected);
      if (c.getEnv() != null) {
        // The operator's variables first, so the user's may refer to them as $(ZEROMESH_...).
        c.getEnv().stream().filter(e -> !injectedNames.contains(e.getName())).forEach(env::add);
      }
      containers.add(new ContainerBuilder(c).withEnv(env).build());
    }

    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(names.workerDeployment())
        .withNamespace(names.namespace())
        .withLabels(Labels.of(device, Labels.COMPONENT_WORKERS))
        .withAnnotations(device.deviceSpec().getAnnotations())
        .withOwnerReferences(Owners.controller(device))
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas(device))
        .withRevisionHistoryLimit(3)
        .withNewSelector()
        .withMatchLabels(Labels.selector(device, Labels.COMPONENT_WORKERS))
        .endSelector()
        .withTemplate(
            new PodTemplateSpecBuilder(template)
                .editOrNewMetadata()
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .editSpec()
                .withContainers(containers)
                .endSpec()
                .build())
        .endSpec()
        .build();
  }

  private static PodTemplateSpec template(ZmqDevice device) {
    WorkerPool pool = device.deviceSpec().workerPool();
    if (pool != null && pool.template() != null) {
      return pool.template();
    }
    throw new IllegalArgumentException(
        device.getKind() + " " + device.getMetadata().getName() + " has no workers");
  }
}
