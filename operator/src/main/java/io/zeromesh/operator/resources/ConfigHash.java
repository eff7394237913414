package io.zeromesh.operator.resources;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** Short content hashes for pod-template annotations, so a change of content rolls pods. */
public final class ConfigHash {
  /** Pod-template annotation with the hash of what the pod reads at start only. */
  public static final String ANNOTATION = "zeromesh.io/config-hash";

  private ConfigHash() {}

  /** A hash of the parts, in order. */
  public static String of(Object... parts) {
    MessageDigest digest = sha256();
    for (Object part : parts) {
      digest.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
  }

  /** A hash of a Secret's data, independent of key order; empty for no data. */
  public static String ofData(Map<String, String> data) {
    if (data == null || data.isEmpty()) {
      return "";
    }
    return of(new TreeMap<>(data).toString());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
