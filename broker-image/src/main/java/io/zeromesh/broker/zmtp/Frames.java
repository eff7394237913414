package io.zeromesh.broker.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/** ZMTP 3 frame encoding (RFC 23 "Framing"): flags byte, 1- or 8-byte size, body. */
public final class Frames {
  public static final int MORE = 0x01;
  public static final int LONG = 0x02;
  public static final int COMMAND = 0x04;
  private static final int RESERVED = 0xF8;

  private Frames() {}

  /** The header of a frame of {@code size} body bytes. */
  public static void writeHeader(ByteBuf out, int flags, long size) {
    if (size > 255) {
      out.writeByte(flags | LONG);
      out.writeLong(size);
    } else {
      out.writeByte(flags);
      out.writeByte((int) size);
    }
  }

  public static int headerSize(long size) {
    return size > 255 ? 9 : 2;
  }

  /** A whole frame: header and body. */
  public static void writeFrame(ByteBuf out, int flags, byte[] body) {
    writeHeader(out, flags, body.length);
    out.writeBytes(body);
  }

  /** A command frame {@code name} + {@code data}, in a fresh buffer. */
  public static ByteBuf command(ByteBufAllocator alloc, String name, byte[] data) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    int size = 1 + n.length + data.length;
    ByteBuf b = alloc.buffer(headerSize(size) + size);
    writeHeader(b, COMMAND, size);
    b.writeByte(n.length).writeBytes(n).writeBytes(data);
    return b;
  }

  /** A READY command carrying {@code metadata}. */
  public static ByteBuf ready(ByteBufAllocator alloc, Metadata metadata) {
    byte[] n = Command.READY.getBytes(StandardCharsets.US_ASCII);
    int size = 1 + n.length + metadata.encodedSize();
    ByteBuf b = alloc.buffer(headerSize(size) + size);
    writeHeader(b, COMMAND, size);
    b.writeByte(n.length).writeBytes(n);
    metadata.write(b);
    return b;
  }

  /** An ERROR command with a reason (at most 255 bytes). */
  public static ByteBuf error(ByteBufAllocator alloc, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.US_ASCII);
    int len = Math.min(255, r.length);
    byte[] data = new byte[1 + len];
    data[0] = (byte) len;
    System.arraycopy(r, 0, data, 1, len);
    return command(alloc, Command.ERROR, data);
  }

  static boolean reservedBitsSet(int flags) {
    return (flags & RESERVED) != 0;
  }
}
