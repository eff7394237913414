package io.zeromesh.e2e.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The values the suite installs the chart with are valid for the chart (its schema rejects unknown
 * keys) and put the images of this build into the operator Deployment. Runs offline, in every
 * build, so a renamed chart key breaks here rather than in a cluster run.
 */
class OperatorValuesTest {
  /** Unique tags as `make broker-image operator-image` writes them (broker.mk). */
  private static final String OPERATOR = "zeromesh/operator:0.1.0-1a2b3c4-dirty-5d6e7f8a9b";

  private static final String BROKER = "zeromesh/broker:0.1.0-1a2b3c4-dirty-5d6e7f8a9b";

  @Test
  void chartRendersWithTheSuitesValuesAndUsesTheBuiltImages() {
    String rendered = render(Map.of());
    assertTrue(
        rendered.contains("image: \"" + OPERATOR + "\""),
        () -> "operator image " + OPERATOR + " in\n" + rendered);
    assertTrue(
        rendered.contains("value: \"" + BROKER + "\""),
        () -> "broker image " + BROKER + " in\n" + rendered);
    assertTrue(
        rendered.contains("imagePullPolicy: " + E2eSettings.imagePullPolicy()),
        () -> "pull policy in\n" + rendered);
  }

  /** What LeaderElectionE2eTest upgrades the release to: two replicas behind the Lease. */
  @Test
  void chartRendersTwoReplicasWithLeaderElection() {
    String rendered = render(LeaderElection.VALUES);
    assertTrue(rendered.contains("replicas: 2"), () -> "two replicas in\n" + rendered);
    assertTrue(
        rendered.matches("(?s).*name: ZEROMESH_LEADER_ELECTION\\s+value: \"true\".*"),
        () -> "leader election on in\n" + rendered);
  }

  private static String render(Map<String, String> extra) {
    TemplateCommand template =
        new Helm(E2eSettings.chart())
            .template()
            .withName(OperatorInstallation.RELEASE)
            .withNamespace(E2eSettings.operatorNamespace())
            // The Kubernetes of the pinned kind node image (e2e/kind/env.sh).
            .withKubeVersion("v1.31.2");
    OperatorInstallation.values(OPERATOR, BROKER).forEach(template::set);
    extra.forEach(template::set);
    return template.call();
  }
}
