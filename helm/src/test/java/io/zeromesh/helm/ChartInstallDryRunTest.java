package io.zeromesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Release;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * `helm install --dry-run=client`: the install path itself (CRDs from crds/, NOTES.txt) works
 * without a cluster, and the notes tell the user what to do next.
 */
@Timeout(120)
class ChartInstallDryRunTest {

  private static Release dryRun(String valuesYaml) {
    var install =
        ChartFixture.helm()
            .install()
            .withName(ChartFixture.RELEASE)
            .withNamespace(ChartFixture.NAMESPACE)
            .withKubeVersion(ChartFixture.KUBE_VERSION)
            .clientOnly()
            .dryRun();
    if (valuesYaml != null) {
      install = install.withValuesFile(ChartFixture.writeTemp(valuesYaml));
    }
    return install.call();
  }

  @Test
  void notesSayWhatToApplyNext() {
    Release release = dryRun(null);
    assertEquals(ChartFixture.RELEASE, release.getName());
    assertEquals("0.1.0", release.getAppVersion());
    String notes = release.getOutput();
    assertTrue(notes.contains("every namespace"), notes);
    assertTrue(
        notes.contains(
            "kubectl -n zeromesh-system rollout status deployment/" + ChartFixture.RELEASE),
        notes);
    assertTrue(notes.contains("kind: ZmqBroker"), notes);
    assertTrue(notes.contains("kubectl get zeromesh -A"), notes);
    assertTrue(notes.contains("kubectl explain zmqbroker.spec"), notes);
  }

  @Test
  void notesNameTheWatchedNamespaces() {
    String notes = dryRun("watchNamespaces: [team-a, team-b]\n").getOutput();
    assertTrue(notes.contains("team-a, team-b"), notes);
    assertTrue(notes.contains("kubectl apply -n team-a"), notes);
  }

  @Test
  void notesNameTheMonitoringObjectsOnlyWhenOn() {
    assertTrue(!dryRun(null).getOutput().contains("PodMonitor"));
    String notes =
        dryRun(
                """
                metrics:
                  podMonitor: {enabled: true}
                  prometheusRule: {enabled: true}
                  dashboard: {enabled: true, namespace: monitoring}
                """)
            .getOutput();
    assertTrue(notes.contains("PodMonitor zeromesh-operator-devices"), notes);
    assertTrue(notes.contains("PrometheusRule zeromesh-operator"), notes);
    assertTrue(
        notes.contains("ConfigMap monitoring/zeromesh-operator-dashboard for the Grafana sidecar"),
        notes);
    assertTrue(notes.contains("(grafana_dashboard=1)"), notes);
  }
}
