package io.zeromesh.operator.resources;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.zeromesh.operator.api.v1alpha1.CurveSpec;
import io.zeromesh.operator.api.v1alpha1.DeviceSpec;
import io.zeromesh.operator.api.v1alpha1.SocketOptions;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device pods running the broker image in the kind's mode. One replica: a Deployment with
 * Recreate (an update replaces the pod, never runs two side by side). More: a StatefulSet, each
 * replica a whole device with a stable address, so the peers that must reach every replica
 * (workers, publishers) can connect to each (operator README, who connects where).
 */
public final class DeviceDeploymentBuilder {
  public static final String CONTAINER = "device";
  public static final int ADMIN_PORT = 8080;
  public static final String CURVE_KEY_DIR = "/etc/zeromesh/curve";
  public static final String CURVE_CLIENTS_DIR = "/etc/zeromesh/curve-clients";

  /** Device replicas prefer different values of this node label: different nodes. */
  public static final String SPREAD_TOPOLOGY_KEY = "kubernetes.io/hostname";

  private DeviceDeploymentBuilder() {}

  /**
   * @param secretsVersion a hash of the CURVE Secrets' content ("" when unknown or off): the daemon
   *     reads the keys at start, so a new key must restart it
   */
  public static Deployment build(
      ZmqDevice device,
      OperatorDefaults defaults,
      ResolvedReferences references,
      String secretsVersion) {
    DeviceSpec spec = device.deviceSpec();
    DeviceResources names = DeviceResources.of(device);
    return new DeploymentBuilder()
        .withMetadata(metadata(device, names.deviceDeployment()))
        .withNewSpec()
        .withReplicas(1)
        .withRevisionHistoryLimit(3)
        .withNewStrategy()
        .withType("Recreate")
        .endStrategy()
        .withNewSelector()
        .withMatchLabels(Labels.selector(device, Labels.COMPONENT_DEVICE))
        .endSelector()
        .withTemplate(podTemplate(device, defaults, references, secretsVersion))
        .endSpec()
        .build();
  }

  /**
   * The device StatefulSet, for more than one device replica: the same pod as the Deployment's,
   * each replica with a stable DNS name through the headless Service. Rolling updates replace one
   * replica at a time and wait for it to be Ready before the next; pods start and stop in parallel
   * (their order does not matter: every replica is a whole device).
   */
  public static StatefulSet buildStatefulSet(
      ZmqDevice device,
      OperatorDefaults defaults,
      ResolvedReferences references,
      String secretsVersion) {
    DeviceResources names = DeviceResources.of(device);
    return new StatefulSetBuilder()
        .withMetadata(metadata(device, names.deviceStatefulSet()))
        .withNewSpec()
        .withReplicas(names.deviceReplicas())
        .withServiceName(names.headlessService())
        .withPodManagementPolicy("Parallel")
        .withRevisionHistoryLimit(3)
        .withNewUpdateStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withPartition(0)
        .endRollingUpdate()
        .endUpdateStrategy()
        .withNewSelector()
        .withMatchLabels(Labels.selector(device, Labels.COMPONENT_DEVICE))
        .endSelector()
        .withTemplate(podTemplate(device, defaults, references, secretsVersion))
        .endSpec()
        .build();
  }

  private static ObjectMeta metadata(ZmqDevice device, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(device.getMetadata().getNamespace())
        .withLabels(Labels.of(device, Labels.COMPONENT_DEVICE))
        .withAnnotations(device.deviceSpec().getAnnotations())
        .withOwnerReferences(Owners.controller(device))
        .build();
  }

  private static PodTemplateSpec podTemplate(
      ZmqDevice device,
      OperatorDefaults defaults,
      ResolvedReferences references,
      String secretsVersion) {
    DeviceSpec spec = device.deviceSpec();
    DeviceResources names = DeviceResources.of(device);
    List<EnvVar> env = env(device, references);
    List<String> args = List.of(device.deviceKind().mode());
    String image = spec.getImage() != null ? spec.getImage() : defaults.brokerImage();

    Map<String, String> podAnnotations = new LinkedHashMap<>(spec.getAnnotations());
    podAnnotations.put("prometheus.io/scrape", "true");
    podAnnotations.put("prometheus.io/port", Integer.toString(ADMIN_PORT));
    podAnnotations.put("prometheus.io/path", "/metrics");
    podAnnotations.put(ConfigHash.ANNOTATION, ConfigHash.of(image, args, env, secretsVersion));

    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(Labels.of(device, Labels.COMPONENT_DEVICE))
        .withAnnotations(podAnnotations)
        .endMetadata()
        .withNewSpec()
        // Service links would put FOO_PORT-style variables in the environment; a Service whose
        // name starts with "zeromesh" would then collide with the daemon's ZEROMESH_* settings.
        .withEnableServiceLinks(false)
        .withAutomountServiceAccountToken(false)
        .withTerminationGracePeriodSeconds(30L)
        .withSecurityContext(PodSecurity.pod())
        .withContainers(container(device, image, defaults, env, args))
        .withVolumes(volumes(spec, names))
        .withNodeSelector(spec.getNodeSelector().isEmpty() ? null : spec.getNodeSelector())
        .withTolerations(spec.getTolerations())
        .withAffinity(affinity(device))
        .withPriorityClassName(spec.getPriorityClassName())
        .endSpec()
        .build();
  }

