package io.zeromesh.operator.reconciler;

import static io.zeromesh.operator.testing.TestResources.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.zeromesh.operator.api.v1alpha1.CurveSpec;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.reconciler.DeviceReconciliation.UserSecrets;
import io.zeromesh.operator.resources.CurveKeys;
import io.zeromesh.operator.resources.OperatorDefaults;
import io.zeromesh.operator.testing.TestResources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The named CURVE Secrets: read, checked and hashed when the operator reads them
 * (ZEROMESH_CURVE_READ_SECRETS=true); never got when it does not, the status then saying which
 * Secrets the pods wait for.
 */
class UserSecretsTest {
  private static final OperatorDefaults READS = OperatorDefaults.STANDARD;
  private static final OperatorDefaults DOES_NOT_READ =
      OperatorDefaults.STANDARD.withReadsCurveSecrets(false);

  private final ZmqBroker broker =
      stored(
          TestResources.broker(
              "prod",
              "orders",
              s -> {
                CurveSpec curve = new CurveSpec();
                curve.setEnabled(true);
                curve.setSecretName("orders-keys");
                curve.setAllowedClientsSecretName("orders-clients");
                s.setCurve(curve);
              }));

  /** The Secrets in the namespace, and every get made. */
  private final Map<String, Secret> cluster = new HashMap<>();

  private final List<String> gets = new ArrayList<>();

  private Secret get(String namespace, String name) {
    gets.add(namespace + "/" + name);
    return cluster.get(name);
  }

  private void put(String name, Map<String, String> data) {
    cluster.put(
        name,
        new SecretBuilder().withNewMetadata().withName(name).endMetadata().withData(data).build());
  }

  @Test
  void notReadingGetsNoSecretAndHashesNothing() {
    UserSecrets none = UserSecrets.read(broker, DOES_NOT_READ, this::get);
    assertEquals(List.of(), gets, "Secrets got by an operator that does not read them");
    assertEquals("", none.version());
    assertNull(none.problem(), "nothing checked, so nothing wrong: the pods wait for the Secrets");
    put("orders-keys", CurveKeys.generate().secretData());
    put("orders-clients", Map.of("a", "eA=="));
    assertEquals(none, UserSecrets.read(broker, DOES_NOT_READ, this::get));
    assertEquals(List.of(), gets);
  }

  @Test
  void readingNamesAMissingSecretsField() {
    UserSecrets missing = UserSecrets.read(broker, READS, this::get);
    assertEquals("ReferenceNotFound", missing.problem().reason());
    assertEquals(
        "not found: spec.curve.secretName: Secret prod/orders-keys", missing.problem().message());
    put("orders-keys", CurveKeys.generate().secretData());
    UserSecrets noClients = UserSecrets.read(broker, READS, this::get);
    assertEquals(
        "not found: spec.curve.allowedClientsSecretName: Secret prod/orders-clients",
        noClients.problem().message());
    assertEquals(
        List.of("prod/orders-keys", "prod/orders-keys", "prod/orders-clients"),
        gets,
        "only the Secrets named, by name");
  }

  @Test
  void readingChecksTheKeysAndHashesTheContentSoARotationRollsThePods() {
    put("orders-keys", Map.of("server.pub", "c2hvcnQ="));
    put("orders-clients", Map.of("a", "eA=="));
    UserSecrets bad = UserSecrets.read(broker, READS, this::get);
    assertEquals("InvalidSpec", bad.problem().reason());
    assertTrue(
        bad.problem().message().startsWith("spec.curve.secretName: Secret orders-keys must"));

    put("orders-keys", CurveKeys.generate().secretData());
    UserSecrets first = UserSecrets.read(broker, READS, this::get);
    assertNull(first.problem());
    assertEquals(first, UserSecrets.read(broker, READS, this::get), "same content, same hash");
    put("orders-keys", CurveKeys.generate().secretData());
    assertNotEquals(first.version(), UserSecrets.read(broker, READS, this::get).version());
    UserSecrets rotated = UserSecrets.read(broker, READS, this::get);
    put("orders-clients", Map.of("a", "eQ=="));
    assertNotEquals(
        rotated.version(),
        UserSecrets.read(broker, READS, this::get).version(),
        "a changed allow-list is hashed too");
  }

  @Test
  void theStatusNoteNamesTheUnreadSecretsAndWhereToLook() {
    assertEquals(
        "its pods mount Secret orders-keys (spec.curve.secretName) and orders-clients"
            + " (spec.curve.allowedClientsSecretName), which the operator does not read"
            + " (ZEROMESH_CURVE_READ_SECRETS=false): a missing Secret or bad keys keep them from"
            + " starting; see kubectl describe pods -l app.kubernetes.io/name=zeromesh-broker,"
            + "app.kubernetes.io/instance=orders,app.kubernetes.io/component=device",
        UserSecrets.unreadNote(broker, DOES_NOT_READ));
    assertNull(UserSecrets.unreadNote(broker, READS), "reading them, the status says it all");
    ZmqBroker generated =
        stored(
            TestResources.broker(
                "prod",
                "orders",
                s -> {
                  CurveSpec curve = new CurveSpec();
                  curve.setEnabled(true);
                  s.setCurve(curve);
                }));
    assertNull(
        UserSecrets.unreadNote(generated, DOES_NOT_READ), "the operator's own keypair: no note");
    assertNull(
        UserSecrets.unreadNote(stored(TestResources.broker("prod", "plain", s -> {})), READS));
  }
}
