package io.zeromesh.e2e.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Installs the operator with its Helm chart once per run, before the first test class that uses it,
 * and uninstalls it when the run ends (JUnit closes the root store last).
 */
public final class ZeroMeshOperator implements BeforeAllCallback {
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(ZeroMeshOperator.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context
        .getRoot()
        .getStore(STORE)
        .getOrComputeIfAbsent(
            OperatorInstallation.class,
            k -> OperatorInstallation.install(),
            OperatorInstallation.class);
  }
}
