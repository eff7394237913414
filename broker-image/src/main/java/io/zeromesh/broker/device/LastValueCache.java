package io.zeromesh.broker.device;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest message per topic (its first frame), bounded by topic count and by total bytes; the
 * topic updated least recently is evicted first. Device thread only.
 */
final class LastValueCache {
  static final int DEFAULT_MAX_TOPICS = 10_000;
  static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

  private final int maxTopics;
  private final long maxBytes;
  private final LinkedHashMap<Topic, byte[][]> latest = new LinkedHashMap<>();
  private long bytes;

  LastValueCache(int maxTopics, long maxBytes) {
    this.maxTopics = maxTopics;
    this.maxBytes = maxBytes;
  }

  /** Stores {@code frames} (already copied, owned by the cache from now on). */
  void put(byte[][] frames) {
    long size = size(frames);
    if (size > maxBytes) {
      return;
    }
    Topic topic = new Topic(frames[0]);
    byte[][] old = latest.remove(topic);
    if (old != null) {
      bytes -= size(old);
    }
    latest.put(topic, frames);
    bytes += size;
    Iterator<Map.Entry<Topic, byte[][]>> eldest = latest.entrySet().iterator();
    while ((latest.size() > maxTopics || bytes > maxBytes) && eldest.hasNext()) {
      bytes -= size(eldest.next().getValue());
      eldest.remove();
    }
  }

  /** The cached messages whose topic starts with {@code prefix}, least recently updated first. */
  List<byte[][]> matching(Topic prefix) {
    List<byte[][]> out = new ArrayList<>();
    for (Map.Entry<Topic, byte[][]> e : latest.entrySet()) {
      if (prefix.isPrefixOf(e.getKey().bytes)) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  int topics() {
    return latest.size();
  }

  long bytes() {
    return bytes;
  }

  private static long size(byte[][] frames) {
    long n = 0;
    for (byte[] f : frames) {
      n += f.length + 16;
    }
    return n;
  }
}
