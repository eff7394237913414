package io.zeromesh.broker.device;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.device.DeviceMetrics.DropReason;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForwarderDeviceTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  /** A publisher that sees the subscriptions reaching it (an XPUB), so tests need no guessing. */
  private static ZMQ.Socket publisher(ZContext ctx, String endpoint) {
    ZMQ.Socket pub = ctx.createSocket(SocketType.XPUB);
    pub.setReceiveTimeOut(10_000);
    // A JeroMQ 0.6.0 connection now and then stalls in its greeting: reconnect after 1 s.
    pub.setHandshakeIvl(1000);
    pub.connect(endpoint);
    return pub;
  }

  private static void awaitSubscription(ZMQ.Socket pub, String topic) {
    awaitSubscription(pub, topic, true);
  }

  /** Reads what reached the publisher until (un)subscription {@code topic} comes. */
  private static void awaitSubscription(ZMQ.Socket pub, String topic, boolean subscribe) {
    byte[] expected = subscription(topic, subscribe);
    for (int i = 0; i < 100; i++) {
      byte[] got = pub.recv(0);
      assertNotNull(got, "publisher got no (un)subscription '" + topic + "'");
      if (java.util.Arrays.equals(expected, got)) {
        return;
      }
    }
    throw new AssertionError("no (un)subscription '" + topic + "' among 100 messages");
  }

  private static byte[] subscription(String topic, boolean subscribe) {
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    byte[] m = new byte[t.length + 1];
    m[0] = (byte) (subscribe ? 1 : 0);
    System.arraycopy(t, 0, m, 1, t.length);
    return m;
  }

  /**
   * A SUB socket connected to {@code f}'s backend whose subscriptions the device has received (its
   * count of backend messages in grew by one per topic). A JeroMQ 0.6.0 SUB in another context than
   * its peer now and then never sends its subscriptions on a fresh connection (seen with JeroMQ
   * clients only; libzmq clients against the same device never miss one), so a connection whose
   * subscriptions did not arrive within 2 s is replaced, at most 5 times.
   */
  private static ZMQ.Socket subscriber(ZContext ctx, TestDevices.Running f, String... topics) {
    for (int attempt = 0; attempt < 5; attempt++) {
      long before = f.metrics().messagesIn(Side.BACKEND);
      ZMQ.Socket sub = ctx.createSocket(SocketType.SUB);
      sub.setReceiveTimeOut(10_000);
      sub.setHandshakeIvl(1000);
      for (String t : topics) {
        sub.subscribe(t.getBytes(StandardCharsets.UTF_8));
      }
      sub.connect(f.backendEndpoint());
      try {
        await()
            .atMost(Duration.ofSeconds(2))
            .until(() -> f.metrics().messagesIn(Side.BACKEND) >= before + topics.length);
        return sub;
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        ctx.destroySocket(sub);
      }
    }
    throw new AssertionError("the device never received the subscriptions " + List.of(topics));
  }

  private static void send(ZMQ.Socket pub, String topic, String... rest) {
    ZMsg m = new ZMsg();
    m.add(topic);
    for (String r : rest) {
      m.add(r);
    }
    m.send(pub);
  }

  private static List<String> recv(ZMQ.Socket sub) {
    ZMsg m = ZMsg.recvMsg(sub);
    assertNotNull(m, "nothing received");
    List<String> parts = new ArrayList<>();
    for (var f : m) {
      parts.add(f.getString(StandardCharsets.UTF_8));
    }
    return parts;
  }

  @Test
  void filtersByTopicKeepsMultipartAndOrderAndCounts() {
    try (TestDevices.Running f = TestDevices.start("forwarder");
        ZContext ctx = new ZContext()) {
      ZMQ.Socket pub = publisher(ctx, f.frontendEndpoint());
      ZMQ.Socket sub = subscriber(ctx, f, "a.");
      awaitSubscription(pub, "a.");
      await().atMost(BOUND).until(() -> f.metrics().subscriptions() == 1);
      for (int i = 0; i < 100; i++) {
        send(pub, "b." + i, "not for you");
        send(pub, "a." + i, "x" + i, "y" + i);
      }
      for (int i = 0; i < 100; i++) {
        assertEquals(List.of("a." + i, "x" + i, "y" + i), recv(sub));
      }
      // The publisher filtered "b." itself: the subscription reached it, nothing else did.
      await().atMost(BOUND).until(() -> f.metrics().messagesIn(Side.FRONTEND) == 100);
      await().atMost(BOUND).until(() -> f.metrics().messagesOut(Side.BACKEND) == 100);
      // Unsubscribing travels upstream and empties the count.
      sub.unsubscribe("a.".getBytes(StandardCharsets.UTF_8));
      assertArrayEquals(subscription("a.", false), pub.recv(0));
      await().atMost(BOUND).until(() -> f.metrics().subscriptions() == 0);
    }
  }

  @Test
  void distinctSubscriptionsAreCountedAndReleasedWhenSubscribersLeave() {
    try (TestDevices.Running f = TestDevices.start("forwarder");
        ZContext ctx = new ZContext()) {
      ZMQ.Socket pub = publisher(ctx, f.frontendEndpoint());
      ZMQ.Socket one = subscriber(ctx, f, "x", "y");
      ZMQ.Socket two = subscriber(ctx, f, "y", "z");
      await().atMost(BOUND).until(() -> f.metrics().subscriptions() == 3);
      await().atMost(BOUND).until(() -> f.metrics().peers(Side.BACKEND) == 2);
      ctx.destroySocket(two);
      await().atMost(BOUND).until(() -> f.metrics().subscriptions() == 2);
      ctx.destroySocket(one);
      await().atMost(BOUND).until(() -> f.metrics().subscriptions() == 0);
      await().atMost(BOUND).until(() -> f.metrics().peers(Side.BACKEND) == 0);
      // Upstream heard each distinct topic once, then its end.
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        byte[] m = pub.recv(0);
        assertNotNull(m);
        seen.add((m[0] == 1 ? "+" : "-") + new String(m, 1, m.length - 1, StandardCharsets.UTF_8));
      }
      assertEquals(3, seen.stream().filter(s -> s.startsWith("+")).distinct().count(), "" + seen);
      assertEquals(3, seen.stream().filter(s -> s.startsWith("-")).distinct().count(), "" + seen);
    }
  }

  @Test
  void cascadeWithoutPrefixesCarriesDownstreamSubscriptionsUpstream() {
    try (TestDevices.Running a = TestDevices.start("forwarder");
        TestDevices.Running b = TestDevices.start("forwarder", "--upstream=" + endpointOf(a));
        ZContext ctx = new ZContext()) {
      ZMQ.Socket pub = publisher(ctx, a.frontendEndpoint());
      ZMQ.Socket sub = subscriber(ctx, b, "news");
      awaitSubscription(pub, "news");
      send(pub, "sport", "no");
      send(pub, "news", "1");
      send(pub, "news.local", "2");
      assertEquals(List.of("news", "1"), recv(sub));
      assertEquals(List.of("news.local", "2"), recv(sub));
      assertEquals(1, b.metrics().peers(Side.FRONTEND));
      // "sport" was never asked for, so A's publisher did not even send it.
      await().atMost(BOUND).until(() -> a.metrics().messagesOut(Side.BACKEND) == 2);
      assertEquals(2, a.metrics().messagesIn(Side.FRONTEND));
    }
  }

  @Test
  void cascadeWithPrefixesSubscribesUpstreamToThoseOnly() {
    try (TestDevices.Running a = TestDevices.start("forwarder");
        TestDevices.Running b =
            TestDevices.start("forwarder", "--upstream=" + endpointOf(a) + "|news,weather");
        ZContext ctx = new ZContext()) {
      ZMQ.Socket pub = publisher(ctx, a.frontendEndpoint());
      awaitSubscription(pub, "news");
      awaitSubscription(pub, "weather");
      ZMQ.Socket sub = subscriber(ctx, b, "");
      await().atMost(BOUND).until(() -> b.metrics().subscriptions() == 1);
      send(pub, "sport", "no");
      send(pub, "weather", "sun");
      send(pub, "news", "1");
      assertEquals(List.of("weather", "sun"), recv(sub));
      assertEquals(List.of("news", "1"), recv(sub));
      // A's publishers never heard the downstream "everything" subscription.
      pub.setReceiveTimeOut(0);
      assertEquals(null, pub.recv(0));
      assertEquals(2, a.metrics().subscriptions());
    }
  }

  @Test
  void lastValueCacheReplaysLatestPerTopicToTheNewSubscriberOnly() {
    try (TestDevices.Running f = TestDevices.start("forwarder", "--last-value-cache");
        ZContext ctx = new ZContext()) {
      ZMQ.Socket pub = publisher(ctx, f.frontendEndpoint());
      awaitSubscription(pub, "");
      ZMQ.Socket early = subscriber(ctx, f, "t.");
      await().atMost(BOUND).until(() -> f.metrics().subscriptions() == 1);
      send(pub, "t.a", "1");
      send(pub, "t.a", "2");
      send(pub, "t.b", "3");
      send(pub, "u.c", "4");
      assertEquals(List.of("t.a", "1"), recv(early));
      assertEquals(List.of("t.a", "2"), recv(early));
      assertEquals(List.of("t.b", "3"), recv(early));
      ZMQ.Socket late = subscriber(ctx, f, "t.");
      List<List<String>> replay = List.of(recv(late), recv(late));
      assertEquals(List.of(List.of("t.a", "2"), List.of("t.b", "3")), replay);
      send(pub, "t.z", "marker");
      assertEquals(List.of("t.z", "marker"), recv(early), "early subscriber saw a replay");
      assertEquals(List.of("t.z", "marker"), recv(late));
      ZMQ.Socket other = subscriber(ctx, f, "u.");
      assertEquals(List.of("u.c", "4"), recv(other));
      // One per copy written to a subscriber, replays included, in bytes as in messages: early
      // got 3 (4 bytes each) and t.z (9), late 2 replays and t.z, other 1 replay.
      await().atMost(BOUND).until(() -> f.metrics().messagesOut(Side.BACKEND) == 8);
      assertEquals(3 * 4 + 9 + 2 * 4 + 9 + 4, f.metrics().bytesOut(Side.BACKEND));
    }
  }

  @Test
  void welcomeMessageGoesToTheNewSubscriberOnly() {
    try (TestDevices.Running f = TestDevices.start("forwarder", "--welcome-message=WELCOME");
        ZContext ctx = new ZContext()) {
      ZMQ.Socket pub = publisher(ctx, f.frontendEndpoint());
      ZMQ.Socket first = subscriber(ctx, f, "");
      assertEquals(List.of("WELCOME"), recv(first));
      awaitSubscription(pub, "");
      ZMQ.Socket second = subscriber(ctx, f, "WEL", "data");
      assertEquals(List.of("WELCOME"), recv(second));
      await().atMost(BOUND).until(() -> f.metrics().subscriptions() == 3);
      send(pub, "data", "after");
      assertEquals(List.of("data", "after"), recv(first), "first subscriber saw a welcome again");
      assertEquals(List.of("data", "after"), recv(second), "second got a second welcome");
      // Two welcomes and one message to each subscriber: messages and bytes count every copy.
      await().atMost(BOUND).until(() -> f.metrics().messagesOut(Side.BACKEND) == 4);
      assertEquals(7 + 7 + 9 + 9, f.metrics().bytesOut(Side.BACKEND));
    }
  }

  /**
   * A subscriber that does not read fills its pipe: the XPUB drops what does not fit (PUB
   * semantics), and every message it dropped is counted. The publisher blocks at its own HWM, so
   * the device receives all of them; what the subscriber then reads and what was counted as dropped
   * add up to exactly what was published, and so do what was counted as sent and as dropped.
   */
  @Test
  void dropsAtASubscribersHighWaterMarkAreCountedExactly() {
    int count = 20_000;
    try (TestDevices.Running f = TestDevices.start("forwarder", "--sndhwm=100");
        ZContext ctx = new ZContext()) {
      ZMQ.Socket pub = publisher(ctx, f.frontendEndpoint());
      pub.setXpubNoDrop(true);
      pub.setSendTimeOut(10_000);
      ZMQ.Socket sub = subscriber(ctx, f, "");
      awaitSubscription(pub, "");
      await().atMost(BOUND).until(() -> f.metrics().subscriptions() == 1);
      byte[] payload = new byte[1024];
      for (int i = 0; i < count; i++) {
        assertTrue(pub.send(payload, 0), "publisher blocked past its send timeout at " + i);
      }
      await().atMost(BOUND).until(() -> f.metrics().messagesIn(Side.FRONTEND) == count);
      long[] received = {0};
      sub.setReceiveTimeOut(0);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                while (sub.recv(0) != null) {
                  received[0]++;
                }
                return received[0] + f.metrics().dropped(Side.BACKEND, DropReason.HWM) >= count;
              });
      long dropped = f.metrics().dropped(Side.BACKEND, DropReason.HWM);
      assertEquals(
          count, received[0] + dropped, "received " + received[0] + ", dropped " + dropped);
      assertTrue(dropped > 0, "a subscriber that did not read lost nothing?");
      assertTrue(received[0] >= 100, "received " + received[0]);
      assertEquals(count - dropped, f.metrics().messagesOut(Side.BACKEND), "out counts what went");
    }
  }

  @Test
  void startGateHoldsEverythingUntilEnoughSubscribersThenReleasesInOrder() {
    try (TestDevices.Running f = TestDevices.start("forwarder", "--min-subscribers=2");
        ZContext ctx = new ZContext()) {
      ZMQ.Socket pub = publisher(ctx, f.frontendEndpoint());
      awaitSubscription(pub, "");
      for (int i = 0; i < 50; i++) {
        send(pub, "g", "" + i);
      }
      await().atMost(BOUND).until(() -> f.metrics().startGateBuffered() == 50);
      ZMQ.Socket one = subscriber(ctx, f, "g");
      await().atMost(BOUND).until(() -> f.metrics().subscriptions() == 1);
      assertEquals(50, f.metrics().startGateBuffered());
      assertEquals(0, f.metrics().messagesOut(Side.BACKEND));
      ZMQ.Socket two = subscriber(ctx, f, "g");
      for (ZMQ.Socket s : List.of(one, two)) {
        for (int i = 0; i < 50; i++) {
          assertEquals(List.of("g", "" + i), recv(s));
        }
      }
      await().atMost(BOUND).until(() -> f.metrics().startGateBuffered() == 0);
      send(pub, "g", "live");
      assertEquals(List.of("g", "live"), recv(one));
      // The gate's own catch-all subscription is withdrawn once it opened.
      awaitSubscription(pub, "", false);
    }
  }

  @Test
  void startGateBufferDropsTheOldestWhenFull() {
    try (TestDevices.Running f =
            TestDevices.start("forwarder", "--min-subscribers=1", "--start-gate-buffer=10");
        ZContext ctx = new ZContext()) {
      ZMQ.Socket pub = publisher(ctx, f.frontendEndpoint());
      awaitSubscription(pub, "");
      for (int i = 0; i < 50; i++) {
        send(pub, "g", "" + i);
      }
      await().atMost(BOUND).until(() -> f.metrics().messagesIn(Side.FRONTEND) == 50);
      assertEquals(10, f.metrics().startGateBuffered());
      assertEquals(40, f.metrics().dropped(Side.BACKEND, DropReason.HWM));
      ZMQ.Socket sub = subscriber(ctx, f, "g");
      for (int i = 40; i < 50; i++) {
        assertEquals(List.of("g", "" + i), recv(sub));
      }
    }
  }

  @Test
  void anUpstreamNotResolvableYetDoesNotStopTheDevice() {
    try (TestDevices.Running f =
            TestDevices.start("forwarder", "--upstream=tcp://zeromesh-upstream.invalid:5558");
        ZContext ctx = new ZContext()) {
      assertTrue(f.device().isAlive());
      ZMQ.Socket pub = publisher(ctx, f.frontendEndpoint());
      ZMQ.Socket sub = subscriber(ctx, f, "local");
      awaitSubscription(pub, "local");
      send(pub, "local", "still works");
      assertEquals(List.of("local", "still works"), recv(sub));
      // Only the publisher is connected on the frontend side; the upstream is being retried.
      await().atMost(BOUND).until(() -> f.metrics().peers(Side.FRONTEND) == 1);
    }
  }

  private static String endpointOf(TestDevices.Running upstream) {
    return upstream.backendEndpoint();
  }
}
