package io.zeromesh.broker.device;

import java.util.Arrays;

/** A topic or subscription prefix: bytes compared by value. */
final class Topic {
  final byte[] bytes;
  private final int hash;

  Topic(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** The topic of a subscription message ({@code 0x00|0x01} + topic). */
  static Topic ofSubscription(byte[] message) {
    return new Topic(Arrays.copyOfRange(message, 1, message.length));
  }

  boolean isPrefixOf(byte[] data) {
    if (data.length < bytes.length) {
      return false;
    }
    return Arrays.equals(bytes, 0, bytes.length, data, 0, bytes.length);
  }

  /** {@code 0x01} + topic, or {@code 0x00} + topic. */
  byte[] subscriptionMessage(boolean subscribe) {
    byte[] m = new byte[bytes.length + 1];
    m[0] = (byte) (subscribe ? 1 : 0);
    System.arraycopy(bytes, 0, m, 1, bytes.length);
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Topic && Arrays.equals(bytes, ((Topic) o).bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (byte x : bytes) {
      if (x >= 0x20 && x < 0x7f && x != '\\') {
        b.append((char) x);
      } else {
        b.append(String.format("\\x%02x", x & 0xff));
      }
    }
    return b.toString();
  }
}
