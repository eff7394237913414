package io.zeromesh.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Installs the operator with its Helm chart once per run, before the first test class that uses it,
 * and uninstalls it when the run ends (JUnit closes the root store last). A failed install is not
 * retried for every class: the classes after it fail at once with the same cause.
 */
public final class ZeroMeshOperator implements BeforeAllCallback {
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(ZeroMeshOperator.class);
  private static volatile RuntimeException installFailure;

  @Override
  public void beforeAll(ExtensionContext context) {
    if (installFailure != null) {
      throw new IllegalStateException("the operator could not be installed", installFailure);
    }
    try {
      context
          .getRoot()
          .getStore(STORE)
          .getOrComputeIfAbsent(
              OperatorInstallation.class,
              k -> OperatorInstallation.install(),
              OperatorInstallation.class);
    } catch (RuntimeException e) {
      installFailure = e;
      throw e;
    }
  }

  /**
   * Upgrades the run's release to the run's values plus {@code extra} (chart keys), waiting until
   * the operator is ready again. For a case that needs another shape of the install.
   */
  public static void upgrade(Map<String, String> extra) {
    OperatorInstallation.upgrade(extra);
  }

  /** The operator pods of the run's release that are not being deleted. */
  public static List<Pod> pods(KubernetesClient kube) {
    return kube
        .pods()
        .inNamespace(E2eSettings.operatorNamespace())
        .withLabel("app.kubernetes.io/instance", OperatorInstallation.RELEASE)
        .withLabel("app.kubernetes.io/component", "operator")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }
}
