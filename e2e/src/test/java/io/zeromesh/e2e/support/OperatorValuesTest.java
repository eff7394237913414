package io.zeromesh.e2e.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;

/**
 * The values the suite installs the chart with are valid for the chart (its schema rejects unknown
 * keys) and put the images of this build into the operator Deployment. Runs offline, in every
 * build, so a renamed chart key breaks here rather than in a cluster run.
 */
class OperatorValuesTest {
  @Test
  void chartRendersWithTheSuitesValuesAndUsesTheBuiltImages() {
    TemplateCommand template =
        new Helm(E2eSettings.chart())
            .template()
            .withName(OperatorInstallation.RELEASE)
            .withNamespace(E2eSettings.operatorNamespace())
            // The Kubernetes of the pinned kind node image (e2e/kind/env.sh).
            .withKubeVersion("v1.31.2");
    OperatorInstallation.values().forEach(template::set);
    String rendered = template.call();
    assertTrue(
        rendered.contains("image: \"" + E2eSettings.operatorImage() + "\""),
        () -> "operator image " + E2eSettings.operatorImage() + " in\n" + rendered);
    assertTrue(
        rendered.contains("value: \"" + E2eSettings.brokerImage() + "\""),
        () -> "broker image " + E2eSettings.brokerImage() + " in\n" + rendered);
    assertTrue(
        rendered.contains("imagePullPolicy: " + E2eSettings.imagePullPolicy()),
        () -> "pull policy in\n" + rendered);
  }
}
