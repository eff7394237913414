package io.zeromesh.broker.zmtp;

/**
 * Z85 (RFC 32), the text form of CURVE keys: every 4 bytes as 5 characters of an 85-letter
 * alphabet, big-endian. Lengths must be multiples of 4 (bytes) and 5 (characters).
 */
public final class Z85 {
  private static final char[] ALPHABET =
      ("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#")
          .toCharArray();
  private static final int[] VALUE = new int[128];

  static {
    java.util.Arrays.fill(VALUE, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUE[ALPHABET[i]] = i;
    }
  }

  private Z85() {}

  public static String encode(byte[] data) {
    if (data.length % 4 != 0) {
      throw new IllegalArgumentException("Z85 encodes multiples of 4 bytes, not " + data.length);
    }
    StringBuilder out = new StringBuilder(data.length * 5 / 4);
    for (int i = 0; i < data.length; i += 4) {
      long v =
          ((data[i] & 0xFFL) << 24)
              | ((data[i + 1] & 0xFFL) << 16)
              | ((data[i + 2] & 0xFFL) << 8)
              | (data[i + 3] & 0xFFL);
      char[] group = new char[5];
      for (int j = 4; j >= 0; j--) {
        group[j] = ALPHABET[(int) (v % 85)];
        v /= 85;
      }
      out.append(group);
    }
    return out.toString();
  }

  /** The bytes of {@code text}, or null when it is not Z85 (length, letters, or overflow). */
  public static byte[] decode(String text) {
    if (text.length() % 5 != 0) {
      return null;
    }
    byte[] out = new byte[text.length() / 5 * 4];
    for (int i = 0, o = 0; i < text.length(); i += 5, o += 4) {
      long v = 0;
      for (int j = 0; j < 5; j++) {
        char c = text.charAt(i + j);
        int d = c < 128 ? VALUE[c] : -1;
        if (d < 0) {
          return null;
        }
        v = v * 85 + d;
      }
      if (v > 0xFFFFFFFFL) {
        return null;
      }
      out[o] = (byte) (v >>> 24);
      out[o + 1] = (byte) (v >>> 16);
      out[o + 2] = (byte) (v >>> 8);
      out[o + 3] = (byte) v;
    }
    return out;
  }
}
