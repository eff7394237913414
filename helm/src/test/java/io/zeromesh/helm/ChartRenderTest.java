package io.zeromesh.helm;

import static io.zeromesh.helm.ChartFixture.NAMESPACE;
import static io.zeromesh.helm.ChartFixture.RELEASE;
import static io.zeromesh.helm.ChartFixture.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.helm.ChartFixture.Manifests;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Renders the chart with helm-java and checks the objects it produces. */
@Timeout(120)
class ChartRenderTest {

  private static final Set<String> CLUSTER_SCOPED =
      Set.of("ClusterRole", "ClusterRoleBinding", "Namespace", "CustomResourceDefinition");

  @Test
  void defaultsRenderTheOperatorDeployment() {
    Manifests m = ChartFixture.render();
    Map<String, Object> deployment = m.get("Deployment", RELEASE);
    assertEquals(1, (Integer) at(deployment, "spec", "replicas"));
    assertEquals("RollingUpdate", at(deployment, "spec", "strategy", "type"));
    Map<String, Object> podSpec = at(deployment, "spec", "template", "spec");
    assertEquals(RELEASE, podSpec.get("serviceAccountName"));

    Map<String, Object> container = m.operatorContainer();
    assertEquals("zeromesh/operator:0.1.0", container.get("image"));
    assertEquals("IfNotPresent", container.get("imagePullPolicy"));
    assertEquals(8080, (Integer) at(container, "ports", 0, "containerPort"));
    assertEquals("http", at(container, "ports", 0, "name"));
    assertEquals("/q/health/live", at(container, "livenessProbe", "httpGet", "path"));
    assertEquals("/q/health/ready", at(container, "readinessProbe", "httpGet", "path"));
    assertEquals("http", at(container, "livenessProbe", "httpGet", "port"));
    assertEquals("http", at(container, "readinessProbe", "httpGet", "port"));
    assertEquals("256Mi", at(container, "resources", "requests", "memory"));
    assertEquals("512Mi", at(container, "resources", "limits", "memory"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.20.2", "1.37.0", "1.37.2"})
  void rendersForTheLocalClusterAndKind(String kubeVersion) {
    // 1.20.2: the oldest tested (make cluster-binaries-1.20); 1.37.0: kind v0.33.0's node image;
    // 1.37.2: e2e/local-cluster's Kubernetes.
    String rendered = ChartFixture.renderText(null, kubeVersion);
    assertTrue(rendered.contains("kind: Deployment"), rendered);
  }

  @Test
  void refusesKubernetesOlderThanSupported() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> ChartFixture.renderText(null, "1.19.16"));
    assertTrue(e.getMessage().contains("kubeVersion"), e.getMessage());
  }

  @Test
  void defaultsSetTheOperatorEnvironmentFromTheContract() {
    Manifests m = ChartFixture.render();
    Map<String, String> env = m.operatorEnv();
    assertEquals("zeromesh/broker:0.1.0", env.get("ZEROMESH_BROKER_IMAGE"));
    assertEquals("IfNotPresent", env.get("ZEROMESH_BROKER_IMAGE_PULL_POLICY"));
    assertEquals("JOSDK_ALL_NAMESPACES", env.get("QUARKUS_OPERATOR_SDK_NAMESPACES"));
    assertEquals("true", env.get("ZEROMESH_LEADER_ELECTION"));
    assertEquals("false", env.get("ZEROMESH_LOG_JSON"));
    // Watching every namespace the operator neither generates keypairs nor reads Secrets.
    assertEquals("false", env.get("ZEROMESH_CURVE_GENERATED_KEYS"));
    assertEquals("false", env.get("ZEROMESH_CURVE_READ_SECRETS"));

    List<Map<String, Object>> allEnv = at(m.operatorContainer(), "env");
    Map<String, Object> namespaceVar =
        allEnv.stream()
            .filter(e -> "KUBERNETES_NAMESPACE".equals(e.get("name")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no KUBERNETES_NAMESPACE env var"));
    assertEquals("metadata.namespace", at(namespaceVar, "valueFrom", "fieldRef", "fieldPath"));
  }

  @Test
  void defaultsAreRestrictedAndWriteOnlyToTmp() {
    Manifests m = ChartFixture.render();
    Map<String, Object> podSpec = at(m.get("Deployment", RELEASE), "spec", "template", "spec");
    Map<String, Object> pod = at(podSpec, "securityContext");
    assertEquals(true, pod.get("runAsNonRoot"));
    assertEquals(65532, (Integer) pod.get("runAsUser"));
    assertEquals("RuntimeDefault", at(pod, "seccompProfile", "type"));

    Map<String, Object> container = at(m.operatorContainer(), "securityContext");
    assertEquals(true, container.get("runAsNonRoot"));
    assertEquals(65532, (Integer) container.get("runAsUser"));
    assertEquals(true, container.get("readOnlyRootFilesystem"));
    assertEquals(false, container.get("allowPrivilegeEscalation"));
    assertEquals(List.of("ALL"), at(container, "capabilities", "drop"));
    assertNull(at(container, "capabilities", "add"));
    assertEquals("RuntimeDefault", at(container, "seccompProfile", "type"));

    assertEquals("tmp", at(m.operatorContainer(), "volumeMounts", 0, "name"));
    assertEquals("/tmp", at(m.operatorContainer(), "volumeMounts", 0, "mountPath"));
    assertEquals("tmp", at(podSpec, "volumes", 0, "name"));
    assertNotNull(at(podSpec, "volumes", 0, "emptyDir"), "/tmp must be an emptyDir");
    assertEquals("64Mi", at(podSpec, "volumes", 0, "emptyDir", "sizeLimit"));
  }

  @Test
  void tmpWithoutSizeLimitIsStillAnEmptyDir() {
    Manifests m = ChartFixture.render("tmpDir:\n  sizeLimit: \"\"\n");
    Map<String, Object> podSpec = at(m.get("Deployment", RELEASE), "spec", "template", "spec");
    assertEquals(Map.of(), at(podSpec, "volumes", 0, "emptyDir"), "emptyDir must be {} not null");
  }

  @Test
  void everyObjectIsLabelledNamedAndPlaced() {
    Manifests m = ChartFixture.render();
    assertFalse(m.objects().isEmpty());
    for (Map<String, Object> o : m.objects()) {
      String id = o.get("kind") + "/" + at(o, "metadata", "name");
      String name = at(o, "metadata", "name");
      assertTrue(name.length() <= 63, id + " name longer than 63 characters");
      Map<String, String> labels = at(o, "metadata", "labels");
      assertNotNull(labels, id + " has no labels");
      assertEquals("zeromesh-operator", labels.get("app.kubernetes.io/name"), id);
      assertEquals(RELEASE, labels.get("app.kubernetes.io/instance"), id);
      assertEquals("zeromesh", labels.get("app.kubernetes.io/part-of"), id);
      assertEquals("Helm", labels.get("app.kubernetes.io/managed-by"), id);
      assertEquals("zeromesh-operator-0.1.0", labels.get("helm.sh/chart"), id);
      if (CLUSTER_SCOPED.contains((String) o.get("kind"))) {
        assertNull(at(o, "metadata", "namespace"), id + " is cluster-scoped");
      } else {
        assertEquals(NAMESPACE, at(o, "metadata", "namespace"), id + " namespace");
      }
    }
    assertEquals(
        Set.of(
            "ServiceAccount/zeromesh-operator",
            "ClusterRole/zeromesh-operator",
            "ClusterRoleBinding/zeromesh-operator",
            "Role/zeromesh-operator-leader-election",
            "RoleBinding/zeromesh-operator-leader-election",
            "Service/zeromesh-operator-metrics",
            "Deployment/zeromesh-operator"),
        m.objects().stream()
            .map(o -> o.get("kind") + "/" + at(o, "metadata", "name"))
            .collect(Collectors.toSet()));
  }

  @Test
  void metricsServiceSelectsTheOperatorPods() {
    Manifests m = ChartFixture.render();
    Map<String, Object> service = m.get("Service", RELEASE + "-metrics");
    assertEquals("http-metrics", at(service, "spec", "ports", 0, "name"));
    assertEquals(8080, (Integer) at(service, "spec", "ports", 0, "port"));
    assertEquals("http", at(service, "spec", "ports", 0, "targetPort"));
    Map<String, String> selector = at(service, "spec", "selector");
    Map<String, String> podLabels =
        at(m.get("Deployment", RELEASE), "spec", "template", "metadata", "labels");
    assertFalse(selector.isEmpty());
    assertTrue(
        podLabels.entrySet().containsAll(selector.entrySet()),
        "service selector " + selector + " does not match pod labels " + podLabels);
    Map<String, String> deploymentSelector =
        at(m.get("Deployment", RELEASE), "spec", "selector", "matchLabels");
    assertEquals(deploymentSelector, selector);
    assertTrue(m.ofKind("ServiceMonitor").isEmpty(), "no ServiceMonitor unless enabled");
  }

  @Test
  void serviceMonitorScrapesTheMetricsPortWhenEnabled() {
    Manifests m =
        ChartFixture.render(
            """
            metrics:
              serviceMonitor:
                enabled: true
                interval: 15s
                scrapeTimeout: 5s
                labels:
                  release: kube-prometheus-stack
            """);
    Map<String, Object> monitor = m.get("ServiceMonitor", RELEASE);
    assertEquals("monitoring.coreos.com/v1", monitor.get("apiVersion"));
    assertEquals("kube-prometheus-stack", at(monitor, "metadata", "labels", "release"));
    assertEquals("http-metrics", at(monitor, "spec", "endpoints", 0, "port"));
    assertEquals("/q/metrics", at(monitor, "spec", "endpoints", 0, "path"));
    assertEquals("15s", at(monitor, "spec", "endpoints", 0, "interval"));
    assertEquals("5s", at(monitor, "spec", "endpoints", 0, "scrapeTimeout"));
    assertEquals(List.of(NAMESPACE), at(monitor, "spec", "namespaceSelector", "matchNames"));
    Map<String, String> selector = at(monitor, "spec", "selector", "matchLabels");
    Map<String, String> serviceLabels =
        at(m.get("Service", RELEASE + "-metrics"), "metadata", "labels");
    assertTrue(serviceLabels.entrySet().containsAll(selector.entrySet()));
  }

  @Test
  void watchNamespacesGrantsRolesInEachAndNoClusterWideAccessToResources() {
    Manifests m =
        ChartFixture.render(
            """
            watchNamespaces:
              - team-a
              - team-b
            """);
    assertEquals("team-a,team-b", m.operatorEnv().get("QUARKUS_OPERATOR_SDK_NAMESPACES"));
    assertTrue(m.find("ClusterRole", RELEASE).isEmpty(), "no cluster-wide operator role");
    assertTrue(m.find("ClusterRoleBinding", RELEASE).isEmpty());
    // Nothing cluster-wide at all: the CRD check is off, Secrets are in the Roles.
    assertTrue(m.ofKind("ClusterRole").isEmpty(), "a ClusterRole although namespaced");

    for (String namespace : List.of("team-a", "team-b")) {
      Map<String, Object> role =
          m.ofKind("Role").stream()
              .filter(r -> RELEASE.equals(at(r, "metadata", "name")))
              .filter(r -> namespace.equals(at(r, "metadata", "namespace")))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no Role in " + namespace));
      List<Map<String, Object>> rules = at(role, "rules");
      assertTrue(
          rules.stream().anyMatch(r -> ((List<?>) r.get("resources")).contains("zmqbrokers")),
          "Role in " + namespace + " lacks the custom resources");
      Map<String, Object> binding =
          m.ofKind("RoleBinding").stream()
              .filter(r -> RELEASE.equals(at(r, "metadata", "name")))
              .filter(r -> namespace.equals(at(r, "metadata", "namespace")))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no RoleBinding in " + namespace));
      assertEquals("Role", at(binding, "roleRef", "kind"));
      assertEquals(RELEASE, at(binding, "subjects", 0, "name"));
      assertEquals(NAMESPACE, at(binding, "subjects", 0, "namespace"));
    }
  }

  @Test
  void leaderElectionOffRecreatesAndDropsTheLeaseRole() {
    Manifests m =
        ChartFixture.render(
            """
            leaderElection:
              enabled: false
            """);
    assertEquals("false", m.operatorEnv().get("ZEROMESH_LEADER_ELECTION"));
    assertEquals("Recreate", at(m.get("Deployment", RELEASE), "spec", "strategy", "type"));
    assertTrue(m.find("Role", RELEASE + "-leader-election").isEmpty());
  }

  @Test
  void severalReplicasWithoutLeaderElectionAreRefused() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                ChartFixture.render(
                    """
                    replicaCount: 2
                    leaderElection:
                      enabled: false
                    """));
    assertTrue(e.getMessage().contains("leaderElection.enabled"), e.getMessage());
    Manifests m = ChartFixture.render("replicaCount: 2\n");
    assertEquals(2, (Integer) at(m.get("Deployment", RELEASE), "spec", "replicas"));
  }

  @Test
  void imagesLoggingAndExtraEnvComeFromValues() {
    Manifests m =
        ChartFixture.render(
            """
            image:
              repository: registry.example.com/zeromesh/operator
              tag: "0.2.0"
              pullPolicy: Always
            brokerImage:
              repository: registry.example.com/zeromesh/broker
              tag: "0.2.1"
              pullPolicy: Never
            logging:
              json: true
            extraEnv:
              - name: QUARKUS_LOG_LEVEL
                value: DEBUG
            imagePullSecrets:
              - name: regcred
            """);
    assertEquals(
        "registry.example.com/zeromesh/operator:0.2.0", m.operatorContainer().get("image"));
    assertEquals("Always", m.operatorContainer().get("imagePullPolicy"));
    Map<String, String> env = m.operatorEnv();
    assertEquals("registry.example.com/zeromesh/broker:0.2.1", env.get("ZEROMESH_BROKER_IMAGE"));
    assertEquals("Never", env.get("ZEROMESH_BROKER_IMAGE_PULL_POLICY"));
    assertEquals("true", env.get("ZEROMESH_LOG_JSON"));
    assertEquals("DEBUG", env.get("QUARKUS_LOG_LEVEL"));
    assertEquals(
        "regcred",
        at(
            m.get("Deployment", RELEASE),
            "spec",
            "template",
            "spec",
            "imagePullSecrets",
            0,
            "name"));
  }

  @Test
  void existingServiceAccountIsUsedAndNotCreated() {
    Manifests m =
        ChartFixture.render(
            """
            serviceAccount:
              create: false
              name: platform-operators
            """);
    assertTrue(m.ofKind("ServiceAccount").isEmpty());
    assertEquals(
        "platform-operators",
        at(m.get("Deployment", RELEASE), "spec", "template", "spec", "serviceAccountName"));
    assertEquals(
        "platform-operators", at(m.get("ClusterRoleBinding", RELEASE), "subjects", 0, "name"));

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ChartFixture.render("serviceAccount:\n  create: false\n"));
    assertTrue(e.getMessage().contains("serviceAccount.name"), e.getMessage());
  }

