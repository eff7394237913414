package io.zeromesh.operator.resources;

import static io.zeromesh.operator.testing.TestResources.stored;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.zeromesh.operator.api.v1alpha1.CurveSpec;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.testing.TestResources;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Base64;
import java.util.Map;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

class CurveSecretBuilderTest {
  private final ZmqBroker broker =
      stored(
          TestResources.broker(
              "prod",
              "orders",
              s -> {
                CurveSpec curve = new CurveSpec();
                curve.setEnabled(true);
                s.setCurve(curve);
              }));

  @Test
  void generatesAValidZ85KeypairOwnedByTheBroker() throws Exception {
    Secret secret = CurveSecretBuilder.build(broker, null);
    assertEquals("orders-broker-curve", secret.getMetadata().getName());
    assertEquals(TestResources.UID, secret.getMetadata().getOwnerReferences().get(0).getUid());
    CurveKeys keys = CurveKeys.fromSecretData(secret.getData());
    assertEquals(40, keys.publicKey().length());
    assertEquals(40, keys.secretKey().length());
    // Each public key belongs to its secret key: both sides of a Diffie-Hellman agree.
    CurveKeys other = CurveKeys.generate();
    assertArrayEquals(
        x25519(keys.secretKey(), other.publicKey()), x25519(other.secretKey(), keys.publicKey()));
  }

  /** X25519 with the JDK's XDH, independent of JeroMQ's implementation. */
  private static byte[] x25519(String secretZ85, String publicZ85) throws Exception {
    KeyFactory factory = KeyFactory.getInstance("XDH");
    PrivateKey secret =
        factory.generatePrivate(
            new XECPrivateKeySpec(NamedParameterSpec.X25519, ZMQ.Curve.z85Decode(secretZ85)));
    byte[] u = ZMQ.Curve.z85Decode(publicZ85);
    u[31] &= 0x7f;
    byte[] bigEndian = new byte[32];
    for (int i = 0; i < 32; i++) {
      bigEndian[i] = u[31 - i];
    }
    PublicKey pub =
        factory.generatePublic(
            new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, bigEndian)));
    KeyAgreement agreement = KeyAgreement.getInstance("XDH");
    agreement.init(secret);
    agreement.doPhase(pub, true);
    return agreement.generateSecret();
  }

  @Test
  void keepsTheKeysItIsGiven() {
    CurveKeys existing = CurveKeys.generate();
    Secret secret = CurveSecretBuilder.build(broker, existing);
    assertEquals(existing, CurveKeys.fromSecretData(secret.getData()));
    assertNotEquals(existing, CurveKeys.generate());
  }

  @Test
  void readsOnlyCompleteKeypairs() {
    String pub =
        Base64.getEncoder().encodeToString("x".repeat(40).getBytes(StandardCharsets.US_ASCII));
    assertNull(CurveKeys.fromSecretData(Map.of("server.pub", pub)));
    assertNull(CurveKeys.fromSecretData(Map.of("server.pub", pub, "server.key", "not base64!")));
    assertNull(CurveKeys.fromSecretData(null));
  }

  @Test
  void generatedOnlyWithoutAUserSecret() {
    assertTrue(CurveSecretBuilder.generated(broker.getSpec()));
    broker.getSpec().getCurve().setSecretName("mine");
    assertFalse(CurveSecretBuilder.generated(broker.getSpec()));
    assertEquals(
        "mine", CurveSecretBuilder.secretName(broker.getSpec(), DeviceResources.of(broker)));
  }
}
