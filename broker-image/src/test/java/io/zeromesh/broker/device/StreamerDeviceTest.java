package io.zeromesh.broker.device;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.device.DeviceMetrics.DropReason;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamerDeviceTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  @Test
  void spreadsOverWorkersKeepingMultipartAndPerSenderOrder() throws Exception {
    try (TestDevices.Running s = TestDevices.start("streamer");
        ZContext ctx = new ZContext()) {
      List<ZMQ.Socket> workers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        ZMQ.Socket pull = ctx.createSocket(SocketType.PULL);
        pull.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
        pull.setReceiveTimeOut(10_000);
        pull.connect(s.backendEndpoint());
        workers.add(pull);
      }
      await().atMost(BOUND).until(() -> s.metrics().peers(Side.BACKEND) == 2);
      List<ZMQ.Socket> senders = new ArrayList<>();
      for (int p = 0; p < 2; p++) {
        ZMQ.Socket push = ctx.createSocket(SocketType.PUSH);
        push.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
        push.connect(s.frontendEndpoint());
        senders.add(push);
      }
      for (int i = 0; i < 200; i++) {
        for (int p = 0; p < 2; p++) {
          ZMsg m = new ZMsg();
          m.add("sender-" + p);
          m.add("" + i);
          m.add(new byte[100]);
          m.send(senders.get(p));
        }
      }
      Map<String, Integer> lastSeen = new HashMap<>();
      int[] perWorker = new int[2];
      int total = 0;
      try (ZMQ.Poller poller = ctx.createPoller(2)) {
        for (ZMQ.Socket w : workers) {
          poller.register(w, ZMQ.Poller.POLLIN);
        }
        while (total < 400) {
          assertTrue(poller.poll(10_000) > 0, "stalled after " + total + " messages");
          for (int w = 0; w < 2; w++) {
            ZMsg m;
            while ((m = ZMsg.recvMsg(workers.get(w), ZMQ.DONTWAIT)) != null) {
              assertEquals(3, m.size());
              String sender = m.popString();
              int seq = Integer.parseInt(m.popString());
              assertEquals(100, m.pop().size());
              // Per sender, what one worker gets keeps the sender's order.
              String key = sender + "@" + w;
              assertTrue(seq > lastSeen.getOrDefault(key, -1), key + " out of order at " + seq);
              lastSeen.put(key, seq);
              perWorker[w]++;
              total++;
            }
          }
        }
      }
      assertEquals(200, perWorker[0], "fair spread");
      assertEquals(200, perWorker[1], "fair spread");
      await().atMost(BOUND).until(() -> s.metrics().messagesIn(Side.FRONTEND) == 400);
      await().atMost(BOUND).until(() -> s.metrics().messagesOut(Side.BACKEND) == 400);
    }
  }

  @Test
  void withoutWorkersMessagesWaitAndNothingIsDropped() {
    try (TestDevices.Running s = TestDevices.start("streamer", "--sndhwm=10", "--rcvhwm=10");
        ZContext ctx = new ZContext()) {
      ZMQ.Socket push = ctx.createSocket(SocketType.PUSH);
      push.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      push.setSndHWM(10);
      push.connect(s.frontendEndpoint());
      for (int i = 0; i < 15; i++) {
        push.send("m" + i);
      }
      // No worker: the device holds one message, the rest stay queued towards it.
      await().atMost(BOUND).until(() -> s.metrics().messagesIn(Side.FRONTEND) == 1);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> s.metrics().messagesIn(Side.FRONTEND) == 1);
      // The device pauses while the late worker connects and resumes once the worker reports
      // its handshake done. A JeroMQ 0.6.0 client now and then never completes a handshake (seen
      // against libzmq's zmq_proxy too; libzmq clients never stall): such a connection is
      // replaced, which loses nothing since the paused device sent it nothing.
      assertTrue(s.device().pause());
      ZContext late = null;
      ZMQ.Socket pull = null;
      for (int attempt = 0; attempt < 5 && pull == null; attempt++) {
        late = new ZContext();
        ZMQ.Socket candidate = late.createSocket(SocketType.PULL);
        candidate.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
        candidate.setReceiveTimeOut(10_000);
        candidate.monitor("inproc://late-worker", zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_PROTOCOL);
        ZMQ.Socket events = late.createSocket(SocketType.PAIR);
        events.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
        events.setReceiveTimeOut(3_000);
        events.connect("inproc://late-worker");
        candidate.connect(s.backendEndpoint());
        if (ZMQ.Event.recv(events) != null) {
          pull = candidate;
        } else {
          late.close();
        }
      }
      assertNotNull(pull, "no worker connection completed its handshake in 5 attempts");
      try (ZContext closing = late) {
        assertTrue(s.device().resume());
        for (int i = 0; i < 15; i++) {
          assertEquals("m" + i, pull.recvStr());
        }
      }
      await().atMost(BOUND).until(() -> s.metrics().messagesOut(Side.BACKEND) == 15);
      assertEquals(0, s.metrics().dropped(Side.BACKEND, DropReason.HWM));
    }
  }

  @Test
  void anOversizedMessageDropsThatPeerOnlyAndTheDeviceGoesOn() {
    try (TestDevices.Running s = TestDevices.start("streamer", "--max-msg-size=1000");
        ZContext ctx = new ZContext()) {
      ZMQ.Socket pull = ctx.createSocket(SocketType.PULL);
      pull.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      pull.setReceiveTimeOut(10_000);
      pull.connect(s.backendEndpoint());
      ZMQ.Socket big = ctx.createSocket(SocketType.PUSH);
      big.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      big.setReconnectIVL(-1);
      big.connect(s.frontendEndpoint());
      await().atMost(BOUND).until(() -> s.metrics().peers(Side.FRONTEND) == 1);
      big.send(new byte[1001], 0);
      // The device cut that connection; nothing of it was forwarded.
      await().atMost(BOUND).until(() -> s.metrics().peers(Side.FRONTEND) == 0);
      assertEquals(0, s.metrics().messagesIn(Side.FRONTEND));
      ZMQ.Socket small = ctx.createSocket(SocketType.PUSH);
      small.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      small.connect(s.frontendEndpoint());
      small.send(new byte[1000], 0);
      assertEquals(1000, pull.recv(0).length);
      await().atMost(BOUND).until(() -> s.metrics().messagesOut(Side.BACKEND) == 1);
      assertEquals(1, s.metrics().messagesIn(Side.FRONTEND));
    }
  }
}