  /**
   * The spec's affinity; for replicated devices without one, a preference to spread the replicas
   * over nodes, so one node going down takes one replica.
   */
  private static Affinity affinity(ZmqDevice device) {
    DeviceSpec spec = device.deviceSpec();
    if (spec.getAffinity() != null || !spec.replicated()) {
      return spec.getAffinity();
    }
    return new AffinityBuilder()
        .withNewPodAntiAffinity()
        .addNewPreferredDuringSchedulingIgnoredDuringExecution()
        .withWeight(100)
        .withNewPodAffinityTerm()
        .withTopologyKey(SPREAD_TOPOLOGY_KEY)
        .withNewLabelSelector()
        .withMatchLabels(Labels.selector(device, Labels.COMPONENT_DEVICE))
        .endLabelSelector()
        .endPodAffinityTerm()
        .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .build();
  }

  private static Container container(
      ZmqDevice device,
      String image,
      OperatorDefaults defaults,
      List<EnvVar> env,
      List<String> args) {
    DeviceSpec spec = device.deviceSpec();
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image)
        .withImagePullPolicy(
            spec.getImagePullPolicy() != null
                ? spec.getImagePullPolicy().name()
                : defaults.imagePullPolicy())
        .withArgs(args)
        .withEnv(env)
        .addNewPort()
        .withName("frontend")
        .withContainerPort(spec.frontend().getPort())
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("backend")
        .withContainerPort(spec.backend().getPort())
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("admin")
        .withContainerPort(ADMIN_PORT)
        .withProtocol("TCP")
        .endPort()
        .withLivenessProbe(probe("/healthz", 10, 3))
        .withReadinessProbe(probe("/readyz", 5, 2))
        .withResources(spec.getResources())
        .withSecurityContext(PodSecurity.container())
        .withVolumeMounts(mounts(spec))
        .build();
  }

  private static Probe probe(String path, int period, int failures) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString("admin"))
        .withScheme("HTTP")
        .endHttpGet()
        .withInitialDelaySeconds(2)
        .withPeriodSeconds(period)
        .withTimeoutSeconds(2)
        .withFailureThreshold(failures)
        .withSuccessThreshold(1)
        .build();
  }

  /** The daemon's settings, as ZEROMESH_* variables (docs/contracts.md). */
  static List<EnvVar> env(ZmqDevice device, ResolvedReferences references) {
    DeviceSpec spec = device.deviceSpec();
    List<EnvVar> env = new ArrayList<>();
    add(env, "ZEROMESH_FRONTEND_PORT", spec.frontend().getPort());
    add(env, "ZEROMESH_BACKEND_PORT", spec.backend().getPort());
    add(env, "ZEROMESH_ADMIN_PORT", ADMIN_PORT);
    SocketOptions socket = spec.getSocketOptions();
    if (socket != null) {
      add(env, "ZEROMESH_SNDHWM", socket.getSndhwm());
      add(env, "ZEROMESH_RCVHWM", socket.getRcvhwm());
      add(env, "ZEROMESH_LINGER_MS", socket.getLingerMs());
      add(env, "ZEROMESH_HEARTBEAT_IVL_MS", socket.getHeartbeatIntervalMs());
      add(env, "ZEROMESH_HEARTBEAT_TIMEOUT_MS", socket.getHeartbeatTimeoutMs());
      add(env, "ZEROMESH_HEARTBEAT_TTL_MS", socket.getHeartbeatTtlMs());
      add(env, "ZEROMESH_MAX_MSG_SIZE", socket.getMaxMessageSize());
      add(env, "ZEROMESH_TCP_KEEPALIVE", socket.getTcpKeepalive());
    }
    if (spec.curveEnabled()) {
      add(env, "ZEROMESH_CURVE", true);
      add(env, "ZEROMESH_CURVE_KEY_DIR", CURVE_KEY_DIR);
      if (spec.getCurve().getAllowedClientsSecretName() != null) {
        add(env, "ZEROMESH_CURVE_ALLOWED_CLIENTS_DIR", CURVE_CLIENTS_DIR);
      }
    }
    add(env, "ZEROMESH_LOG_LEVEL", spec.getLogLevel());
    add(env, "ZEROMESH_LOG_FORMAT", spec.getLogFormat());
    if (!references.upstreams().isEmpty()) {
      add(env, "ZEROMESH_UPSTREAMS", String.join(" ", references.upstreams()));
    }
    spec.modeSettings().forEach((name, value) -> add(env, name, value));
    return env;
  }

  private static void add(List<EnvVar> env, String name, Object value) {
    if (value != null) {
      env.add(new EnvVar(name, value.toString(), null));
    }
  }

  private static List<Volume> volumes(DeviceSpec spec, DeviceResources names) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    if (spec.curveEnabled()) {
      CurveSpec curve = spec.getCurve();
      volumes.add(secretVolume("curve-keys", CurveSecretBuilder.secretName(spec, names)));
      if (curve.getAllowedClientsSecretName() != null) {
        volumes.add(secretVolume("curve-clients", curve.getAllowedClientsSecretName()));
      }
    }
    return volumes;
  }

  private static Volume secretVolume(String name, String secret) {
    return new VolumeBuilder()
        .withName(name)
        .withNewSecret()
        .withSecretName(secret)
        .withDefaultMode(0440)
        .endSecret()
        .build();
  }

  private static List<VolumeMount> mounts(DeviceSpec spec) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    if (spec.curveEnabled()) {
      mounts.add(mount("curve-keys", CURVE_KEY_DIR));
      if (spec.getCurve().getAllowedClientsSecretName() != null) {
        mounts.add(mount("curve-clients", CURVE_CLIENTS_DIR));
      }
    }
    return mounts;
  }

  private static VolumeMount mount(String name, String path) {
    return new VolumeMountBuilder().withName(name).withMountPath(path).withReadOnly(true).build();
  }
}
