package io.zeromesh.broker.zmtp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The properties of a READY (or CURVE INITIATE) command: name (1-byte length, ASCII, case
 * insensitive) and value (4-byte length, bytes), repeated (RFC 23 "The READY command").
 */
public final class Metadata {
  public static final String SOCKET_TYPE = "Socket-Type";
  public static final String IDENTITY = "Identity";

  private final Map<String, byte[]> properties = new LinkedHashMap<>();

  public Metadata put(String name, byte[] value) {
    properties.put(name, value);
    return this;
  }

  public Metadata put(String name, String value) {
    return put(name, value.getBytes(StandardCharsets.US_ASCII));
  }

  /** The value of {@code name} (case insensitive), or null. */
  public byte[] get(String name) {
    for (Map.Entry<String, byte[]> e : properties.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  public void write(ByteBuf out) {
    for (Map.Entry<String, byte[]> e : properties.entrySet()) {
      byte[] name = e.getKey().getBytes(StandardCharsets.US_ASCII);
      out.writeByte(name.length);
      out.writeBytes(name);
      out.writeInt(e.getValue().length);
      out.writeBytes(e.getValue());
    }
  }

  public int encodedSize() {
    int n = 0;
    for (Map.Entry<String, byte[]> e : properties.entrySet()) {
      n += 1 + e.getKey().length() + 4 + e.getValue().length;
    }
    return n;
  }

  /** Parses every readable byte of {@code in} as properties. */
  public static Metadata read(ByteBuf in) throws ZmtpException {
    Metadata m = new Metadata();
    while (in.isReadable()) {
      int nameLen = in.readUnsignedByte();
      if (nameLen == 0 || in.readableBytes() < nameLen + 4) {
        throw new ZmtpException("malformed metadata");
      }
      String name = in.readCharSequence(nameLen, StandardCharsets.US_ASCII).toString();
      long valueLen = in.readUnsignedInt();
      if (valueLen > in.readableBytes()) {
        throw new ZmtpException("malformed metadata (property " + name + ")");
      }
      byte[] value = new byte[(int) valueLen];
      in.readBytes(value);
      m.properties.put(name, value);
    }
    return m;
  }

  /** The peer's socket type (upper-cased), or null when absent. */
  public String socketType() {
    byte[] v = get(SOCKET_TYPE);
    return v == null ? null : new String(v, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
  }
}
