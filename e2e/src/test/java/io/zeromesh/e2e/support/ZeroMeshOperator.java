package io.zeromesh.e2e.support;

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
}
