package io.zeromesh.broker.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.device.SubscriptionBook.Change;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriptionBookTest {
  private static Topic t(String s) {
    return new Topic(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void distinctTopicsChangeOnFirstAndLastHolder() {
    SubscriptionBook<Object> book = new SubscriptionBook<>();
    Object a = new Object();
    Object b = new Object();
    assertEquals(Change.FIRST_HOLDER, book.subscribe(a, t("x")));
    assertEquals(Change.NONE, book.subscribe(a, t("x")));
    assertEquals(Change.NONE, book.subscribe(b, t("x")));
    assertEquals(Change.FIRST_HOLDER, book.subscribe(b, t("y")));
    assertEquals(2, book.distinctTopics());
    assertEquals(2, book.subscribers());
    assertEquals(Change.NONE, book.unsubscribe(a, t("x")));
    assertEquals(Change.NONE, book.unsubscribe(a, t("x")));
    assertFalse(book.knows(a));
    assertEquals(Change.LAST_HOLDER_GONE, book.unsubscribe(b, t("x")));
    assertEquals(1, book.distinctTopics());
  }

  @Test
  void goneSubscribersReleaseTheirTopics() {
    SubscriptionBook<Object> book = new SubscriptionBook<>();
    Object a = new Object();
    Object b = new Object();
    book.subscribe(a, t("x"));
    book.subscribe(a, t("shared"));
    book.subscribe(b, t("shared"));
    List<Topic> gone = book.retainPipes(List.of(b));
    assertEquals(List.of(t("x")), gone);
    assertTrue(book.holds(b, t("shared")));
    assertFalse(book.knows(a));
    assertEquals(List.of(t("shared")), book.retainPipes(List.of()));
    assertEquals(0, book.distinctTopics());
    assertEquals(0, book.subscribers());
  }

  @Test
  void topicsCompareByBytesAndMatchAsPrefixes() {
    assertEquals(t("abc"), Topic.ofSubscription(new byte[] {1, 'a', 'b', 'c'}));
    assertTrue(t("ab").isPrefixOf("abc".getBytes(StandardCharsets.UTF_8)));
    assertTrue(t("").isPrefixOf(new byte[0]));
    assertFalse(t("abcd").isPrefixOf("abc".getBytes(StandardCharsets.UTF_8)));
    assertEquals("a\\x00\\xff", new Topic(new byte[] {'a', 0, (byte) 0xff}).toString());
  }
}
