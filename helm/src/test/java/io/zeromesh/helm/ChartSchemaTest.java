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
          """)
  void accepts(String what, String values) {
    assertFalse(ChartFixture.renderText(values + "\n").isBlank(), what);
  }
}
