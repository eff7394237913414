package io.zeromesh.operator.bench;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real kube-apiserver with its etcd (fabric8 kube-api-test, from the binaries {@code make
 * cluster-binaries} caches; never downloads), the CRDs of {@code crds/} applied and Established,
 * and a kubeconfig file for the operator's process. The API server gets a /16 service range (see
 * {@link #widenServiceRange}).
 */
final class ApiServer implements AutoCloseable {
  static final String SERVICE_RANGE = "10.0.0.0/16";
  private static final String[] BINARIES = {"kube-apiserver", "etcd", "kubectl"};

  private final KubeAPIServer server;
  private final KubernetesClient client;
  private final Path kubeconfig;
  private final long apiServerPid;
  private final long etcdPid;

  private ApiServer(
      KubeAPIServer server,
      KubernetesClient client,
      Path kubeconfig,
      long apiServerPid,
      long etcdPid) {
    this.server = server;
    this.client = client;
    this.kubeconfig = kubeconfig;
    this.apiServerPid = apiServerPid;
    this.etcdPid = etcdPid;
  }

  static ApiServer start(BenchSettings settings, Path repoRoot, Path dir) throws IOException {
    Path testDir = widenServiceRange(settings, dir);
    KubeAPIServer server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(testDir.toString())
                .withApiServerVersion(settings.kubernetesVersion())
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .withStartupTimeout(180_000)
                .build());
    server.start();
    KubernetesClient client = null;
    try {
      String yaml = server.getKubeConfigYaml();
      Path kubeconfig = dir.resolve("kubeconfig.yaml");
      Files.writeString(kubeconfig, yaml);
      client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build();
      applyCrds(client, repoRoot.resolve("crds"));
      return new ApiServer(
          server, client, kubeconfig, descendant("kube-apiserver"), descendant("etcd"));
    } catch (IOException | RuntimeException e) {
      if (client != null) {
        client.close();
      }
      server.stop(); // etcd and kube-apiserver are child processes: never leave them behind
      throw e;
    }
  }

  KubernetesClient client() {
    return client;
  }

  /**
   * A kubeconfig for the operator that authenticates as a pod does: with the token of a
   * ServiceAccount (bound to cluster-admin), not with the admin's client certificate. With a
   * certificate and no token, fabric8 7.4's TokenRefreshInterceptor re-reads and parses the
   * kubeconfig before every request once the client is a minute old (it only records a refresh that
   * found a token), a cost no operator in a pod pays: 13% of the operator's CPU samples in a 1,000
   * run.
   */
  Path serviceAccountKubeconfig(String namespace, String name) throws IOException {
    client
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .build())
        .create();
    client
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(name + "-bench")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(name)
                .withNamespace(namespace)
                .endSubject()
                .build())
        .create();
    String token =
        client
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(name)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(24L * 3600)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Config admin = client.getConfiguration();
    String yaml =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "  - name: bench",
            "    cluster:",
            "      server: " + admin.getMasterUrl(),
            "      certificate-authority: " + admin.getCaCertFile(),
            "users:",
            "  - name: " + name,
            "    user:",
            "      token: " + token,
            "contexts:",
            "  - name: bench",
            "    context:",
            "      cluster: bench",
            "      user: " + name,
            "      namespace: " + namespace,
            "current-context: bench",
            "");
    Path file = kubeconfig.resolveSibling("operator-kubeconfig.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  long apiServerPid() {
    return apiServerPid;
  }

  long etcdPid() {
    return etcdPid;
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      server.stop();
    }
  }

  /** Fails at once, naming the make target that builds them, when the binaries are missing. */
  static void requireBinaries(BenchSettings settings) {
    Path dir = binaries(settings.kubeApiTestDir(), settings.kubernetesVersion());
    List<String> missing =
        Stream.of(BINARIES).filter(b -> !Files.isExecutable(dir.resolve(b))).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "no %s in %s: run `make cluster-binaries` first (the benchmark never downloads binaries)"
              .formatted(String.join(", ", missing), dir));
    }
  }

  /**
   * kube-api-test starts kube-apiserver with {@code --service-cluster-ip-range 10.0.0.0/24}, after
   * any flag it is given: 253 ClusterIPs, while 5,000 resources need 10,000 Services. This lays out
   * the cached binaries again under {@code dir}, the API server behind a script that appends
   * {@value #SERVICE_RANGE} (the last occurrence of a flag wins; {@code exec} keeps the pid);
   * returns the new kube-api-test directory.
   */
  static Path widenServiceRange(BenchSettings settings, Path dir) throws IOException {
    Path cached = binaries(settings.kubeApiTestDir(), settings.kubernetesVersion());
    Path testDir = dir.resolve("kube-api-test");
    Path bin = binaries(testDir, settings.kubernetesVersion());
    Files.createDirectories(bin);
    for (String binary : new String[] {"etcd", "kubectl"}) {
      Files.deleteIfExists(bin.resolve(binary));
      Files.createSymbolicLink(bin.resolve(binary), cached.resolve(binary));
    }
    Path apiServer = bin.resolve("kube-apiserver");
    Files.writeString(
        apiServer,
        "#!/bin/sh\n# written by the operator benchmark: a service range for 10,000 Services\n"
            + "exec '%s' \"$@\" --service-cluster-ip-range %s\n"
                .formatted(cached.resolve("kube-apiserver"), SERVICE_RANGE));
    apiServer.toFile().setExecutable(true);
    return testDir;
  }

  private static Path binaries(Path kubeApiTestDir, String version) {
    return kubeApiTestDir.resolve("k8s").resolve(version + "-linux-amd64");
  }

  /** The pid of the one process this JVM started (directly or not) whose command ends so. */
  private static long descendant(String binary) {
    List<ProcessHandle> found =
        ProcessHandle.current()
            .descendants()
            .filter(p -> p.info().command().map(c -> c.endsWith("/" + binary)).orElse(false))
            .toList();
    if (found.size() != 1) {
      throw new IllegalStateException(
          "expected one " + binary + " process started by the benchmark, found " + found.size());
    }
    return found.get(0).pid();
  }

  /** The CRDs exactly as committed in crds/, each Established before the operator starts. */
  private static void applyCrds(KubernetesClient client, Path crds) throws IOException {
    List<Path> yamls;
    try (Stream<Path> files = Files.list(crds)) {
      yamls = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
    if (yamls.size() != 3) {
      throw new IllegalStateException("expected 3 CRDs in " + crds + ", found " + yamls);
    }
    for (Path yaml : yamls) {
      CustomResourceDefinition crd;
      try (InputStream in = Files.newInputStream(yaml)) {
        crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
      }
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd.getMetadata().getName())
          .waitUntilCondition(
              c ->
                  c.getStatus() != null
                      && c.getStatus().getConditions() != null
                      && c.getStatus().getConditions().stream()
                          .anyMatch(
                              x ->
                                  "Established".equals(x.getType())
                                      && "True".equals(x.getStatus())),
              60,
              TimeUnit.SECONDS);
    }
  }
}
