package io.zeromesh.operator.it;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.zeromesh.operator.reconciler.BrokerReconciler;
import io.zeromesh.operator.reconciler.ForwarderReconciler;
import io.zeromesh.operator.reconciler.StageReconciler;
import io.zeromesh.operator.resources.OperatorDefaults;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One real kube-apiserver (with etcd) per test JVM, from kube-api-test, with the CRDs of crds/
 * applied and the operator's three reconcilers running in-process against it. There is no
 * controller-manager: Deployments get no pods and deleted owners are not garbage collected, so
 * tests set Deployment status themselves and check owner references.
 */
public final class ClusterFixture implements AutoCloseable {
  public static final OperatorDefaults DEFAULTS =
      new OperatorDefaults("zeromesh/broker:it", "IfNotPresent");

  private static ClusterFixture instance;

  private final KubeAPIServer server;
  private final KubernetesClient client;
  private final ApiCalls apiCalls = new ApiCalls();
  private final Operator operator;
  private final AtomicBoolean stopped = new AtomicBoolean();

  /**
   * @param resync the controllers' maxReconciliationInterval instead of their annotations' (10
   *     minutes), or null
   */
  private ClusterFixture(Consumer<ConfigurationServiceOverrider> overrides, Duration resync) {
    server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(System.getProperty("zeromesh.kube-api-test.dir"))
                .withApiServerVersion(System.getProperty("zeromesh.kube-api-test.version"))
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .withStartupTimeout(120_000)
                .build());
    server.start();
    try {
      client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml()))
              .withHttpClientBuilderConsumer(
                  b -> b.addOrReplaceInterceptor("zeromesh-it-api-calls", apiCalls))
              .build();
      applyCrds();
      operator =
          new Operator(
              o -> {
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withCacheSyncTimeout(Duration.ofSeconds(60));
                overrides.accept(o);
              });
      operator.register(new BrokerReconciler(DEFAULTS), c -> resync(c, resync));
      operator.register(new ForwarderReconciler(DEFAULTS), c -> resync(c, resync));
      operator.register(new StageReconciler(DEFAULTS), c -> resync(c, resync));
      operator.start();
    } catch (RuntimeException e) {
      // etcd and kube-apiserver are child processes: never leave them behind.
      server.stop();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "cluster-fixture-stop"));
  }

  /** The shared cluster, started on first use. */
  public static synchronized ClusterFixture get() {
    if (instance == null) {
      instance = new ClusterFixture(o -> {}, null);
    }
    return instance;
  }

  /**
   * The shared cluster, started now with these changes to the operator's configuration (applied
   * after the fixture's own, e.g. {@code o -> o.withMetrics(metrics)}). The operator starts once
   * per JVM, so this must be the first use: it fails when the cluster already runs rather than
   * silently ignore the overrides.
   */
  public static synchronized ClusterFixture get(Consumer<ConfigurationServiceOverrider> overrides) {
    if (instance != null) {
      throw new IllegalStateException(
          "the cluster already runs: configuration overrides apply only to its first start");
    }
    instance = new ClusterFixture(overrides, null);
    return instance;
  }

  /**
   * A cluster of the caller's own, not {@link #get() the shared one}: its own API server, etcd and
   * operator, so that everything the API server counts is this operator's or the caller's doing
   * (the shared cluster holds every other test's resources, still being reconciled). The operator
   * reconciles every resource again at least every {@code resync} (a periodic resync, as the
   * annotations' 10 minutes, only sooner). The caller closes it.
   */
  public static ClusterFixture isolated(
      Consumer<ConfigurationServiceOverrider> overrides, Duration resync) {
    return new ClusterFixture(overrides, resync);
  }

  private static <P extends HasMetadata> void resync(
      ControllerConfigurationOverrider<P> controller, Duration resync) {
    if (resync != null) {
      controller.withReconciliationMaxInterval(resync);
    }
  }

  public KubernetesClient client() {
    return client;
  }

  /** The requests of {@link #client()}, the operator's and the tests' alike. */
  ApiCalls apiCalls() {
    return apiCalls;
  }

  /**
   * Another client of the same API server, whose requests {@link #apiCalls()} neither sees nor
   * hooks: for changes a test makes from inside a hook. The caller closes it.
   */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml()))
        .build();
  }

  /** The running operator (JOSDK) with the three reconcilers. */
  public Operator operator() {
    return operator;
  }

  /** A fresh namespace for one test. */
  public String newNamespace(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  /** The CRDs exactly as committed in crds/: the real API server must accept them. */
  private void applyCrds() {
    Path crds = repoRoot().resolve("crds");
    try (Stream<Path> files = Files.list(crds)) {
      List<Path> yamls = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
      if (yamls.size() != 3) {
        throw new IllegalStateException("expected 3 CRDs in " + crds + ", found " + yamls);
      }
      for (Path yaml : yamls) {
        try (InputStream in = Files.newInputStream(yaml)) {
          CustomResourceDefinition crd =
              client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
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
                  java.util.concurrent.TimeUnit.SECONDS);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read CRDs from " + crds, e);
    }
  }

  public static Path repoRoot() {
    return Path.of(System.getProperty("zeromesh.repo.root", "..")).toAbsolutePath().normalize();
  }

  /** Removes a test's objects' namespace; best effort (no namespace controller runs). */
  public void delete(HasMetadata resource) {
    client.resource(resource).delete();
  }

  /** Stops the operator, etcd and the API server (once; also at JVM exit). */
  @Override
  public void close() {
    stop();
  }

  private void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    try {
      operator.stop();
    } finally {
      client.close();
      server.stop();
    }
  }
}
