package io.zeromesh.operator.resources;

import static io.zeromesh.operator.testing.TestResources.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.zeromesh.operator.api.v1alpha1.CurveSpec;
import io.zeromesh.operator.api.v1alpha1.ImagePullPolicy;
import io.zeromesh.operator.api.v1alpha1.SocketOptions;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.testing.TestResources;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DeviceDeploymentBuilderTest {
  private static final OperatorDefaults DEFAULTS =
      new OperatorDefaults("registry.example/zeromesh/broker:1.2.3", "Always");

  private static ZmqBroker broker(
      java.util.function.Consumer<io.zeromesh.operator.api.v1alpha1.ZmqBrokerSpec> spec) {
    return stored(TestResources.broker("prod", "orders", spec));
  }

  private static Deployment build(ZmqBroker broker) {
    return DeviceDeploymentBuilder.build(broker, DEFAULTS, ResolvedReferences.NONE, "");
  }

  private static Container container(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Map<String, String> env(Container c) {
    return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void oneRecreatedReplicaNamedAfterTheBrokerAndOwnedByIt() {
    ZmqBroker broker = broker(s -> {});
    Deployment d = build(broker);
    assertEquals("orders-broker", d.getMetadata().getName());
    assertEquals("prod", d.getMetadata().getNamespace());
    assertEquals(1, d.getSpec().getReplicas());
    assertEquals("Recreate", d.getSpec().getStrategy().getType());
    var owner = d.getMetadata().getOwnerReferences().get(0);
    assertEquals(1, d.getMetadata().getOwnerReferences().size());
    assertEquals(TestResources.UID, owner.getUid());
    assertEquals("ZmqBroker", owner.getKind());
    assertEquals("zeromesh.io/v1alpha1", owner.getApiVersion());
    assertTrue(owner.getController());
    assertTrue(owner.getBlockOwnerDeletion());
  }

  @Test
  void labelsAreTheStandardSetAndTheSelectorIsStable() {
    ZmqBroker broker =
        broker(s -> s.setLabels(Map.of("team", "payments", Labels.INSTANCE, "spoof")));
    Deployment d = build(broker);
    Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
    assertEquals("zeromesh-broker", labels.get("app.kubernetes.io/name"));
    assertEquals("orders", labels.get("app.kubernetes.io/instance"), "the operator's labels win");
    assertEquals("device", labels.get("app.kubernetes.io/component"));
    assertEquals("zeromesh-operator", labels.get("app.kubernetes.io/managed-by"));
    assertEquals("zeromesh", labels.get("app.kubernetes.io/part-of"));
    assertEquals("payments", labels.get("team"));
    assertEquals(
        Map.of(
            "app.kubernetes.io/name", "zeromesh-broker",
            "app.kubernetes.io/instance", "orders",
            "app.kubernetes.io/component", "device"),
        d.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void runsTheQueueModeWithPortsAndSocketOptionsFromTheSpec() {
    ZmqBroker broker =
        broker(
            s -> {
              s.getFrontend().setPort(7000);
              s.getBackend().setPort(7001);
              SocketOptions o = new SocketOptions();
              o.setSndhwm(5000);
              o.setRcvhwm(6000);
              o.setHeartbeatIntervalMs(1000);
              o.setHeartbeatTimeoutMs(3000);
              o.setHeartbeatTtlMs(4000);
              o.setMaxMessageSize(1048576L);
              o.setLingerMs(250);
              o.setTcpKeepalive(false);
              s.setSocketOptions(o);
              s.setLogLevel("debug");
              s.setLogFormat("json");
            });
    Container c = container(build(broker));
    assertEquals("device", c.getName());
    assertEquals(List.of("queue"), c.getArgs());
    assertEquals(
        Map.ofEntries(
            Map.entry("ZEROMESH_FRONTEND_PORT", "7000"),
            Map.entry("ZEROMESH_BACKEND_PORT", "7001"),
            Map.entry("ZEROMESH_ADMIN_PORT", "8080"),
            Map.entry("ZEROMESH_SNDHWM", "5000"),
            Map.entry("ZEROMESH_RCVHWM", "6000"),
            Map.entry("ZEROMESH_HEARTBEAT_IVL_MS", "1000"),
            Map.entry("ZEROMESH_HEARTBEAT_TIMEOUT_MS", "3000"),
            Map.entry("ZEROMESH_HEARTBEAT_TTL_MS", "4000"),
            Map.entry("ZEROMESH_MAX_MSG_SIZE", "1048576"),
            Map.entry("ZEROMESH_LINGER_MS", "250"),
            Map.entry("ZEROMESH_TCP_KEEPALIVE", "false"),
            Map.entry("ZEROMESH_LOG_LEVEL", "debug"),
            Map.entry("ZEROMESH_LOG_FORMAT", "json")),
        env(c));
    assertEquals(
        Map.of("frontend", 7000, "backend", 7001, "admin", 8080),
        c.getPorts().stream()
            .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort)));
    assertTrue(c.getPorts().stream().allMatch(p -> "TCP".equals(p.getProtocol())));
  }

  @Test
  void unsetOptionsKeepTheDaemonDefaults() {
    Map<String, String> env = env(container(build(broker(s -> {}))));
    assertEquals(
        Map.of(
            "ZEROMESH_FRONTEND_PORT", "5559",
            "ZEROMESH_BACKEND_PORT", "5560",
            "ZEROMESH_ADMIN_PORT", "8080"),
        env);
  }

  @Test
  void imageAndPullPolicyFromTheOperatorUnlessTheSpecSaysOtherwise() {
    Container byDefault = container(build(broker(s -> {})));
    assertEquals("registry.example/zeromesh/broker:1.2.3", byDefault.getImage());
    assertEquals("Always", byDefault.getImagePullPolicy());
    Container overridden =
        container(
            build(
                broker(
                    s -> {
                      s.setImage("mirror/broker:9");
                      s.setImagePullPolicy(ImagePullPolicy.IfNotPresent);
                    })));
    assertEquals("mirror/broker:9", overridden.getImage());
    assertEquals("IfNotPresent", overridden.getImagePullPolicy());
  }

  @Test
  void probesOnTheAdminPort() {
    Container c = container(build(broker(s -> {})));
    assertEquals("/healthz", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals("admin", c.getLivenessProbe().getHttpGet().getPort().getStrVal());
    assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
    assertEquals("admin", c.getReadinessProbe().getHttpGet().getPort().getStrVal());
  }

  @Test
  void restrictedSecurityContextAndATmpVolume() {
    Deployment d = build(broker(s -> {}));
    var pod = d.getSpec().getTemplate().getSpec();
    assertTrue(pod.getSecurityContext().getRunAsNonRoot());
    assertEquals(65532L, pod.getSecurityContext().getRunAsUser());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    assertFalse(pod.getEnableServiceLinks(), "no service env vars colliding with ZEROMESH_*");
    assertFalse(pod.getAutomountServiceAccountToken());
    var sc = container(d).getSecurityContext();
    assertTrue(sc.getRunAsNonRoot());
    assertEquals(65532L, sc.getRunAsUser());
    assertTrue(sc.getReadOnlyRootFilesystem());
    assertFalse(sc.getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
    assertEquals("RuntimeDefault", sc.getSeccompProfile().getType());
    assertEquals(List.of("tmp"), pod.getVolumes().stream().map(Volume::getName).toList());
    assertNotNullEmptyDir(pod.getVolumes().get(0));
    assertEquals("/tmp", container(d).getVolumeMounts().get(0).getMountPath());
  }

  private static void assertNotNullEmptyDir(Volume v) {
    assertTrue(v.getEmptyDir() != null, "tmp is an emptyDir");
  }

  @Test
  void prometheusAnnotationsOnThePod() {
    Map<String, String> a =
        build(broker(s -> {})).getSpec().getTemplate().getMetadata().getAnnotations();
    assertEquals("true", a.get("prometheus.io/scrape"));
    assertEquals("8080", a.get("prometheus.io/port"));
    assertEquals("/metrics", a.get("prometheus.io/path"));
  }

  @Test
  void curveMountsTheKeysAndTheAllowList() {
    ZmqBroker broker =
        broker(
            s -> {
              CurveSpec curve = new CurveSpec();
              curve.setEnabled(true);
              curve.setAllowedClientsSecretName("clients");
              s.setCurve(curve);
            });
    Deployment d = build(broker);
    Container c = container(d);
    assertEquals("true", env(c).get("ZEROMESH_CURVE"));
    assertEquals("/etc/zeromesh/curve", env(c).get("ZEROMESH_CURVE_KEY_DIR"));
    assertEquals("/etc/zeromesh/curve-clients", env(c).get("ZEROMESH_CURVE_ALLOWED_CLIENTS_DIR"));
    Map<String, String> secrets =
        d.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getSecret() != null)
            .collect(Collectors.toMap(Volume::getName, v -> v.getSecret().getSecretName()));
    assertEquals(Map.of("curve-keys", "orders-broker-curve", "curve-clients", "clients"), secrets);
    Map<String, String> mounts =
        c.getVolumeMounts().stream()
            .collect(Collectors.toMap(m -> m.getName(), m -> m.getMountPath()));
    assertEquals("/etc/zeromesh/curve", mounts.get("curve-keys"));
    assertEquals("/etc/zeromesh/curve-clients", mounts.get("curve-clients"));
  }

  @Test
  void aUserSecretReplacesTheGeneratedOne() {
    ZmqBroker broker =
        broker(
            s -> {
              CurveSpec curve = new CurveSpec();
              curve.setEnabled(true);
              curve.setSecretName("my-keys");
              s.setCurve(curve);
            });
    var volume =
        build(broker).getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> "curve-keys".equals(v.getName()))
            .findFirst()
            .orElseThrow();
    assertEquals("my-keys", volume.getSecret().getSecretName());
  }

  @Test
  void theConfigHashChangesWithTheSecretsAndTheSpecOnly() {
    ZmqBroker broker = broker(s -> {});
    String base =
        hash(DeviceDeploymentBuilder.build(broker, DEFAULTS, ResolvedReferences.NONE, "v1"));
    assertEquals(
        base, hash(DeviceDeploymentBuilder.build(broker, DEFAULTS, ResolvedReferences.NONE, "v1")));
    assertNotEquals(
        base, hash(DeviceDeploymentBuilder.build(broker, DEFAULTS, ResolvedReferences.NONE, "v2")));
    broker.getSpec().getFrontend().setPort(7000);
    assertNotEquals(
        base, hash(DeviceDeploymentBuilder.build(broker, DEFAULTS, ResolvedReferences.NONE, "v1")));
  }

  private static String hash(Deployment d) {
    return d.getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);
  }

  @Test
  void schedulingAndResourcesPassThrough() {
    ZmqBroker broker =
        broker(
            s -> {
              s.setNodeSelector(Map.of("pool", "messaging"));
              s.setTolerations(
                  List.of(
                      new TolerationBuilder().withKey("dedicated").withOperator("Exists").build()));
              s.setPriorityClassName("critical");
              s.setResources(
                  new ResourceRequirementsBuilder()
                      .addToRequests("cpu", new Quantity("100m"))
                      .addToLimits("memory", new Quantity("256Mi"))
                      .build());
            });
    Deployment d = build(broker);
    var pod = d.getSpec().getTemplate().getSpec();
    assertEquals(Map.of("pool", "messaging"), pod.getNodeSelector());
    assertEquals("dedicated", pod.getTolerations().get(0).getKey());
    assertEquals("critical", pod.getPriorityClassName());
    assertEquals(new Quantity("100m"), container(d).getResources().getRequests().get("cpu"));
    assertNull(build(broker(s -> {})).getSpec().getTemplate().getSpec().getNodeSelector());
  }

  @Test
  void forwarderPassesUpstreamsAndItsOptions() {
    ZmqForwarder forwarder =
        stored(
            TestResources.forwarder(
                "prod",
                "news",
                s -> {
                  s.setLastValueCache(true);
                  s.setWelcomeMessage("hello");
                  s.setMinSubscribers(2);
                  s.setStartGateBuffer(500);
                }));
    Deployment d =
        DeviceDeploymentBuilder.build(
            forwarder,
            DEFAULTS,
            new ResolvedReferences(List.of("tcp://a:1|x,y", "tcp://b:2"), null),
            "");
    Map<String, String> env = env(container(d));
    assertEquals(List.of("forwarder"), container(d).getArgs());
    assertEquals("5557", env.get("ZEROMESH_FRONTEND_PORT"));
    assertEquals("5558", env.get("ZEROMESH_BACKEND_PORT"));
    assertEquals("tcp://a:1|x,y tcp://b:2", env.get("ZEROMESH_UPSTREAMS"));
    assertEquals("true", env.get("ZEROMESH_LAST_VALUE_CACHE"));
    assertEquals("hello", env.get("ZEROMESH_WELCOME_MESSAGE"));
    assertEquals("2", env.get("ZEROMESH_MIN_SUBSCRIBERS"));
    assertEquals("500", env.get("ZEROMESH_START_GATE_BUFFER"));
    assertEquals("news-forwarder", d.getMetadata().getName());
  }
}
