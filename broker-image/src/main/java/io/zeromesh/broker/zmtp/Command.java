package io.zeromesh.broker.zmtp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A ZMTP command frame's body: name (1-byte length) then data. {@code data} is a slice of the
 * decoder's buffer, valid only during the callback.
 */
public record Command(String name, ByteBuf data) {
  public static final String READY = "READY";
  public static final String ERROR = "ERROR";
  public static final String SUBSCRIBE = "SUBSCRIBE";
  public static final String CANCEL = "CANCEL";
  public static final String PING = "PING";
  public static final String PONG = "PONG";

  static Command parse(ByteBuf body) throws ZmtpException {
    if (!body.isReadable()) {
      throw new ZmtpException("empty command frame");
    }
    int nameLen = body.readUnsignedByte();
    if (nameLen == 0 || nameLen > body.readableBytes()) {
      throw new ZmtpException("malformed command name");
    }
    String name = body.readCharSequence(nameLen, StandardCharsets.US_ASCII).toString();
    return new Command(name, body);
  }

  public boolean is(String other) {
    return name.equals(other);
  }
}
