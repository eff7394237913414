package io.zeromesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.zeromesh.helm.GeneratedRbac.Permission;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chart and the single-file install against a real kube-apiserver (kube-api-test, Kubernetes
 * 1.37.2 like the local cluster by default, -Dkube-api-test.version=1.20.2 for the oldest; RBAC
 * authorization on): the API server accepts every object, the CRDs become Established, and the API
 * server's own authorizer (SubjectAccessReview) confirms that the operator's ServiceAccount may do
 * what the operator's build says it needs, where it should, and not elsewhere. No kubelet: pods
 * never run here (the e2e suite covers that).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ChartInstallIT {

  private static KubeAPIServer server;
  private static KubernetesClient client;
  private static String kubeconfig;
  private static List<Permission> required;

  @BeforeAll
  static void startApiServer() throws Exception {
    required = GeneratedRbac.required();
    String dir = System.getProperty("zeromesh.kube-api-test.dir");
    String version = System.getProperty("zeromesh.kube-api-test.version");
    Path binaries = Path.of(dir, "k8s", version + "-linux-amd64");
    if (!Files.isRegularFile(binaries.resolve("kube-apiserver"))) {
      throw new IllegalStateException(
          "no kube-apiserver under "
              + binaries
              + ": build it with `make cluster-binaries` (a prerequisite of `make test`)");
    }
    server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(dir)
                .withApiServerVersion(version)
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .withStartupTimeout(180_000)
                .build());
    server.start();
    kubeconfig = server.getKubeConfigYaml();
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
  }

  @AfterAll
  static void stopApiServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void helmInstallsIntoAllNamespacesWithWorkingRbac() {
    String release = "zm-all";
    String namespace = "zm-all-system";
    Release installed = install(release, namespace, null);
    try {
      assertEquals("deployed", installed.getStatus());
      assertCrdsEstablished();
      String fullname = release + "-zeromesh-operator";
      Deployment deployment =
          client.apps().deployments().inNamespace(namespace).withName(fullname).get();
      assertNotNull(deployment, "Deployment " + fullname);
      assertEquals(
          "zeromesh/operator:0.1.0",
          deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());

      String user = serviceAccountUser(namespace, fullname);
      for (String where : List.of("team-x", "default")) {
        assertAllowed(user, required, where);
      }
      assertAllowed(user, leaseAccess(), namespace);
      assertDenied(user, new Permission("coordination.k8s.io", "leases", "create"), "default");
      assertDenied(user, new Permission("", "nodes", "delete"), "");
      assertDenied(user, new Permission("", "configmaps", "create"), "default");
    } finally {
      uninstall(release, namespace);
    }
  }

  @Test
  void helmInstallsForWatchedNamespacesOnly() {
    for (String ns : List.of("team-a", "team-b", "team-c")) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .serverSideApply();
    }
    String release = "zm-scoped";
    String namespace = "zm-scoped-system";
    Release installed = install(release, namespace, "watchNamespaces: [team-a, team-b]\n");
    try {
      assertEquals("deployed", installed.getStatus());
      assertCrdsEstablished();
      String user = serviceAccountUser(namespace, release + "-zeromesh-operator");
      for (String watched : List.of("team-a", "team-b")) {
        assertAllowed(user, required, watched);
      }
      assertDenied(user, new Permission("apps", "deployments", "create"), "team-c");
      assertDenied(user, new Permission("zeromesh.io", "zmqbrokers", "watch"), "team-c");
      assertAllowed(
          user,
          List.of(new Permission("apiextensions.k8s.io", "customresourcedefinitions", "get")),
          "");
      assertAllowed(user, leaseAccess(), namespace);
    } finally {
      uninstall(release, namespace);
    }
  }

  @Test
  void helmInstallsWithEveryOptionSet() {
    // Every documented value at once (but the ServiceMonitor, whose CRD this server lacks): the
    // API server validates what the templates make of them.
    String values =
        """
        replicaCount: 2
        image: {repository: registry.example.com/zeromesh/operator, tag: "0.1.0", pullPolicy: Always}
        imagePullSecrets: [{name: regcred}]
        brokerImage: {repository: registry.example.com/zeromesh/broker, tag: "0.1.0", pullPolicy: Always}
        logging: {json: true}
        serviceAccount: {create: true, name: zm-full-sa, annotations: {example.com/role: operator}}
        resources: {requests: {cpu: 200m, memory: 384Mi}, limits: {memory: 768Mi}}
        podSecurityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
        securityContext:
          runAsNonRoot: true
          readOnlyRootFilesystem: true
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
          seccompProfile: {type: RuntimeDefault}
        tmpDir: {sizeLimit: 128Mi}
        extraEnv:
          - {name: QUARKUS_LOG_LEVEL, value: DEBUG}
          - name: NODE_NAME
            valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
        terminationGracePeriodSeconds: 60
        podAnnotations: {example.com/team: messaging}
        podLabels: {team: messaging}
        nodeSelector: {kubernetes.io/os: linux}
        tolerations: [{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}]
        affinity:
          podAntiAffinity:
            preferredDuringSchedulingIgnoredDuringExecution:
              - weight: 100
                podAffinityTerm:
                  topologyKey: kubernetes.io/hostname
                  labelSelector: {matchLabels: {app.kubernetes.io/name: zeromesh-operator}}
        metrics: {service: {annotations: {prometheus.io/scrape: "true"}}}
        """;
    String release = "zm-full";
    String namespace = "zm-full-system";
    Release installed = install(release, namespace, values);
    try {
      assertEquals("deployed", installed.getStatus());
      Deployment deployment =
          client
              .apps()
              .deployments()
              .inNamespace(namespace)
              .withName(release + "-zeromesh-operator")
              .get();
      assertEquals(2, deployment.getSpec().getReplicas());
      var pod = deployment.getSpec().getTemplate().getSpec();
      assertEquals("zm-full-sa", pod.getServiceAccountName());
      assertEquals("infra", pod.getTolerations().get(0).getValue());
      assertEquals(
          "spec.nodeName",
          pod.getContainers().get(0).getEnv().stream()
              .filter(e -> "NODE_NAME".equals(e.getName()))
              .findFirst()
              .orElseThrow()
              .getValueFrom()
              .getFieldRef()
              .getFieldPath());
      String user = serviceAccountUser(namespace, "zm-full-sa");
      assertAllowed(user, required, "default");
    } finally {
      uninstall(release, namespace);
    }
  }

  @Test
  void singleFileInstallAppliesServerSide() throws Exception {
    List<HasMetadata> objects;
    try (InputStream in = Files.newInputStream(InstallManifest.file())) {
      objects = client.load(in).items();
    }
    assertEquals("Namespace", objects.get(0).getKind());
    // As `kubectl apply --server-side -f helm/install/zeromesh-operator.yaml`, in file order.
    for (HasMetadata object : objects) {
      client.resource(object).forceConflicts().serverSideApply();
    }
    assertCrdsEstablished();
    String namespace = ChartFixture.NAMESPACE;
    assertNotNull(
        client.apps().deployments().inNamespace(namespace).withName(ChartFixture.RELEASE).get());
    String user = serviceAccountUser(namespace, ChartFixture.RELEASE);
    assertAllowed(user, required, "default");
    assertAllowed(user, leaseAccess(), namespace);
  }

  private static Release install(String release, String namespace, String valuesYaml) {
    var install =
        new Helm(ChartFixture.chartDir())
            .install()
            .withName(release)
            .withNamespace(namespace)
            .createNamespace()
            .withKubeConfigContents(kubeconfig)
            .withTimeout(120);
    if (valuesYaml != null) {
      install = install.withValuesFile(ChartFixture.writeTemp(valuesYaml));
    }
    return install.call();
  }

  private static void uninstall(String release, String namespace) {
    Helm.uninstall(release).withNamespace(namespace).withKubeConfigContents(kubeconfig).call();
    assertTrue(
        client.rbac().clusterRoles().withName(release + "-zeromesh-operator-crd-reader").get()
            == null,
        "helm uninstall left the crd-reader ClusterRole of " + release);
  }

  private static void assertCrdsEstablished() {
    for (String name :
        List.of(
            "zmqbrokers.zeromesh.io",
            "zmqforwarders.zeromesh.io",
            "zmqpipelinestages.zeromesh.io")) {
      CustomResourceDefinition crd =
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(name)
              .waitUntilCondition(
                  c ->
                      c != null
                          && c.getStatus() != null
                          && c.getStatus().getConditions().stream()
                              .anyMatch(
                                  x ->
                                      "Established".equals(x.getType())
                                          && "True".equals(x.getStatus())),
                  60,
                  TimeUnit.SECONDS);
      assertNotNull(crd, name);
    }
  }

  private static List<Permission> leaseAccess() {
    return List.of(
        new Permission("coordination.k8s.io", "leases", "get"),
        new Permission("coordination.k8s.io", "leases", "create"),
        new Permission("coordination.k8s.io", "leases", "update"));
  }

  private static String serviceAccountUser(String namespace, String name) {
    assertNotNull(
        client.serviceAccounts().inNamespace(namespace).withName(name).get(),
        "ServiceAccount " + namespace + "/" + name);
    return "system:serviceaccount:" + namespace + ":" + name;
  }

  private static void assertAllowed(String user, List<Permission> permissions, String namespace) {
    List<String> denied = new ArrayList<>();
    for (Permission p : permissions) {
      if (!allowed(user, p, namespace)) {
        denied.add(p.toString());
      }
    }
    assertTrue(
        denied.isEmpty(),
        "the API server denies " + user + " in namespace '" + namespace + "': " + denied);
  }

  private static void assertDenied(String user, Permission p, String namespace) {
    assertFalse(allowed(user, p, namespace), user + " may " + p + " in '" + namespace + "'");
  }

  private static boolean allowed(String user, Permission p, String namespace) {
    String[] resource = p.resource().split("/", 2);
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(user)
            .withGroups("system:serviceaccounts", "system:authenticated")
            .withNewResourceAttributes()
            .withGroup(p.group())
            .withResource(resource[0])
            .withSubresource(resource.length > 1 ? resource[1] : null)
            .withVerb(p.verb())
            .withNamespace(namespace)
            .endResourceAttributes()
            .endSpec()
            .build();
    SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(review);
    return Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }
}
