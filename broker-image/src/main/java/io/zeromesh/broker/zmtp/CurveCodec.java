package io.zeromesh.broker.zmtp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The data phase of one CURVE connection (RFC 26, "The MESSAGE Command"): each ZMTP frame goes as
 * one MESSAGE, its MORE and COMMAND flags inside the box, under a short nonce that counts up from
 * the one after READY; what comes in must carry a nonce above the last one seen. Pure: bytes in,
 * bytes out, no I/O.
 *
 * <p>On the wire a MESSAGE travels as libzmq and JeroMQ send it: a plain data frame (no MORE, no
 * COMMAND flag) whose body is {@code [7]"MESSAGE"}, the nonce and the box. A MESSAGE that arrives
 * as a command frame is taken as well.
 */
public final class CurveCodec {
  /** The bytes a MESSAGE adds to a frame's body: name 8, nonce 8, MAC 16, flags 1. */
  public static final int OVERHEAD = 33;

  static final byte[] NAME = "\u0007MESSAGE".getBytes(StandardCharsets.US_ASCII);
  private static final int CURVE_MORE = 0x01;
  private static final int CURVE_COMMAND = 0x02;
  private static final int SCRATCH_KEPT = 256 * 1024;
  private static final ThreadLocal<byte[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new byte[][] {new byte[4096], new byte[4096]});

  private final byte[] key;
  private final byte[] sendNonceBytes;
  private final byte[] receiveNonceBytes;
  private long sendNonce;
  private long peerNonce;

  /**
   * @param key the precomputed key of the two short-term keys
   * @param server true on the server side (sends "CurveZMQMESSAGES", receives "...C")
   * @param nextSendNonce the first nonce this side's MESSAGEs use
   * @param lastPeerNonce the last nonce the peer used in the handshake
   */
  public CurveCodec(byte[] key, boolean server, long nextSendNonce, long lastPeerNonce) {
    this.key = key.clone();
    this.sendNonceBytes = Curve.nonce(server ? "CurveZMQMESSAGES" : "CurveZMQMESSAGEC", 0);
    this.receiveNonceBytes = Curve.nonce(server ? "CurveZMQMESSAGEC" : "CurveZMQMESSAGES", 0);
    this.sendNonce = nextSendNonce;
    this.peerNonce = lastPeerNonce;
  }

  /** The wire size of the MESSAGE frame that carries a frame of {@code bodySize} bytes. */
  public static int encryptedFrameSize(int bodySize) {
    int size = OVERHEAD + bodySize;
    return Frames.headerSize(size) + size;
  }

  /**
   * Appends to {@code out} the MESSAGE frame carrying one ZMTP frame: {@code wireFlags} (its
   * header's MORE and COMMAND) and the body {@code [from, from + length)} of {@code src}.
   */
  public void encrypt(int wireFlags, ByteBuf src, int from, int length, ByteBuf out) {
    int padded = Curve.zeroBytes() + 1 + length;
    byte[][] scratch = scratch(padded);
    byte[] m = scratch[0];
    byte[] c = scratch[1];
    java.util.Arrays.fill(m, 0, Curve.zeroBytes(), (byte) 0);
    int flags = 0;
    if ((wireFlags & Frames.MORE) != 0) {
      flags |= CURVE_MORE;
    }
    if ((wireFlags & Frames.COMMAND) != 0) {
      flags |= CURVE_COMMAND;
    }
    m[Curve.zeroBytes()] = (byte) flags;
    src.getBytes(from, m, Curve.zeroBytes() + 1, length);
    long n = sendNonce++;
    Curve.boxPadded(c, m, padded, counter(sendNonceBytes, n), key);
    int boxLength = padded - Curve.boxZeroBytes();
    Frames.writeHeader(out, 0, NAME.length + 8 + boxLength);
    out.writeBytes(NAME);
    out.writeLong(n);
    out.writeBytes(c, Curve.boxZeroBytes(), boxLength);
  }

  /** The wire size of the ZMTP frame a MESSAGE body (after its name) of {@code length} opens to. */
  public static int decryptedFrameSize(int length) {
    int body = Math.max(0, length - 8 - Curve.MAC - 1);
    return Frames.headerSize(body) + body;
  }

  /**
   * Opens a MESSAGE: {@code [index, index + length)} of {@code src} holds what follows the command
   * name (nonce, box). Appends the ZMTP frame it carries (header with its flags, then its body) to
   * {@code out}.
   *
   * @throws ZmtpException a short MESSAGE, a nonce not above the last, a box that does not open, or
   *     reserved flags set
   */
  public void decrypt(ByteBuf src, int index, int length, ByteBuf out) throws ZmtpException {
    if (length < 8 + Curve.MAC + 1) {
      throw new ZmtpException("malformed CURVE MESSAGE (" + length + " bytes)");
    }
    long n = src.getLong(index);
    if (Long.compareUnsigned(n, peerNonce) <= 0) {
      throw new ZmtpException(
          "CURVE MESSAGE nonce "
              + Long.toUnsignedString(n)
              + " not above the last one ("
              + Long.toUnsignedString(peerNonce)
              + ")");
    }
    int boxLength = length - 8;
    int padded = Curve.boxZeroBytes() + boxLength;
    byte[][] scratch = scratch(padded);
    byte[] m = scratch[0];
    byte[] c = scratch[1];
    java.util.Arrays.fill(c, 0, Curve.boxZeroBytes(), (byte) 0);
    src.getBytes(index + 8, c, Curve.boxZeroBytes(), boxLength);
    if (!Curve.openPadded(m, c, padded, counter(receiveNonceBytes, n), key)) {
      throw new ZmtpException("CURVE MESSAGE box does not open");
    }
    int flags = m[Curve.zeroBytes()] & 0xFF;
    if ((flags & ~(CURVE_MORE | CURVE_COMMAND)) != 0) {
      throw new ZmtpException("reserved CURVE MESSAGE flags set: " + flags);
    }
    peerNonce = n;
    int bodyLength = padded - Curve.zeroBytes() - 1;
    int wireFlags = 0;
    if ((flags & CURVE_MORE) != 0) {
      wireFlags |= Frames.MORE;
    }
    if ((flags & CURVE_COMMAND) != 0) {
      wireFlags |= Frames.COMMAND;
    }
    Frames.writeHeader(out, wireFlags, bodyLength);
    out.writeBytes(m, Curve.zeroBytes() + 1, bodyLength);
  }

  /** True when {@code [index, index + 8)} of {@code src} is the MESSAGE command name. */
  public static boolean isMessage(ByteBuf src, int index, int length) {
    if (length < NAME.length) {
      return false;
    }
    for (int i = 0; i < NAME.length; i++) {
      if (src.getByte(index + i) != NAME[i]) {
        return false;
      }
    }
    return true;
  }

  /** Two arrays of at least {@code n} bytes: the calling thread's, or fresh ones when too big. */
  private static byte[][] scratch(int n) {
    byte[][] s = SCRATCH.get();
    if (s[0].length >= n) {
      return s;
    }
    if (n <= SCRATCH_KEPT) {
      int size = Math.max(n, Math.min(SCRATCH_KEPT, s[0].length * 2));
      s[0] = new byte[size];
      s[1] = new byte[size];
      return s;
    }
    return new byte[][] {new byte[n], new byte[n]};
  }

  /** {@code nonce} with its last 8 bytes set to {@code n}, big-endian. */
  private static byte[] counter(byte[] nonce, long n) {
    for (int i = 0; i < 8; i++) {
      nonce[16 + i] = (byte) (n >>> (56 - 8 * i));
    }
    return nonce;
  }
}