  @Test
  void rbacCanBeLeftToTheAdministrator() {
    Manifests m = ChartFixture.render("rbac:\n  create: false\n");
    for (String kind : List.of("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")) {
      assertTrue(m.ofKind(kind).isEmpty(), kind + " rendered although rbac.create is false");
    }
    assertNotNull(m.get("Deployment", RELEASE));
  }

  @Test
  void longNamesAreTruncatedTo63CharactersKeepingTheirSuffix() {
    String longName = "a-very-long-fullname-override-that-goes-on-and-on-for-ever-and-ever";
    Manifests m = ChartFixture.render("fullnameOverride: " + longName.substring(0, 63) + "\n");
    for (Map<String, Object> o : m.objects()) {
      String name = at(o, "metadata", "name");
      assertTrue(name.length() <= 63, name + " is longer than 63 characters");
      assertFalse(name.endsWith("-"), name);
    }
    assertEquals(1, m.ofKind("Deployment").size());
    assertTrue(
        m.ofKind("Service").stream()
            .map(s -> (String) at(s, "metadata", "name"))
            .anyMatch(n -> n.endsWith("-metrics")),
        "the metrics Service keeps its suffix");
    assertTrue(
        m.ofKind("Role").stream()
            .map(s -> (String) at(s, "metadata", "name"))
            .anyMatch(n -> n.endsWith("-leader-election")));
  }
}
