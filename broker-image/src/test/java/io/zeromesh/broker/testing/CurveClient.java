package io.zeromesh.broker.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.zeromesh.broker.zmtp.Curve;
import io.zeromesh.broker.zmtp.CurveCodec;
import io.zeromesh.broker.zmtp.Metadata;
import java.nio.charset.StandardCharsets;

/**
 * The client side of a CurveZMQ handshake (RFC 26) for tests, built from the same NaCl calls as the
 * server ({@link Curve}), so that tests can make every command the RFC describes and spoil any of
 * them. Commands are returned as their body (name length, name, data) and taken as their data
 * (after the name). The real clients our server is held to are libzmq's and JeroMQ's (the interop
 * tests); this one exists to say what they never would.
 */
public final class CurveClient {
  public final byte[] serverPublic;
  public final byte[] clientPublic;
  public final byte[] clientSecret;
  public byte[] transientPublic;
  public byte[] transientSecret;

  /** The next short nonce (HELLO 1, INITIATE 2, then the MESSAGEs). */
  public long nonce = 1;

  public byte[] serverTransient;
  public byte[] cookie;
  public byte[] sessionKey;
  public CurveCodec codec;

  public CurveClient(byte[] serverPublic, byte[][] longTermPair) {
    this.serverPublic = serverPublic.clone();
    this.clientPublic = longTermPair[0].clone();
    this.clientSecret = longTermPair[1].clone();
    byte[][] t = Curve.keyPair();
    this.transientPublic = t[0];
    this.transientSecret = t[1];
  }

  /** HELLO: version 1.0, 72 bytes of padding, C', short nonce, Box [64 zeros](C'->S). */
  public byte[] hello() {
    long n = nonce++;
    byte[] box =
        Curve.box(
            new byte[64], Curve.nonce("CurveZMQHELLO---", n), key(serverPublic, transientSecret));
    ByteBuf b = Unpooled.buffer(200);
    b.writeByte(5).writeBytes(ascii("HELLO"));
    b.writeByte(1).writeByte(0).writeZero(72);
    b.writeBytes(transientPublic).writeLong(n).writeBytes(box);
    return ByteBufUtil.getBytes(b);
  }

  /** Opens WELCOME's data (long nonce, Box [S' + cookie](S->C')); false when it does not. */
  public boolean welcome(byte[] data) {
    if (data.length != 160) {
      return false;
    }
    byte[] plain =
        Curve.open(
            slice(data, 16, 144),
            Curve.nonce("WELCOME-", slice(data, 0, 16)),
            key(serverPublic, transientSecret));
    if (plain == null) {
      return false;
    }
    serverTransient = slice(plain, 0, 32);
    cookie = slice(plain, 32, 96);
    sessionKey = key(serverTransient, transientSecret);
    return true;
  }

  /** INITIATE with an honest vouch from this client's long-term key. */
  public byte[] initiate(Metadata metadata) {
    return initiate(metadata, clientPublic, clientSecret, serverPublic);
  }

  /**
   * INITIATE: cookie, short nonce, Box [C + vouch + metadata](C'->S'), where the vouch is Box
   * [C',S](C->S') made with {@code vouchSecret} for {@code vouchedServer} and C is {@code claimed}.
   */
  public byte[] initiate(
      Metadata metadata, byte[] claimed, byte[] vouchSecret, byte[] vouchedServer) {
    byte[] vouchNonce = Curve.random(16);
    byte[] vouch =
        Curve.box(
            concat(transientPublic, vouchedServer),
            Curve.nonce("VOUCH---", vouchNonce),
            key(serverTransient, vouchSecret));
    ByteBuf md = Unpooled.buffer();
    metadata.write(md);
    byte[] plain = concat(claimed, vouchNonce, vouch, ByteBufUtil.getBytes(md));
    long n = nonce++;
    byte[] box = Curve.box(plain, Curve.nonce("CurveZMQINITIATE", n), sessionKey);
    ByteBuf b = Unpooled.buffer();
    b.writeByte(8).writeBytes(ascii("INITIATE"));
    b.writeBytes(cookie).writeLong(n).writeBytes(box);
    return ByteBufUtil.getBytes(b);
  }

  /** Opens READY's data (short nonce, Box [metadata](S'->C')); then the codec is set. */
  public Metadata ready(byte[] data) throws Exception {
    long serverNonce = Unpooled.wrappedBuffer(data).getLong(0);
    byte[] plain =
        Curve.open(
            slice(data, 8, data.length - 8),
            Curve.nonce("CurveZMQREADY---", serverNonce),
            sessionKey);
    if (plain == null) {
      throw new AssertionError("READY box does not open");
    }
    codec = new CurveCodec(sessionKey, false, nonce, serverNonce);
    return Metadata.read(Unpooled.wrappedBuffer(plain));
  }

  /** One frame as the MESSAGE frame (wire bytes) that carries it. */
  public byte[] message(int wireFlags, byte[] body) {
    ByteBuf out = Unpooled.buffer();
    codec.encrypt(wireFlags, Unpooled.wrappedBuffer(body), 0, body.length, out);
    nonce++;
    return ByteBufUtil.getBytes(out);
  }

  /**
   * A MESSAGE frame (wire bytes) made by hand: any payload flags byte, any nonce, under this
   * connection's key (what {@link CurveCodec} would never send).
   */
  public byte[] rawMessage(int curveFlags, byte[] body, long n) {
    byte[] box =
        Curve.box(
            concat(new byte[] {(byte) curveFlags}, body),
            Curve.nonce("CurveZMQMESSAGEC", n),
            sessionKey);
    ByteBuf out = Unpooled.buffer();
    int size = 16 + box.length;
    if (size > 255) {
      out.writeByte(0x02).writeLong(size);
    } else {
      out.writeByte(0).writeByte(size);
    }
    out.writeByte(7).writeBytes(ascii("MESSAGE")).writeLong(n).writeBytes(box);
    return ByteBufUtil.getBytes(out);
  }

  private static byte[] key(byte[] pub, byte[] secret) {
    try {
      return Curve.precompute(pub, secret);
    } catch (Exception e) {
      // Tests may offer a low-order key on purpose: box with the key anyone could compute.
      byte[] k = new byte[32];
      com.neilalexander.jnacl.crypto.curve25519xsalsa20poly1305.crypto_box_beforenm(k, pub, secret);
      return k;
    }
  }

  public static byte[] slice(byte[] b, int from, int n) {
    byte[] s = new byte[n];
    System.arraycopy(b, from, s, 0, n);
    return s;
  }

  public static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
