package io.zeromesh.broker.probe;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The body of every message the probe sends: a 28-byte header, then padding up to {@code --size}.
 *
 * <pre>
 *   bytes 0..3    magic "ZMP1"
 *   bytes 4..11   stream id: random per probe run (big-endian int64), separates senders
 *   bytes 12..19  sequence number from 1 (big-endian int64)
 *   bytes 20..27  send time, microseconds since the Unix epoch (big-endian int64)
 *   bytes 28..    padding ('.')
 * </pre>
 *
 * The wall-clock send time gives one-way latency between processes on one host (or hosts with
 * synchronised clocks). Any peer can produce it: in Python, {@code struct.pack(">4sqqq", b"ZMP1",
 * stream, seq, time.time_ns() // 1000)}.
 */
public record ProbePayload(long stream, long sequence, long sentMicros) {
  public static final int HEADER_SIZE = 28;
  private static final byte[] MAGIC = "ZMP1".getBytes(StandardCharsets.US_ASCII);
  private static final byte PAD = '.';

  /** The payload of {@code size} bytes (at least {@link #HEADER_SIZE}). */
  public byte[] encode(int size) {
    if (size < HEADER_SIZE) {
      throw new IllegalArgumentException("size " + size + " < header " + HEADER_SIZE);
    }
    byte[] bytes = new byte[size];
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    buf.put(MAGIC).putLong(stream).putLong(sequence).putLong(sentMicros);
    Arrays.fill(bytes, HEADER_SIZE, size, PAD);
    return bytes;
  }

  /** The header of {@code bytes}, or null when they are not a probe payload. */
  public static ProbePayload decode(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER_SIZE) {
      return null;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        return null;
      }
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes, MAGIC.length, HEADER_SIZE - MAGIC.length);
    return new ProbePayload(buf.getLong(), buf.getLong(), buf.getLong());
  }

  /** Now, in microseconds since the epoch (microsecond resolution on Linux). */
  public static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000L;
  }
}
