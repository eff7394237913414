package io.zeromesh.broker.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A ZMTP security mechanism's handshake (RFC 23 "Security mechanisms"), one instance per
 * connection. The connection drives it after the greetings: {@link #start} once, then {@link
 * #command} for each command until it returns the peer's metadata.
 */
public interface Mechanism {
  /** Where a mechanism sends its handshake commands. */
  interface Output {
    ByteBufAllocator alloc();

    void send(ByteBuf frame);
  }

  /** The name in the greeting ("NULL", "CURVE"). */
  String name();

  /** True when this side is the server of the handshake. */
  boolean asServer();

  /** The peer's greeting has been read (and named this mechanism). */
  void start(Output out) throws ZmtpException;

  /** A handshake command: returns the peer's metadata once the handshake is complete, else null. */
  Metadata command(Command c, Output out) throws ZmtpException;

  /** Reads an ERROR command's reason (RFC 23: 1-byte length, then the text). */
  static String errorReason(Command c) {
    ByteBuf d = c.data();
    if (!d.isReadable()) {
      return "";
    }
    int len = Math.min(d.readUnsignedByte(), d.readableBytes());
    return d.readCharSequence(len, java.nio.charset.StandardCharsets.US_ASCII).toString();
  }
}
