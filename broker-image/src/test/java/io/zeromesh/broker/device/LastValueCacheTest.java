package io.zeromesh.broker.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LastValueCacheTest {
  private static byte[][] msg(String topic, String body) {
    return new byte[][] {
      topic.getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8)
    };
  }

  private static List<String> bodies(List<byte[][]> messages) {
    List<String> out = new ArrayList<>();
    for (byte[][] m : messages) {
      out.add(
          new String(m[0], StandardCharsets.UTF_8)
              + "="
              + new String(m[1], StandardCharsets.UTF_8));
    }
    return out;
  }

  private static Topic t(String s) {
    return new Topic(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void keepsTheLatestPerTopicAndMatchesByPrefix() {
    LastValueCache c = new LastValueCache(10, 1 << 20);
    c.put(msg("a.1", "1"));
    c.put(msg("a.2", "2"));
    c.put(msg("a.1", "3"));
    c.put(msg("b.1", "4"));
    assertEquals(List.of("a.2=2", "a.1=3"), bodies(c.matching(t("a."))));
    assertEquals(3, bodies(c.matching(t(""))).size());
  }

  @Test
  void evictsTheLeastRecentlyUpdatedTopicWhenFull() {
    LastValueCache c = new LastValueCache(2, 1 << 20);
    c.put(msg("x", "1"));
    c.put(msg("y", "2"));
    c.put(msg("x", "3"));
    c.put(msg("z", "4"));
    assertEquals(List.of("x=3", "z=4"), bodies(c.matching(t(""))));
    assertEquals(2, c.topics());
  }

  @Test
  void respectsTheByteBound() {
    LastValueCache c = new LastValueCache(100, 130); // each message below costs 63
    c.put(msg("big", "x".repeat(200)));
    assertEquals(0, c.topics());
    c.put(msg("a", "x".repeat(30)));
    c.put(msg("b", "x".repeat(30)));
    c.put(msg("c", "x".repeat(30)));
    assertEquals(
        List.of("b", "c"), bodies(c.matching(t(""))).stream().map(s -> s.substring(0, 1)).toList());
    assertEquals(2 * (1 + 30 + 32), c.bytes());
  }
}
