package io.zeromesh.broker.zmtp;

import com.neilalexander.jnacl.crypto.curve25519xsalsa20poly1305;
import com.neilalexander.jnacl.crypto.xsalsa20poly1305;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The NaCl operations CurveZMQ (RFC 26) is built from, all from jnacl (the NaCl port JeroMQ's own
 * CURVE uses): {@code crypto_box} (Curve25519, XSalsa20, Poly1305), its precomputed form, and
 * {@code crypto_secretbox}. Nothing here is a primitive of our own; this class only hides NaCl's
 * zero-padding convention (32 zero bytes before a plaintext, 16 before a box) behind offsets.
 */
public final class Curve {
  public static final int KEY = 32;
  public static final int NONCE = 24;
  public static final int MAC = 16;
  private static final int ZERO = 32; // crypto_box_ZEROBYTES
  private static final int BOXZERO = 16; // crypto_box_BOXZEROBYTES

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The precomputed key of a shared secret that is all zeros: what a low-order public key (the
   * points libsodium refuses) yields with any secret key. Such a key is known to anyone.
   */
  private static final byte[] WEAK_SHARED = weakShared();

  private Curve() {}

  /** A fresh key pair: {public, secret}. */
  public static byte[][] keyPair() {
    byte[] pub = new byte[KEY];
    byte[] secret = new byte[KEY];
    curve25519xsalsa20poly1305.crypto_box_keypair(pub, secret);
    return new byte[][] {pub, secret};
  }

  /** The public key of {@code secret}. */
  public static byte[] publicKey(byte[] secret) {
    byte[] pub = new byte[KEY];
    curve25519xsalsa20poly1305.crypto_box_getpublickey(pub, secret);
    return pub;
  }

  public static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /**
   * {@code crypto_box_beforenm}: the key boxes between {@code theirPublic} and {@code ourSecret}
   * use.
   *
   * @throws ZmtpException when {@code theirPublic} is a low-order point (the key would be public)
   */
  public static byte[] precompute(byte[] theirPublic, byte[] ourSecret) throws ZmtpException {
    byte[] k = new byte[KEY];
    curve25519xsalsa20poly1305.crypto_box_beforenm(k, theirPublic, ourSecret);
    if (MessageDigest.isEqual(k, WEAK_SHARED)) {
      throw new ZmtpException("a low-order public key");
    }
    return k;
  }

  /** A 24-byte nonce: the ASCII {@code prefix} then {@code rest}. */
  public static byte[] nonce(String prefix, byte[] rest) {
    byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
    byte[] n = new byte[NONCE];
    System.arraycopy(p, 0, n, 0, p.length);
    System.arraycopy(rest, 0, n, p.length, NONCE - p.length);
    return n;
  }

  /** A 24-byte nonce: a 16-byte ASCII {@code prefix} then {@code counter}, big-endian. */
  public static byte[] nonce(String prefix, long counter) {
    byte[] n = new byte[NONCE];
    byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(p, 0, n, 0, 16);
    for (int i = 0; i < 8; i++) {
      n[16 + i] = (byte) (counter >>> (56 - 8 * i));
    }
    return n;
  }

  /** Box [plain](k): {@code plain.length + 16} bytes. */
  public static byte[] box(byte[] plain, byte[] nonce, byte[] k) {
    byte[] m = new byte[ZERO + plain.length];
    System.arraycopy(plain, 0, m, ZERO, plain.length);
    byte[] c = new byte[m.length];
    curve25519xsalsa20poly1305.crypto_box_afternm(c, m, m.length, nonce, k);
    byte[] out = new byte[plain.length + MAC];
    System.arraycopy(c, BOXZERO, out, 0, out.length);
    return out;
  }

  /** Opens a box made by {@link #box}; null when it does not authenticate. */
  public static byte[] open(byte[] box, byte[] nonce, byte[] k) {
    if (box.length < MAC) {
      return null;
    }
    byte[] c = new byte[BOXZERO + box.length];
    System.arraycopy(box, 0, c, BOXZERO, box.length);
    byte[] m = new byte[c.length];
    if (curve25519xsalsa20poly1305.crypto_box_open_afternm(m, c, c.length, nonce, k) != 0) {
      return null;
    }
    byte[] plain = new byte[box.length - MAC];
    System.arraycopy(m, ZERO, plain, 0, plain.length);
    return plain;
  }

  /** Secretbox [plain](key), for the cookie: {@code plain.length + 16} bytes. */
  public static byte[] secretBox(byte[] plain, byte[] nonce, byte[] key) {
    byte[] m = new byte[ZERO + plain.length];
    System.arraycopy(plain, 0, m, ZERO, plain.length);
    byte[] c = new byte[m.length];
    xsalsa20poly1305.crypto_secretbox(c, m, m.length, nonce, key);
    byte[] out = new byte[plain.length + MAC];
    System.arraycopy(c, BOXZERO, out, 0, out.length);
    return out;
  }

  /** Opens a {@link #secretBox}; null when it does not authenticate. */
  public static byte[] secretOpen(byte[] box, byte[] nonce, byte[] key) {
    if (box.length < MAC) {
      return null;
    }
    byte[] c = new byte[BOXZERO + box.length];
    System.arraycopy(box, 0, c, BOXZERO, box.length);
    byte[] m = new byte[c.length];
    if (xsalsa20poly1305.crypto_secretbox_open(m, c, c.length, nonce, key) != 0) {
      return null;
    }
    byte[] plain = new byte[box.length - MAC];
    System.arraycopy(m, ZERO, plain, 0, plain.length);
    return plain;
  }

  /**
   * The in-place forms for the data phase, on caller-owned scratch arrays sized for NaCl's padding:
   * {@code m} holds 32 zero bytes then the plaintext ({@code len} bytes in all), {@code c} receives
   * 16 zero bytes then the box.
   */
  static void boxPadded(byte[] c, byte[] m, int len, byte[] nonce, byte[] k) {
    curve25519xsalsa20poly1305.crypto_box_afternm(c, m, len, nonce, k);
  }

  /** The inverse of {@link #boxPadded}; false when the box does not authenticate. */
  static boolean openPadded(byte[] m, byte[] c, int len, byte[] nonce, byte[] k) {
    return curve25519xsalsa20poly1305.crypto_box_open_afternm(m, c, len, nonce, k) == 0;
  }

  static int zeroBytes() {
    return ZERO;
  }

  static int boxZeroBytes() {
    return BOXZERO;
  }

  private static byte[] weakShared() {
    byte[] k = new byte[KEY];
    // The all-zero public key is a low-order point: its shared secret with any key is zero.
    curve25519xsalsa20poly1305.crypto_box_beforenm(k, new byte[KEY], keyPair()[1]);
    return k;
  }
}
