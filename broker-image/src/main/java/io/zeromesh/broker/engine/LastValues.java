package io.zeromesh.broker.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The forwarder's last-value cache on the zmtp engine: the latest message per topic (its first
 * frame) as wire bytes, bounded by topic count and total bytes, the least recently updated topic
 * evicted first (the bounds of the jeromq engine's cache). Event-loop thread only.
 */
final class LastValues {
  static final int MAX_TOPICS = 10_000;
  static final long MAX_BYTES = 64L * 1024 * 1024;

  /** A cached message: its wire bytes and the payload bytes the metrics count. */
  record Entry(ByteBuf wire, long payloadBytes) {}

  private final LinkedHashMap<ByteBuf, Entry> latest = new LinkedHashMap<>();
  private long bytes;

  /** Copies the message {@code wire} of topic {@code topic} in, replacing the topic's last one. */
  void put(ByteBuf topic, ByteBuf wire, long payloadBytes) {
    if (wire.readableBytes() > MAX_BYTES) {
      return;
    }
    ByteBuf key = Unpooled.copiedBuffer(topic);
    Entry old = latest.remove(key);
    if (old != null) {
      bytes -= old.wire().readableBytes();
      old.wire().release();
    }
    Entry e = new Entry(Unpooled.copiedBuffer(wire), payloadBytes);
    latest.put(key, e);
    bytes += e.wire().readableBytes();
    Iterator<Map.Entry<ByteBuf, Entry>> eldest = latest.entrySet().iterator();
    while ((latest.size() > MAX_TOPICS || bytes > MAX_BYTES) && eldest.hasNext()) {
      Entry gone = eldest.next().getValue();
      bytes -= gone.wire().readableBytes();
      gone.wire().release();
      eldest.remove();
    }
  }

  /** The cached messages whose topic starts with {@code prefix}, oldest update first. */
  List<Entry> matching(ByteBuf prefix) {
    List<Entry> out = new ArrayList<>();
    int n = prefix.readableBytes();
    for (Map.Entry<ByteBuf, Entry> e : latest.entrySet()) {
      ByteBuf topic = e.getKey();
      if (topic.readableBytes() >= n
          && io.netty.buffer.ByteBufUtil.equals(topic, 0, prefix, prefix.readerIndex(), n)) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  int topics() {
    return latest.size();
  }
}
