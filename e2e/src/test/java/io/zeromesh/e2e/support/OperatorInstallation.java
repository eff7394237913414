package io.zeromesh.e2e.support;

import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.UpgradeCommand;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The operator as a user installs it: the Helm chart, with the images this build made. */
final class OperatorInstallation implements ExtensionContext.Store.CloseableResource {
  static final String RELEASE = "zeromesh-e2e";
  private static final int HELM_TIMEOUT_SECONDS = 240;
  private static final Duration OPERATOR_READY = Duration.ofSeconds(240);
  private static final Duration NODE_IMAGES_REPORTED = Duration.ofSeconds(60);
  private static final Duration CASES_GONE = Duration.ofSeconds(180);

  private final boolean crdsWereThere;

  private OperatorInstallation(boolean crdsWereThere) {
    this.crdsWereThere = crdsWereThere;
  }

  /** The chart values of the run: the images just built, never pulled from a registry. */
  static Map<String, String> values() {
    return values(E2eSettings.operatorImage(), E2eSettings.brokerImage());
  }

  /** The chart values that run the operator image and make it run devices with the broker image. */
  static Map<String, String> values(String operatorImage, String brokerImage) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("image.repository", E2eSettings.repository(operatorImage));
    values.put("image.tag", E2eSettings.tag(operatorImage));
    values.put("image.pullPolicy", E2eSettings.imagePullPolicy());
    values.put("brokerImage.repository", E2eSettings.repository(brokerImage));
    values.put("brokerImage.tag", E2eSettings.tag(brokerImage));
    values.put("brokerImage.pullPolicy", E2eSettings.imagePullPolicy());
    // CurveSecurityE2eTest enables CURVE without naming a Secret: the operator must generate the
    // keypair, which the chart leaves off when it watches every namespace, as here.
    values.put("curve.generatedKeys", "true");
    return values;
  }

  /**
   * {@code helm upgrade} of the run's release with the run's values plus {@code extra} (e.g. {@code
   * replicaCount}), waiting until its pods are ready; then the operator Deployment is available.
   */
  static void upgrade(Map<String, String> extra) {
    KubernetesClient kube = Kube.client();
    String namespace = E2eSettings.operatorNamespace();
    Map<String, String> values = new LinkedHashMap<>(values());
    values.putAll(extra);
    UpgradeCommand upgrade =
        new Helm(E2eSettings.chart())
            .upgrade()
            .withName(RELEASE)
            .withNamespace(namespace)
            .withKubeConfig(E2eSettings.kubeconfig())
            .waitReady()
            .withTimeout(HELM_TIMEOUT_SECONDS);
    values.forEach(upgrade::set);
    Step.log("helm upgrade %s -n %s with %s", RELEASE, namespace, extra);
    Release release = upgrade.call();
    Step.log(
        "release %s: %s, revision %s",
        release.getName(), release.getStatus(), release.getRevision());
    awaitOperatorReady(kube, namespace);
  }

  static OperatorInstallation install() {
    Step.enter("operator");
    KubernetesClient kube = Kube.client();
    String namespace = E2eSettings.operatorNamespace();
    Path chart = E2eSettings.chart();
    Path kubeconfig = E2eSettings.kubeconfig();
    Step.log(
        "cluster %s, Kubernetes %s",
        kube.getMasterUrl(), kube.getKubernetesVersion().getGitVersion());
    boolean crdsWereThere =
        List.of(ZmqKind.values()).stream()
            .anyMatch(k -> crds(kube).withName(k.crdName()).get() != null);
    requireImagesOnNodes(kube);
    // A run that was killed leaves its release behind: start from a clean slate.
    uninstall(kubeconfig, namespace, true);
    // The namespace of the previous run may still be terminating; Helm cannot install into it.
    await("namespace " + namespace + " of an earlier run gone")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(2))
        .ignoreExceptions()
        .until(
            () -> {
              var existing = kube.namespaces().withName(namespace).get();
              return existing == null || existing.getMetadata().getDeletionTimestamp() == null;
            });
    // Helm installs a chart's crds/ only where no CRD of that name exists, and never updates one:
    // CRDs left by an earlier run (or the demo) would be tested instead of this build's.
    ChartCrds.apply(kube, chart);
    InstallCommand install =
        new Helm(chart)
            .install()
            .withName(RELEASE)
            .withNamespace(namespace)
            .createNamespace()
            .withKubeConfig(kubeconfig)
            .waitReady()
            .withTimeout(HELM_TIMEOUT_SECONDS);
    values().forEach(install::set);
    Step.log("helm install %s %s -n %s with %s", RELEASE, chart, namespace, values());
    try {
      Release release = install.call();
      Step.log(
          "release %s: %s (chart %s)", release.getName(), release.getStatus(), release.getChart());
      awaitOperatorReady(kube, namespace);
    } catch (RuntimeException e) {
      Step.log("operator installation failed: %s", e);
      Diagnostics.dumpOperator(kube);
      throw e;
    }
    return new OperatorInstallation(crdsWereThere);
  }

  /** Fails at once, saying how to fix it, when a node lacks an image of this build. */
  private static void requireImagesOnNodes(KubernetesClient kube) {
    List<String> images = List.of(E2eSettings.operatorImage(), E2eSettings.brokerImage());
    // The kubelet reports what its runtime holds in its next node status update (every 10 s by
    // default), so an image imported a moment ago shows up within NODE_IMAGES_REPORTED.
    Supplier<List<String>> lacking =
        () -> NodeImages.missing(kube.nodes().list().getItems(), images);
    try {
      await("nodes report this build's images")
          .atMost(NODE_IMAGES_REPORTED)
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> lacking.get().isEmpty());
    } catch (ConditionTimeoutException e) {
      // reported below, with what is missing and how to load it
    }
    List<String> missing = lacking.get();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the cluster's nodes do not hold this build's images:\n  "
              + String.join("\n  ", missing)
              + "\nload them: `make cluster-load-images` (local cluster), `make e2e-kind-load`"
              + " (kind), or run `make e2e`, which builds and loads them itself");
    }
    Step.log("images on every schedulable node: %s", images);
  }

  private static void awaitOperatorReady(KubernetesClient kube, String namespace) {
    Step.log("wait up to %ss for the CRDs and the operator Deployment", OPERATOR_READY.toSeconds());
    await("ZeroMesh CRDs established")
        .atMost(OPERATOR_READY)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(() -> List.of(ZmqKind.values()).stream().allMatch(k -> established(kube, k)));
    await("operator Deployment available")
        .atMost(OPERATOR_READY)
        .pollInterval(Duration.ofSeconds(2))
        .ignoreExceptions()
        .until(
            () -> {
              List<Deployment> deployments =
                  kube.apps().deployments().inNamespace(namespace).list().getItems();
              return !deployments.isEmpty()
                  && deployments.stream()
                      .allMatch(
                          d ->
                              d.getStatus().getAvailableReplicas() != null
                                  && d.getStatus().getAvailableReplicas() >= 1);
            });
    List<String> images =
        kube.pods().inNamespace(namespace).list().getItems().stream()
            .flatMap(p -> p.getSpec().getContainers().stream())
            .map(c -> c.getImage())
            .distinct()
            .toList();
    if (!images.equals(List.of(E2eSettings.operatorImage()))) {
      throw new IllegalStateException(
          "operator pods run " + images + ", not this build's " + E2eSettings.operatorImage());
    }
    Step.log("operator ready in %s, image %s", namespace, E2eSettings.operatorImage());
  }

  private static boolean established(KubernetesClient kube, ZmqKind kind) {
    CustomResourceDefinition crd = crds(kube).withName(kind.crdName()).get();
    return crd != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          CustomResourceDefinition,
          io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionList,
          io.fabric8.kubernetes.client.dsl.Resource<CustomResourceDefinition>>
      crds(KubernetesClient kube) {
    return kube.apiextensions().v1().customResourceDefinitions();
  }

  /**
   * Case namespaces are deleted in the background as each case ends; the run ends when they are
   * gone, with the operator still there for anything it must clean up.
   */
  private static void awaitCaseNamespacesGone(KubernetesClient kube) {
    if (E2eSettings.keepNamespaces()) {
      return;
    }
    Step.log("wait up to %ss for the case namespaces to be deleted", CASES_GONE.toSeconds());
    try {
      await("case namespaces deleted")
          .atMost(CASES_GONE)
          .pollInterval(Duration.ofSeconds(2))
          .ignoreExceptions()
          .until(
              () ->
                  kube.namespaces()
                      .withLabel("app.kubernetes.io/part-of", Probe.PART_OF)
                      .list()
                      .getItems()
                      .isEmpty());
    } catch (ConditionTimeoutException e) {
      Step.log(
          "still terminating: %s",
          kube
              .namespaces()
              .withLabel("app.kubernetes.io/part-of", Probe.PART_OF)
              .list()
              .getItems()
              .stream()
              .map(n -> n.getMetadata().getName())
              .toList());
    }
  }

  private static void uninstall(Path kubeconfig, String namespace, boolean quiet) {
    try {
      String out =
          Helm.uninstall(RELEASE)
              .withNamespace(namespace)
              .withKubeConfig(kubeconfig)
              .ignoreNotFound()
              .call();
      if (!quiet || (out != null && !out.isBlank())) {
        Step.log("helm uninstall %s -n %s: %s", RELEASE, namespace, out == null ? "" : out.trim());
      }
    } catch (RuntimeException e) {
      Step.log("helm uninstall %s -n %s failed: %s", RELEASE, namespace, e.getMessage());
    }
  }

  @Override
  public void close() {
    Step.enter("operator");
    KubernetesClient kube = Kube.client();
    String namespace = E2eSettings.operatorNamespace();
    awaitCaseNamespacesGone(kube);
    uninstall(E2eSettings.kubeconfig(), namespace, false);
    kube.namespaces().withName(namespace).delete();
    // Helm never deletes CRDs; the suite removes those it brought, so a rerun gets fresh ones.
    if (!crdsWereThere) {
      for (ZmqKind kind : ZmqKind.values()) {
        crds(kube).withName(kind.crdName()).delete();
      }
      Step.log("CRDs of this run deleted");
    }
    Kube.close();
  }
}
