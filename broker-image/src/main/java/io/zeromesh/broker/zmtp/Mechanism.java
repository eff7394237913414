package io.zeromesh.broker.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A ZMTP security mechanism's handshake (RFC 23 "Security mechanisms"), one instance per
 * connection. The connection drives it after the greetings: {@link #start} once, then {@link
 * #command} for each command until it returns the peer's metadata; once the connection has accepted
 * that metadata (the socket-type check), {@link #complete} sends what ends the handshake on this
 * side (CURVE's READY), and {@link #codec} then carries the messages when the mechanism encrypts
 * them.
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

  /** A handshake command: returns the peer's metadata once the peer has sent it all, else null. */
  Metadata command(Command c, Output out) throws ZmtpException;

  /**
   * The connection accepted the peer's metadata: send what completes the handshake, if anything.
   */
  default void complete(Output out) throws ZmtpException {}

  /** True when messages travel encrypted ({@link #codec} after the handshake). */
  default boolean encryptsMessages() {
    return false;
  }

  /** The data-phase codec once the handshake completed, or null when messages go as they are. */
  default CurveCodec codec() {
    return null;
  }

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
