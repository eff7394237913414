package io.zeromesh.operator.resources;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.zeromq.ZMQ;

/** A CURVE server keypair in Z85 (40 characters each), as the daemon reads it. */
public record CurveKeys(String publicKey, String secretKey) {
  public static final String PUBLIC_KEY = "server.pub";
  public static final String SECRET_KEY = "server.key";

  /** A fresh keypair from a secure random source. */
  public static CurveKeys generate() {
    ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
    return new CurveKeys(pair.publicKey, pair.secretKey);
  }

  /** The keypair held in a Secret's (base64) data, or null when it holds no complete pair. */
  public static CurveKeys fromSecretData(Map<String, String> data) {
    if (data == null) {
      return null;
    }
    String pub = decode(data.get(PUBLIC_KEY));
    String sec = decode(data.get(SECRET_KEY));
    if (pub == null || sec == null || pub.length() != 40 || sec.length() != 40) {
      return null;
    }
    return new CurveKeys(pub, sec);
  }

  /** The pair as Secret data (base64 values). */
  public Map<String, String> secretData() {
    return Map.of(PUBLIC_KEY, encode(publicKey), SECRET_KEY, encode(secretKey));
  }

  private static String decode(String value) {
    if (value == null) {
      return null;
    }
    try {
      return new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII).trim();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.US_ASCII));
  }
}
