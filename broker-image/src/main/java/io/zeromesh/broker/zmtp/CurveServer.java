package io.zeromesh.broker.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The server side of the CURVE mechanism (RFC 26 CurveZMQ over ZMTP, RFC 25), one instance per
 * connection: HELLO, WELCOME (with a cookie sealed by the device's {@link CookieKeys}), INITIATE
 * (cookie, vouch, metadata), then a ZAP call ({@link Zap.Handler}) with the client's long-term key,
 * then READY, after which {@link #codec()} carries the messages.
 *
 * <p>Every check fails the handshake with an ERROR command before the connection closes: a
 * malformed command, a box that does not open, a cookie that is forged or older than the minute key
 * allows, a vouch for other keys, a short nonce that does not increase, a low-order key. A ZAP
 * refusal sends ERROR with the ZAP status code (as libzmq does) and is a {@link
 * ZmtpException.Kind#REFUSED}.
 */
public final class CurveServer implements Mechanism {
  public static final String NAME = "CURVE";

  private static final int HELLO_SIZE = 194; // after [5]"HELLO"
  private static final int INITIATE_MIN = 96 + 8 + 144; // after [8]"INITIATE"
  private static final byte[] ZEROS_64 = new byte[64];

  private enum State {
    HELLO,
    INITIATE,
    COMPLETE,
    DONE
  }

  private final byte[] serverPublic;
  private final byte[] serverSecret;
  private final CookieKeys cookieKeys;
  private final Zap.Handler zap;
  private final String domain;
  private final String address;
  private final Metadata ours;
  private State state = State.HELLO;
  private byte[] clientTransient; // C'
  private long peerNonce;
  private byte[] sessionKey; // precomputed C'/s'
  private byte[] clientKey; // C
  private CurveCodec codec;

  /**
   * @param zap the ZAP handler, or null to accept every client that completes the handshake
   * @param domain the ZAP domain (the device side's name)
   * @param address the peer's IP address, for ZAP
   */
  public CurveServer(
      byte[] serverPublic,
      byte[] serverSecret,
      CookieKeys cookieKeys,
      Zap.Handler zap,
      String domain,
      String address,
      Metadata ours) {
    this.serverPublic = serverPublic.clone();
    this.serverSecret = serverSecret.clone();
    this.cookieKeys = cookieKeys;
    this.zap = zap;
    this.domain = domain;
    this.address = address;
    this.ours = ours;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean asServer() {
    return true;
  }

  @Override
  public boolean encryptsMessages() {
    return true;
  }

  /** The client waits for nothing: it speaks first (HELLO). */
  @Override
  public void start(Output out) {}

  @Override
  public Metadata command(Command c, Output out) throws ZmtpException {
    if (c.is(Command.ERROR)) {
      throw new ZmtpException("peer sent ERROR: " + Mechanism.errorReason(c));
    }
    return switch (state) {
      case HELLO -> {
        hello(expect(c, "HELLO", out), out);
        yield null;
      }
      case INITIATE -> initiate(expect(c, "INITIATE", out), out);
      default -> throw fail(out, "unexpected " + c.name() + " in the CURVE handshake");
    };
  }

  private ByteBuf expect(Command c, String name, Output out) throws ZmtpException {
    if (!c.is(name)) {
      throw fail(out, "expected " + name + ", got " + c.name());
    }
    return c.data();
  }

  private void hello(ByteBuf d, Output out) throws ZmtpException {
    if (d.readableBytes() != HELLO_SIZE) {
      throw fail(out, "malformed HELLO (" + (d.readableBytes() + 6) + " bytes)");
    }
    int r = d.readerIndex();
    if (d.getByte(r) != 1 || d.getByte(r + 1) != 0) {
      throw fail(out, "CurveZMQ version " + d.getByte(r) + "." + d.getByte(r + 1));
    }
    clientTransient = ByteBufUtil.getBytes(d, r + 74, 32);
    byte[] shortNonce = ByteBufUtil.getBytes(d, r + 106, 8);
    byte[] box = ByteBufUtil.getBytes(d, r + 114, 80);
    byte[] k = precompute(clientTransient, serverSecret, out);
    byte[] signature = Curve.open(box, Curve.nonce("CurveZMQHELLO---", shortNonce), k);
    if (signature == null || !MessageDigest.isEqual(signature, ZEROS_64)) {
      throw fail(out, "HELLO box does not open");
    }
    peerNonce = d.getLong(r + 106);

    // WELCOME: Box [S' + cookie](S->C'), the cookie Box [C' + s'](minute key). Nothing of the
    // transient pair is kept: s' comes back in the cookie.
    byte[][] transientPair = Curve.keyPair();
    byte[] cookieNonce = Curve.random(16);
    byte[] cookie =
        Curve.secretBox(
            concat(clientTransient, transientPair[1]),
            Curve.nonce("COOKIE--", cookieNonce),
            cookieKeys.current());
    byte[] welcomeNonce = Curve.random(16);
    byte[] welcomeBox =
        Curve.box(
            concat(transientPair[0], cookieNonce, cookie),
            Curve.nonce("WELCOME-", welcomeNonce),
            k);
    out.send(Frames.command(out.alloc(), "WELCOME", concat(welcomeNonce, welcomeBox)));
    state = State.INITIATE;
  }

  private Metadata initiate(ByteBuf d, Output out) throws ZmtpException {
    if (d.readableBytes() < INITIATE_MIN) {
      throw fail(out, "malformed INITIATE (" + (d.readableBytes() + 9) + " bytes)");
    }
    int r = d.readerIndex();
    byte[] cookieNonce = ByteBufUtil.getBytes(d, r, 16);
    byte[] cookieBox = ByteBufUtil.getBytes(d, r + 16, 80);
    byte[] cookie = null;
    for (byte[] key : cookieKeys.valid()) {
      cookie = Curve.secretOpen(cookieBox, Curve.nonce("COOKIE--", cookieNonce), key);
      if (cookie != null) {
        break;
      }
    }
    if (cookie == null) {
      throw fail(out, "INITIATE cookie forged or expired");
    }
    if (!MessageDigest.isEqual(slice(cookie, 0, 32), clientTransient)) {
      throw fail(out, "INITIATE cookie of another connection");
    }
    byte[] transientSecret = slice(cookie, 32, 32);
    long nonce = d.getLong(r + 96);
    if (Long.compareUnsigned(nonce, peerNonce) <= 0) {
      throw fail(out, "INITIATE nonce does not follow HELLO's");
    }
    byte[] k = precompute(clientTransient, transientSecret, out);
    byte[] plain =
        Curve.open(
            ByteBufUtil.getBytes(d, r + 104, d.readableBytes() - 104),
            Curve.nonce("CurveZMQINITIATE", ByteBufUtil.getBytes(d, r + 96, 8)),
            k);
    if (plain == null) {
      throw fail(out, "INITIATE box does not open");
    }
    byte[] client = slice(plain, 0, 32);
    byte[] vouchNonce = slice(plain, 32, 16);
    byte[] vouchBox = slice(plain, 48, 80);
    byte[] vouch =
        Curve.open(
            vouchBox,
            Curve.nonce("VOUCH---", vouchNonce),
            precompute(client, transientSecret, out));
    if (vouch == null) {
      throw fail(out, "vouch box does not open");
    }
    if (!MessageDigest.isEqual(slice(vouch, 0, 32), clientTransient)
        || !MessageDigest.isEqual(slice(vouch, 32, 32), serverPublic)) {
      throw fail(out, "vouch for other keys");
    }
    Metadata metadata;
    try {
      metadata = Metadata.read(Unpooled.wrappedBuffer(plain, 128, plain.length - 128));
    } catch (ZmtpException e) {
      throw fail(out, "malformed INITIATE metadata");
    }
    peerNonce = nonce;
    clientKey = client;
    if (zap != null) {
      byte[] identity = metadata.get(Metadata.IDENTITY);
      Zap.Reply reply =
          zap.authenticate(
              new Zap.Request(
                  domain,
                  address,
                  identity == null ? new byte[0] : identity,
                  NAME,
                  List.of(client.clone())));
      if (!reply.accepted()) {
        out.send(Frames.error(out.alloc(), reply.statusCode()));
        throw new ZmtpException(
            ZmtpException.Kind.REFUSED, "ZAP " + reply.statusCode() + ": " + reply.statusText());
      }
    }
    sessionKey = k;
    state = State.COMPLETE;
    return metadata;
  }

  /** READY: Box [metadata](S'->C') under short nonce 1; MESSAGEs then count on from 2. */
  @Override
  public void complete(Output out) {
    if (state != State.COMPLETE) {
      throw new IllegalStateException("CURVE handshake not at READY");
    }
    ByteBuf md = Unpooled.buffer(ours.encodedSize());
    ours.write(md);
    byte[] box =
        Curve.box(ByteBufUtil.getBytes(md), Curve.nonce("CurveZMQREADY---", 1), sessionKey);
    md.release();
    byte[] data = new byte[8 + box.length];
    data[7] = 1;
    System.arraycopy(box, 0, data, 8, box.length);
    out.send(Frames.command(out.alloc(), Command.READY, data));
    codec = new CurveCodec(sessionKey, true, 2, peerNonce);
    state = State.DONE;
  }

  @Override
  public CurveCodec codec() {
    return codec;
  }

  /** The client's long-term public key once INITIATE was accepted, else null. */
  public byte[] clientKey() {
    return clientKey == null ? null : clientKey.clone();
  }

  private byte[] precompute(byte[] pub, byte[] secret, Output out) throws ZmtpException {
    try {
      return Curve.precompute(pub, secret);
    } catch (ZmtpException e) {
      throw fail(out, e.getMessage());
    }
  }

  /** Sends ERROR (RFC 26: the server may say why a handshake failed) and returns the failure. */
  private ZmtpException fail(Output out, String reason) {
    state = State.DONE;
    out.send(Frames.error(out.alloc(), reason));
    return new ZmtpException("CURVE: " + reason);
  }

  private static byte[] slice(byte[] b, int from, int n) {
    byte[] s = new byte[n];
    System.arraycopy(b, from, s, 0, n);
    return s;
  }

  private static byte[] concat(byte[]... parts) {
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

  static String ascii(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }
}
