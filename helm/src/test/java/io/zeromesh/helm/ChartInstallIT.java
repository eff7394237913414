package io.zeromesh.helm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.zeromesh.helm.GeneratedRbac.Permission;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chart and the single-file install against a real kube-apiserver (kube-api-test, Kubernetes
 * 1.37.2 like the local cluster by default, -Dkube-api-test.version=1.20.2 for the oldest; RBAC
 * authorization on): the API server accepts every object, the CRDs become Established, and the API
 * server's own authorizer (SubjectAccessReview) confirms that the operator's ServiceAccount may do
 * what the operator's code needs ({@link OperatorRbac}) where it reconciles, none of what was
 * dropped, and nothing elsewhere; the Secret calls of the code are made as that ServiceAccount
 * (impersonated). No kubelet: pods never run here (the e2e suite covers that).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ChartInstallIT {

  private static KubeAPIServer server;
  private static KubernetesClient client;
  private static String kubeconfig;

  /**
   * What the operator needs generating CURVE keypairs and reading the Secrets resources name
   * (watched namespaces, by default).
   */
  private static List<Permission> required;

  /** What it needs with neither (all namespaces, by default): nothing on Secrets. */
  private static List<Permission> requiredByDefault;

  /** Every verb on Secrets: the default install may make none of these calls anywhere. */
  private static final List<Permission> SECRETS =
      List.of("get", "list", "watch", "create", "update", "patch", "delete").stream()
          .map(verb -> new Permission("", "secrets", verb))
          .toList();

  private static List<Permission> dropped;

  @BeforeAll
  static void startApiServer() throws Exception {
    required = List.copyOf(OperatorRbac.neededInReconciledNamespace(true, true));
    requiredByDefault = List.copyOf(OperatorRbac.neededInReconciledNamespace(false, false));
    dropped = List.copyOf(OperatorRbac.DROPPED.keySet());
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
                // As OpenShift runs it: blockOwnerDeletion needs update on the owner's finalizers.
                .withApiServerFlag(
                    "--enable-admission-plugins", "OwnerReferencesPermissionEnforcement")
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
        assertAllowed(user, requiredByDefault, where);
        assertAllDenied(user, dropped, where);
      }
      // No generated keypairs, no Secret read: no call on Secrets in any namespace, its own
      // included, nor across all of them (a SubjectAccessReview without a namespace).
      for (String where : List.of("team-x", "default", namespace, "")) {
        assertAllDenied(user, SECRETS, where);
      }
      assertTrue(
          client.rbac().clusterRoles().withName(fullname + "-secrets").get() == null,
          "a Secrets ClusterRole in the default install");
      assertAllowed(user, leaseAccess(), namespace);
      assertDenied(user, new Permission("coordination.k8s.io", "leases", "create"), "default");
      assertDenied(
          user, new Permission("coordination.k8s.io", "leases", "update", "other-lock"), namespace);
      assertDenied(user, new Permission("", "nodes", "delete"), "");
      assertDenied(user, new Permission("", "configmaps", "create"), "default");
      assertDenied(
          user, new Permission("apiextensions.k8s.io", "customresourcedefinitions", "get"), "");
      assertNoSecretAccess(namespace, fullname, "default");
      assertOwnedChildrenNeedTheFinalizersRule(namespace, fullname, "default");
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
        assertAllDenied(user, dropped, watched);
      }
      assertAllDenied(user, required, "team-c");
      assertDenied(
          user, new Permission("apiextensions.k8s.io", "customresourcedefinitions", "get"), "");
      assertAllowed(user, leaseAccess(), namespace);
      assertSecretCallsOfTheCode(namespace, release + "-zeromesh-operator", "team-a");
    } finally {
      uninstall(release, namespace);
    }
  }

  @Test
  void helmInstallsWithEveryOptionSet() {
    // Every documented value at once (but the Prometheus Operator's objects, whose CRDs this
    // server lacks): the API server validates what the templates make of them.
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
        curve: {generatedKeys: true, readSecrets: true}
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
        metrics:
          service: {annotations: {prometheus.io/scrape: "true"}}
          dashboard: {enabled: true, annotations: {grafana_folder: Messaging}}
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
      assertNotNull(
          client
              .configMaps()
              .inNamespace(namespace)
              .withName(release + "-zeromesh-operator-dashboard")
              .get(),
          "the dashboard ConfigMap");
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
    assertAllowed(user, requiredByDefault, "default");
    for (String where : List.of("default", namespace, "")) {
      assertAllDenied(user, SECRETS, where);
    }
    assertAllowed(user, leaseAccess(), namespace);
  }

  @Test
  void theOperatorReconcilesWithTheWatchedNamespacesRbacAndNothingElse() throws Exception {
    runTheOperatorAsTheChartsServiceAccount("zm-run", "zm-run-a", true);
  }

  @Test
  void theOperatorReconcilesWithTheClusterWideRbacAndNothingElse() throws Exception {
    runTheOperatorAsTheChartsServiceAccount("zm-run-all", "zm-run-b", false);
  }

  /**
   * Runs the packaged operator with only the chart's RBAC (a token of its ServiceAccount) and the
   * Deployment's environment, and waits until it has made every kind of child, patched the status,
   * recorded an Event and taken the Lease, without being refused anything. Watching a list of
   * namespaces it generates the CURVE keypair Secret (and so watches Secrets there) and reads the
   * Secrets resources name: one naming a missing Secret ends ReferenceNotFound. Watching all (the
   * chart's default) it does neither and may make no call on Secrets, so any would be refused (403,
   * in the log): there the resource names its keypair Secret, which its pods mount and its workers
   * take the public key of (a secretKeyRef) without the operator reading it; one naming a missing
   * Secret still gets its pods, whose Ready message names the Secret; one naming none ends
   * InvalidSpec.
   */
  private static void runTheOperatorAsTheChartsServiceAccount(
      String release, String watched, boolean listWatched) throws Exception {
    Path app = Path.of(System.getProperty("zeromesh.operator.app"));
    if (!Files.isRegularFile(app)) {
      throw new IllegalStateException(
          "no packaged operator at "
              + app
              + ": run `mvn -B -ntp -pl operator package -DskipTests`");
    }
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(watched).endMetadata().build())
        .serverSideApply();
    String namespace = release + "-system";
    String fullname = release + "-zeromesh-operator";
    install(release, namespace, listWatched ? "watchNamespaces: [" + watched + "]\n" : null);
    Path log = Files.createTempFile("zeromesh-operator-", ".log");
    log.toFile().deleteOnExit();
    Process operator = null;
    try {
      // The operator as the chart runs it: the Deployment's environment, the pod's namespace, and
      // a token of the chart's ServiceAccount (the only credentials it gets).
      ProcessBuilder process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-jar",
                  app.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      Deployment deployment =
          client.apps().deployments().inNamespace(namespace).withName(fullname).get();
      for (var env : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
        if (env.getValue() != null) {
          process.environment().put(env.getName(), env.getValue());
        }
      }
      process.environment().put("KUBERNETES_NAMESPACE", namespace);
      process
          .environment()
          .put("KUBECONFIG", serviceAccountKubeconfig(namespace, fullname).toString());
      process.environment().put("QUARKUS_HTTP_PORT", "0");
      process.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
      operator = process.start();

      boolean generatesKeys = listWatched;
      boolean readsSecrets = listWatched;
      // A CURVE Secret named that does not exist.
      applyAsAdmin(
          watched,
          """
          apiVersion: zeromesh.io/v1alpha1
          kind: ZmqPipelineStage
          metadata: {name: lost}
          spec:
            curve: {enabled: true, secretName: lost-keys}
          """);
      if (!generatesKeys) {
        client
            .secrets()
            .inNamespace(watched)
            .resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("work-keys")
                    .endMetadata()
                    .addToStringData("server.pub", SERVER_PUBLIC_KEY)
                    .addToStringData("server.key", SERVER_SECRET_KEY)
                    .build())
            .serverSideApply();
        // CURVE without a keypair Secret named, from an operator that generates none.
        applyAsAdmin(
            watched,
            """
            apiVersion: zeromesh.io/v1alpha1
            kind: ZmqPipelineStage
            metadata: {name: keyless}
            spec:
              curve: {enabled: true}
            """);
      }
      applyAsAdmin(
          watched,
          """
          apiVersion: zeromesh.io/v1alpha1
          kind: ZmqPipelineStage
          metadata: {name: work}
          spec:
            replicas: 2
            curve: %s
            networkPolicy: {enabled: true}
            podDisruptionBudget: {minAvailable: 1}
            template:
              spec:
                containers:
                  - {name: worker, image: zeromesh/broker:0.1.0, args: [probe, worker]}
          """
              .formatted(
                  generatesKeys ? "{enabled: true}" : "{enabled: true, secretName: work-keys}"));
      // A missing reference: Ready=False with a reason of its own, recorded as an Event.
      applyAsAdmin(
          watched,
          """
          apiVersion: zeromesh.io/v1alpha1
          kind: ZmqPipelineStage
          metadata: {name: orphan}
          spec:
            output: {kind: ZmqPipelineStage, name: missing}
          """);

      Process running = operator;
      String pdbApiVersion =
          client.supports(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class)
              ? "policy/v1"
              : "policy/v1beta1";
      NamespacedKubernetesClient ns =
          client.adapt(NamespacedKubernetesClient.class).inNamespace(watched);
      try {
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofMillis(500))
            .failFast("the operator exited", () -> !running.isAlive())
            .untilAsserted(
                () -> {
                  assertNotNull(ns.apps().deployments().withName("work-stage").get(), "device");
                  assertNotNull(
                      ns.apps().deployments().withName("work-stage-workers").get(), "workers");
                  assertNotNull(ns.services().withName("work-stage").get(), "frontend");
                  assertNotNull(ns.services().withName("work-stage-backend").get(), "backend");
                  Map<String, Object> lost = readyCondition(ns, "lost");
                  assertEquals("False", lost.get("status"), "lost: " + lost);
                  if (readsSecrets) {
                    assertEquals("ReferenceNotFound", lost.get("reason"), "lost: " + lost);
                    assertTrue(
                        String.valueOf(lost.get("message"))
                            .contains("spec.curve.secretName: Secret " + watched + "/lost-keys"),
                        "lost: " + lost);
                  } else {
                    // Not read: the pods are made and wait for the Secret; status says which.
                    assertEquals(
                        "lost-keys",
                        curveKeyVolume(ns.apps().deployments().withName("lost-stage").get()),
                        "the device pod mounts the Secret named");
                    assertEquals("Progressing", lost.get("reason"), "lost: " + lost);
                    assertTrue(
                        String.valueOf(lost.get("message"))
                            .contains(
                                "its pods mount Secret lost-keys (spec.curve.secretName), which"
                                    + " the operator does not read"),
                        "lost: " + lost);
                  }
                  if (generatesKeys) {
                    assertNotNull(ns.secrets().withName("work-stage-curve").get(), "CURVE keys");
                  } else {
                    assertEquals(
                        "work-keys",
                        curveKeySecret(
                            ns.apps().deployments().withName("work-stage-workers").get()),
                        "the workers get the public key of the Secret named");
                    assertEquals(
                        "work-keys",
                        curveKeyVolume(ns.apps().deployments().withName("work-stage").get()),
                        "the device pod mounts the Secret named");
                    Map<String, Object> ready = readyCondition(ns, "keyless");
                    assertEquals("False", ready.get("status"), "keyless: " + ready);
                    assertEquals("InvalidSpec", ready.get("reason"), "keyless: " + ready);
                    assertTrue(
                        String.valueOf(ready.get("message")).contains("spec.curve.secretName"),
                        "keyless: " + ready);
                  }
                  // policy/v1 where served, policy/v1beta1 on Kubernetes 1.20: one RBAC group.
                  assertNotNull(
                      ns.genericKubernetesResources(pdbApiVersion, "PodDisruptionBudget")
                          .withName("work-stage-workers")
                          .get(),
                      "disruption budget (" + pdbApiVersion + ")");
                  assertNotNull(
                      ns.network().v1().networkPolicies().withName("work-stage").get(),
                      "network policy");
                  for (String name : List.of("work", "orphan")) {
                    GenericKubernetesResource stage =
                        ns.genericKubernetesResources("zeromesh.io/v1alpha1", "ZmqPipelineStage")
                            .withName(name)
                            .get();
                    assertNotNull(stage.getAdditionalProperties().get("status"), name + " status");
                  }
                  assertTrue(
                      ns.v1().events().list().getItems().stream()
                          .anyMatch(e -> "orphan".equals(e.getInvolvedObject().getName())),
                      "no Event on orphan");
                  var lease =
                      client.leases().inNamespace(namespace).withName(OperatorRbac.LEASE).get();
                  assertNotNull(lease, "leader election Lease");
                  assertNotNull(lease.getSpec().getHolderIdentity(), "Lease holder");
                });
      } catch (ConditionTimeoutException | TerminalFailureException e) {
        throw new AssertionError(e.getMessage() + "\nThe operator's log ends:\n" + tail(log), e);
      }
      if (readsSecrets) {
        assertNull(
            ns.apps().deployments().withName("lost-stage").get(),
            "children made although the Secret named is missing");
      }
      if (!generatesKeys) {
        assertNull(
            ns.secrets().withName("work-stage-curve").get(), "a keypair generated although off");
        assertNull(
            ns.secrets().withName("keyless-stage-curve").get(), "a keypair generated although off");
      }
      String output = Files.readString(log);
      for (String refusal : List.of("Forbidden", "forbidden", " 403", "could not record event")) {
        assertFalse(output.contains(refusal), "the operator was refused something:\n" + output);
      }
    } finally {
      if (operator != null) {
        operator.destroy();
        if (!operator.waitFor(30, TimeUnit.SECONDS)) {
          operator.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
      }
      client
          .genericKubernetesResources("zeromesh.io/v1alpha1", "ZmqPipelineStage")
          .inNamespace(watched)
          .delete();
      uninstall(release, namespace);
    }
  }

  /** A CURVE keypair in Z85 (the ZeroMQ guide's example server keys). */
  private static final String SERVER_PUBLIC_KEY = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";

  private static final String SERVER_SECRET_KEY = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";

  /** The Secret of the device pod's curve-keys volume. */
  private static String curveKeyVolume(Deployment device) {
    assertNotNull(device, "device Deployment");
    return device.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> "curve-keys".equals(v.getName()))
        .map(v -> v.getSecret().getSecretName())
        .findFirst()
        .orElse(null);
  }

  /** The Secret the workers' ZEROMESH_CURVE_SERVER_KEY comes from. */
  private static String curveKeySecret(Deployment workers) {
    assertNotNull(workers, "worker Deployment");
    return workers.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> "ZEROMESH_CURVE_SERVER_KEY".equals(e.getName()))
        .map(e -> e.getValueFrom().getSecretKeyRef().getName())
        .findFirst()
        .orElse(null);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readyCondition(NamespacedKubernetesClient ns, String stage) {
    GenericKubernetesResource resource =
        ns.genericKubernetesResources("zeromesh.io/v1alpha1", "ZmqPipelineStage")
            .withName(stage)
            .get();
    Map<String, Object> status =
        (Map<String, Object>) resource.getAdditionalProperties().get("status");
    assertNotNull(status, stage + " has no status");
    return ((List<Map<String, Object>>) status.get("conditions"))
        .stream()
            .filter(c -> "Ready".equals(c.get("type")))
            .findFirst()
            .orElseThrow(() -> new AssertionError(stage + " has no Ready condition: " + status));
  }

  private static void applyAsAdmin(String namespace, String yaml) {
    client
        .resource(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
        .inNamespace(namespace)
        .serverSideApply();
  }

  /** A kubeconfig holding a TokenRequest token of the ServiceAccount, for the API server. */
  private static Path serviceAccountKubeconfig(String namespace, String serviceAccount)
      throws IOException {
    String token =
        client
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(serviceAccount)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Config admin = Config.fromKubeconfig(kubeconfig);
    String ca =
        admin.getCaCertData() != null
            ? admin.getCaCertData()
            : Base64.getEncoder()
                .encodeToString(Files.readAllBytes(Path.of(admin.getCaCertFile())));
    Path file = Files.createTempFile("zeromesh-operator-kubeconfig-", ".yaml");
    file.toFile().deleteOnExit();
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: kube-api-test
            cluster: {server: "%s", certificate-authority-data: "%s"}
        users:
          - name: operator
            user: {token: "%s"}
        contexts:
          - name: operator
            context: {cluster: kube-api-test, user: operator, namespace: "%s"}
        current-context: operator
        """
            .formatted(admin.getMasterUrl(), ca, token, namespace));
    return file;
  }

  /** The log's ERROR lines (its stack traces are long), then its last lines. */
  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    List<String> errors =
        lines.stream().filter(l -> l.contains(" ERROR ") || l.contains("Forbidden")).toList();
    return String.join("\n", errors.subList(0, Math.min(errors.size(), 20)))
        + "\n...\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
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
        client.rbac().clusterRoles().withName(release + "-zeromesh-operator-secrets").get() == null,
        "helm uninstall left the Secrets ClusterRole of " + release);
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
    return List.copyOf(OperatorRbac.LEADER_ELECTION.keySet());
  }

  /**
   * The Secret calls of the operator's code, made as its ServiceAccount: server-side apply of a
   * generated keypair Secret (which creates it), a second apply (which patches it), the label-
   * selected list of the informer, a get by name and the delete; a PUT (update) is refused.
   */
  private static void assertSecretCallsOfTheCode(
      String operatorNamespace, String serviceAccount, String namespace) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .serverSideApply();
    serviceAccountUser(operatorNamespace, serviceAccount); // it exists
    try (KubernetesClient operator = impersonating(operatorNamespace, serviceAccount)) {
      Secret keys =
          new SecretBuilder()
              .withNewMetadata()
              .withName("orders-broker-curve")
              .withNamespace(namespace)
              .addToLabels("app.kubernetes.io/managed-by", "zeromesh-operator")
              .endMetadata()
              .addToStringData("server.pub", "public")
              .build();
      var secrets = operator.secrets().inNamespace(namespace);
      secrets.resource(keys).fieldManager("zeromesh-operator").forceConflicts().serverSideApply();
      keys.getStringData().put("server.pub", "rotated");
      secrets.resource(keys).fieldManager("zeromesh-operator").forceConflicts().serverSideApply();
      assertEquals(
          1,
          secrets
              .withLabel("app.kubernetes.io/managed-by", "zeromesh-operator")
              .list()
              .getItems()
              .size());
      Secret stored = secrets.withName("orders-broker-curve").get();
      assertNotNull(stored);
      KubernetesClientException put =
          assertThrows(KubernetesClientException.class, () -> secrets.resource(stored).update());
      assertEquals(403, put.getCode(), put.getMessage());
      assertFalse(secrets.withName("orders-broker-curve").delete().isEmpty());
    }
  }

  /**
   * The Secret calls the default install's operator could make, made as its ServiceAccount: a get
   * by name of a Secret that exists (what reading spec.curve.secretName was), a list (what an
   * informer starts with) and an apply are all refused.
   */
  private static void assertNoSecretAccess(
      String operatorNamespace, String serviceAccount, String namespace) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .serverSideApply();
    Secret named =
        new SecretBuilder()
            .withNewMetadata()
            .withName("orders-keys")
            .withNamespace(namespace)
            .endMetadata()
            .addToStringData("server.pub", SERVER_PUBLIC_KEY)
            .addToStringData("server.key", SERVER_SECRET_KEY)
            .build();
    client.secrets().inNamespace(namespace).resource(named).serverSideApply();
    try (KubernetesClient operator = impersonating(operatorNamespace, serviceAccount)) {
      var secrets = operator.secrets().inNamespace(namespace);
      KubernetesClientException get =
          assertThrows(
              KubernetesClientException.class, () -> secrets.withName("orders-keys").get());
      assertEquals(403, get.getCode(), get.getMessage());
      KubernetesClientException list =
          assertThrows(
              KubernetesClientException.class,
              () -> secrets.withLabel("app.kubernetes.io/managed-by", "zeromesh-operator").list());
      assertEquals(403, list.getCode(), list.getMessage());
      Secret generated =
          new SecretBuilder()
              .withNewMetadata()
              .withName("orders-broker-curve")
              .withNamespace(namespace)
              .endMetadata()
              .addToStringData("server.pub", "public")
              .build();
      KubernetesClientException apply =
          assertThrows(
              KubernetesClientException.class,
              () ->
                  secrets
                      .resource(generated)
                      .fieldManager("zeromesh-operator")
                      .forceConflicts()
                      .serverSideApply());
      assertEquals(403, apply.getCode(), apply.getMessage());
    } finally {
      client.secrets().inNamespace(namespace).withName("orders-keys").delete();
    }
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

  /**
   * The operator's children carry a controller owner reference with blockOwnerDeletion; under the
   * OwnerReferencesPermissionEnforcement admission plugin creating one needs update on the owner's
   * finalizers, which is why the chart keeps that one verb. Without it the same create is refused.
   */
  private static void assertOwnedChildrenNeedTheFinalizersRule(
      String operatorNamespace, String serviceAccount, String namespace) {
    GenericKubernetesResource broker =
        client
            .genericKubernetesResources("zeromesh.io/v1alpha1", "ZmqBroker")
            .inNamespace(namespace)
            .resource(
                new GenericKubernetesResourceBuilder()
                    .withApiVersion("zeromesh.io/v1alpha1")
                    .withKind("ZmqBroker")
                    .withNewMetadata()
                    .withName("orders")
                    .withNamespace(namespace)
                    .endMetadata()
                    .withAdditionalProperties(Map.of("spec", Map.of()))
                    .build())
            .create();
    // A ServiceAccount that may create Services but not update the brokers' finalizers.
    String other = "no-finalizers";
    client
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName(other).endMetadata().build())
        .create();
    client
        .rbac()
        .roles()
        .inNamespace(namespace)
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName(other)
                .endMetadata()
                .addNewRule()
                .withApiGroups("")
                .withResources("services")
                .withVerbs("create")
                .endRule()
                .build())
        .create();
    client
        .rbac()
        .roleBindings()
        .inNamespace(namespace)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(other)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", other)
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(other)
                .withNamespace(namespace)
                .endSubject()
                .build())
        .create();
    try (KubernetesClient operator = impersonating(operatorNamespace, serviceAccount);
        KubernetesClient without = impersonating(namespace, other)) {
      assertNotNull(
          operator.services().inNamespace(namespace).resource(owned(broker, "a")).create());
      KubernetesClientException refused =
          assertThrows(
              KubernetesClientException.class,
              () ->
                  without.services().inNamespace(namespace).resource(owned(broker, "b")).create());
      assertTrue(
          refused.getMessage().contains("blockOwnerDeletion"),
          "refused for another reason: " + refused.getMessage());
    } finally {
      client.resource(broker).delete();
    }
  }

  private static Service owned(GenericKubernetesResource owner, String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(owner.getMetadata().getName() + "-" + name)
        .addNewOwnerReference()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .addNewPort()
        .withName("frontend")
        .withPort(5559)
        .endPort()
        .endSpec()
        .build();
  }

  private static KubernetesClient impersonating(String namespace, String serviceAccount) {
    Config config = Config.fromKubeconfig(kubeconfig);
    config.setImpersonateUsername("system:serviceaccount:" + namespace + ":" + serviceAccount);
    config.setImpersonateGroups("system:serviceaccounts", "system:authenticated");
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static void assertAllDenied(String user, List<Permission> permissions, String ns) {
    List<String> allowed =
        permissions.stream().filter(p -> allowed(user, p, ns)).map(Permission::toString).toList();
    assertTrue(allowed.isEmpty(), "the API server allows " + user + " in '" + ns + "': " + allowed);
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
            .withName(p.name().isEmpty() ? null : p.name())
            .withNamespace(namespace)
            .endResourceAttributes()
            .endSpec()
            .build();
    SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(review);
    return Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }
}
