package io.zeromesh.e2e.support;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A namespace of its own for each test, created before it and deleted after it. When the test
 * fails, the operator logs, events, resource status and pod logs are printed before the namespace
 * goes. Register as an instance field: {@code @RegisterExtension final CaseNamespace ns = new
 * CaseNamespace();}.
 */
public final class CaseNamespace
    implements BeforeEachCallback, AfterTestExecutionCallback, AfterEachCallback {
  private String name;

  public String name() {
    if (name == null) {
      throw new IllegalStateException("the case namespace exists only while a test runs");
    }
    return name;
  }

  public KubernetesClient kube() {
    return Kube.client();
  }

  public Devices devices() {
    return new Devices(kube(), name());
  }

  public Probes probes() {
    return new Probes(kube(), name());
  }

  public Metrics metrics() {
    return new Metrics(kube(), name());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    String caseName =
        context.getRequiredTestClass().getSimpleName()
            + "."
            + context.getRequiredTestMethod().getName();
    Step.enter(caseName);
    String base =
        context
            .getRequiredTestClass()
            .getSimpleName()
            .replace("E2eTest", "")
            .toLowerCase(Locale.ROOT);
    name =
        "zm-e2e-"
            + base
            + "-"
            + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 25), 36);
    kube()
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("app.kubernetes.io/part-of", Probe.PART_OF)
                .endMetadata()
                .build())
        .create();
    Step.log("namespace %s created", name);
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    context
        .getExecutionException()
        .ifPresent(
            failure -> {
              Step.log("FAILED (%s): dumping diagnostics of %s", failure, name);
              Diagnostics.dump(kube(), name);
            });
  }

  @Override
  public void afterEach(ExtensionContext context) {
    String doomed = name;
    name = null;
    if (E2eSettings.keepNamespaces()) {
      Step.log("namespace %s kept (zeromesh.e2e.keepNamespaces)", doomed);
      return;
    }
    Step.log("delete namespace %s (in the background; the run waits for it at its end)", doomed);
    kube().namespaces().withName(doomed).delete();
  }
}
