package io.zeromesh.broker.zmtp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The 64-byte ZMTP 3 greeting (RFC 23/37): signature {@code FF 00*8 7F}, version, mechanism name
 * (20 bytes, NUL padded), as-server flag, 31 bytes of filler.
 */
public record Greeting(int major, int minor, String mechanism, boolean asServer) {
  public static final int SIZE = 64;
  private static final int MECHANISM_OFFSET = 12;
  private static final int MECHANISM_SIZE = 20;

  /** True for ZMTP 3.1 and later: SUBSCRIBE/CANCEL and PING/PONG commands. */
  public boolean hasCommands31() {
    return major > 3 || minor >= 1;
  }

  /** Our greeting: ZMTP 3.1, the given mechanism. */
  public static void write(ByteBuf out, String mechanism, boolean asServer) {
    out.writeByte(0xFF);
    out.writeZero(8);
    out.writeByte(0x7F);
    out.writeByte(3);
    out.writeByte(1);
    byte[] name = mechanism.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(name);
    out.writeZero(MECHANISM_SIZE - name.length);
    out.writeByte(asServer ? 1 : 0);
    out.writeZero(31);
  }

  /**
   * The peer's greeting once all 64 bytes are readable (they are consumed), else null with nothing
   * consumed. Rejects, as early as the bytes allow, anything that is not ZMTP 3 or later: a bad
   * signature at the first byte, a version below 3 at the eleventh.
   */
  public static Greeting read(ByteBuf in) throws ZmtpException {
    int r = in.readerIndex();
    int n = in.readableBytes();
    if (n >= 1 && in.getUnsignedByte(r) != 0xFF) {
      throw new ZmtpException("not a ZMTP greeting (first byte " + in.getUnsignedByte(r) + ")");
    }
    if (n >= 10 && (in.getByte(r + 9) & 1) != 1) {
      throw new ZmtpException("not a ZMTP 3 greeting (signature)");
    }
    if (n >= 11 && in.getUnsignedByte(r + 10) < 3) {
      throw new ZmtpException("ZMTP version " + in.getUnsignedByte(r + 10) + " not supported");
    }
    if (n < SIZE) {
      return null;
    }
    int major = in.getUnsignedByte(r + 10);
    int minor = in.getUnsignedByte(r + 11);
    int len = 0;
    while (len < MECHANISM_SIZE && in.getByte(r + MECHANISM_OFFSET + len) != 0) {
      len++;
    }
    String mechanism = in.toString(r + MECHANISM_OFFSET, len, StandardCharsets.US_ASCII);
    boolean asServer = in.getByte(r + MECHANISM_OFFSET + MECHANISM_SIZE) == 1;
    in.skipBytes(SIZE);
    return new Greeting(major, minor, mechanism, asServer);
  }
}
