package io.zeromesh.helm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json turns typos and wrong types into install errors. */
@Timeout(120)
class ChartSchemaTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          typo at the top level            | imagee: {}                                  | imagee
          typo in a nested key             | leaderElection: {enable: true}              | enable
          typo deep in metrics             | metrics: {serviceMonitor: {enabeld: true}}  | enabeld
          string where a list belongs      | watchNamespaces: team-a                     | watchNamespaces
          string where an integer belongs  | replicaCount: two                           | replicaCount
          string where a boolean belongs   | logging: {json: "yes"}                      | json
          zero replicas                    | replicaCount: 0                             | replicaCount
          unknown pull policy              | image: {pullPolicy: Sometimes}              | pullPolicy
          invalid namespace name           | watchNamespaces: [Team_A]                   | watchNamespaces
          env var without a name           | extraEnv: [{value: x}]                      | name
          unknown security context field   | securityContext: {runAsRoot: true}          | runAsRoot
          typo in the PodMonitor           | metrics: {podMonitor: {enable: true}}       | enable
          typo in the PrometheusRule       | metrics: {prometheusRule: {enabeld: true}}  | enabeld
          alert duration without a unit    | metrics: {prometheusRule: {dropsFor: "10"}} | dropsFor
          negative drop threshold          | metrics: {prometheusRule: {dropsPerSecond: -1}} | dropsPerSecond
          typo in the dashboard            | metrics: {dashboard: {lable: x}}            | lable
          dashboard label value with space | metrics: {dashboard: {labelValue: "a b"}}   | labelValue
          dashboard namespace not a name   | metrics: {dashboard: {namespace: Mon_1}}    | namespace
          typo in curve                    | curve: {generateKeys: true}                 | generateKeys
          string where generatedKeys is    | curve: {generatedKeys: "yes"}               | generatedKeys
          string where readSecrets is      | curve: {readSecrets: "no"}                  | readSecrets
          """)
  void rejects(String what, String values, String offendingKey) {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> ChartFixture.renderText(values + "\n"));
    String message = e.getMessage();
    assertTrue(message.contains("schema"), what + ": not a schema error: " + message);
    assertTrue(message.contains(offendingKey), what + ": message does not name " + offendingKey);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          documented example: watchNamespaces   | watchNamespaces: [team-a, team-b]
          documented example: OpenShift context | podSecurityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
          documented example: tolerations       | tolerations: [{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}]
          documented example: resources         | resources: {requests: {cpu: 200m, memory: 384Mi}, limits: {memory: 768Mi}}
          documented example: extraEnv          | extraEnv: [{name: JAVA_TOOL_OPTIONS, value: -XX:MaxRAMPercentage=60}]
          no size limit on /tmp                 | tmpDir: {sizeLimit: ""}
          documented example: PodMonitor        | metrics: {podMonitor: {enabled: true, labels: {release: kube-prometheus-stack}, interval: 15s, scrapeTimeout: 5s}}
          documented example: PrometheusRule    | metrics: {prometheusRule: {enabled: true, deviceDownFor: 5m, dropsPerSecond: 10, dropsFor: 30m, workersUnavailableFor: 30m, reconcileErrorsFor: 30m}}
          documented example: curve             | curve: {generatedKeys: true}
          documented example: readSecrets       | curve: {readSecrets: true}
          documented example: dashboard         | metrics: {dashboard: {enabled: true, namespace: monitoring, label: grafana_dashboard, labelValue: "true", annotations: {grafana_folder: Messaging}}}
          """)
  void accepts(String what, String values) {
    assertFalse(ChartFixture.renderText(values + "\n").isBlank(), what);
  }
}
