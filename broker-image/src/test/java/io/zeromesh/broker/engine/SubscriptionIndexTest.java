package io.zeromesh.broker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubscriptionIndexTest {
  static ByteBuf b(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  static Set<String> match(SubscriptionIndex<String> idx, String topic) {
    Set<String> got = new HashSet<>();
    ByteBuf t = b(topic);
    idx.match(t, 0, t.readableBytes(), got::add);
    return got;
  }

  @Test
  void prefixesMatchAndCountsAreExact() {
    SubscriptionIndex<String> idx = new SubscriptionIndex<>();
    assertEquals(1, idx.add(b("a"), "s1"));
    assertEquals(0, idx.add(b("a"), "s1"), "a subscriber holds a prefix once");
    assertEquals(2, idx.add(b("a"), "s2"));
    assertEquals(1, idx.add(b("ab"), "s3"));
    assertEquals(1, idx.add(b(""), "all"));
    assertEquals(3, idx.distinct());
    assertEquals(Set.of("s1", "s2", "s3", "all"), match(idx, "abc"));
    assertEquals(Set.of("all"), match(idx, "b"));
    assertEquals(Set.of("s1", "s2", "all"), match(idx, "a"));
    assertEquals(1, idx.remove(b("a"), "s1"));
    assertEquals(-1, idx.remove(b("a"), "s1"));
    assertEquals(0, idx.remove(b("a"), "s2"));
    assertEquals(Set.of("s3", "all"), match(idx, "abc"));
    assertEquals(2, idx.distinct());
    List<String> prefixes = new ArrayList<>();
    idx.forEachPrefix(p -> prefixes.add(p.toString(StandardCharsets.UTF_8)));
    assertEquals(List.of("", "ab"), prefixes);
  }

  /** Random churn against a plain model: counts, distinct prefixes and matches always agree. */
  @Test
  void randomChurnAgreesWithAModel() {
    Random r = new Random(7);
    SubscriptionIndex<String> idx = new SubscriptionIndex<>();
    Map<String, Set<String>> model = new HashMap<>();
    String[] prefixes = {"", "a", "ab", "abc", "b", "ba", "weather.", "weather.eu"};
    for (int i = 0; i < 50_000; i++) {
      String p = prefixes[r.nextInt(prefixes.length)];
      String s = "s" + r.nextInt(8);
      Set<String> holders = model.computeIfAbsent(p, k -> new HashSet<>());
      if (r.nextBoolean()) {
        int n = idx.add(b(p), s);
        assertEquals(holders.add(s) ? holders.size() : 0, n);
      } else {
        int n = idx.remove(b(p), s);
        assertEquals(holders.remove(s) ? holders.size() : -1, n);
      }
      assertEquals(model.values().stream().filter(h -> !h.isEmpty()).count(), idx.distinct());
      String topic = prefixes[r.nextInt(prefixes.length)] + "x";
      Set<String> expected = new HashSet<>();
      model.forEach(
          (k, v) -> {
            if (topic.startsWith(k)) {
              expected.addAll(v);
            }
          });
      assertEquals(expected, match(idx, topic));
    }
  }
}
