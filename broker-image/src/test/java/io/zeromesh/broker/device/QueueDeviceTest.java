package io.zeromesh.broker.device;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.testing.PrometheusText;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueDeviceTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  @Test
  void threeClientsThreeWorkersEveryReplyToItsClientEveryWorkerServes() throws Exception {
    try (TestDevices.Running q = TestDevices.start("queue");
        ZContext ctx = new ZContext()) {
      AtomicBoolean stop = new AtomicBoolean();
      Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(6);
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        String name = "worker-" + w;
        served.put(name, new AtomicInteger());
        ZMQ.Socket rep = ctx.createSocket(SocketType.REP);
        rep.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
        rep.setReceiveTimeOut(100);
        rep.connect(q.backendEndpoint());
        workers.add(
            pool.submit(
                () -> {
                  while (!stop.get()) {
                    String req = rep.recvStr();
                    if (req == null) {
                      continue;
                    }
                    served.get(name).incrementAndGet();
                    rep.send(req + "|" + name);
                  }
                  return null;
                }));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> q.metrics().peers(Side.BACKEND) == 3);
      List<Future<List<String>>> clients = new ArrayList<>();
      for (int c = 0; c < 3; c++) {
        String client = "client-" + c;
        ZMQ.Socket req = ctx.createSocket(SocketType.REQ);
        req.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
        req.setReceiveTimeOut(5000);
        req.connect(q.frontendEndpoint());
        clients.add(
            pool.submit(
                () -> {
                  List<String> replies = new ArrayList<>();
                  for (int i = 0; i < 60; i++) {
                    req.send(client + ":" + i);
                    replies.add(req.recvStr());
                  }
                  return replies;
                }));
      }
      for (int c = 0; c < 3; c++) {
        List<String> replies = clients.get(c).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 60; i++) {
          assertNotNull(replies.get(i), "reply " + i + " of client-" + c);
          assertTrue(
              replies.get(i).startsWith("client-" + c + ":" + i + "|worker-"), replies.get(i));
        }
      }
      stop.set(true);
      for (Future<?> w : workers) {
        w.get(5, TimeUnit.SECONDS);
      }
      pool.shutdown();
      int total = 0;
      for (Map.Entry<String, AtomicInteger> e : served.entrySet()) {
        assertTrue(e.getValue().get() > 0, e.getKey() + " served nothing");
        total += e.getValue().get();
      }
      assertEquals(180, total);
    }
  }

  @Test
  void multipartMessagesPassIntactAndInOrderAndAreCounted() throws Exception {
    try (TestDevices.Running q = TestDevices.start("queue");
        ZContext ctx = new ZContext()) {
      ZMQ.Socket worker = ctx.createSocket(SocketType.DEALER);
      worker.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      worker.setReceiveTimeOut(5000);
      worker.connect(q.backendEndpoint());
      ZMQ.Socket client = ctx.createSocket(SocketType.DEALER);
      client.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      client.setReceiveTimeOut(5000);
      client.connect(q.frontendEndpoint());
      await().atMost(Duration.ofSeconds(10)).until(() -> q.metrics().peers(Side.BACKEND) == 1);
      Thread echo =
          new Thread(
              () -> {
                for (int i = 0; i < 100; i++) {
                  ZMsg m = ZMsg.recvMsg(worker);
                  if (m == null) {
                    return;
                  }
                  m.send(worker);
                }
              });
      echo.start();
      long payload = 0;
      for (int i = 0; i < 100; i++) {
        ZMsg m = new ZMsg();
        m.add("");
        m.add("part-a-" + i);
        m.add(new byte[] {0, 1, 2, (byte) i});
        m.add("tail");
        payload += m.contentSize();
        m.send(client);
      }
      for (int i = 0; i < 100; i++) {
        ZMsg reply = ZMsg.recvMsg(client);
        assertNotNull(reply, "reply " + i);
        assertEquals(4, reply.size());
        assertEquals("", reply.popString());
        assertEquals("part-a-" + i, reply.popString());
        assertArrayEquals(new byte[] {0, 1, 2, (byte) i}, reply.pop().getData());
        assertEquals("tail", reply.popString());
      }
      echo.join(5000);
      DeviceMetrics m = q.metrics();
      // Counters move once per burst, after its sends: wait for the last burst's update.
      await().atMost(BOUND).until(() -> m.messagesOut(Side.FRONTEND) == 100);
      assertEquals(100, m.messagesIn(Side.FRONTEND));
      assertEquals(100, m.messagesOut(Side.BACKEND));
      assertEquals(100, m.messagesIn(Side.BACKEND));
      assertEquals(100, m.messagesOut(Side.FRONTEND));
      // Requests carry the client's routing id (5 bytes from the ROUTER) on top of the payload.
      assertEquals(payload + 100 * 5, m.bytesIn(Side.FRONTEND));
      assertEquals(m.bytesIn(Side.FRONTEND), m.bytesOut(Side.BACKEND));
      PrometheusText text = PrometheusText.parse(m.render());
      assertEquals(
          100.0,
          text.value("zeromesh_messages_total", Map.of("socket", "frontend", "direction", "in")));
      assertEquals(1.0, text.value("zeromesh_connected_peers", Map.of("socket", "frontend")));
      assertEquals(
          1.0, text.value("zeromesh_device_info", Map.of("mode", "queue", "version", "0.1.0")));
    }
  }

  @Test
  void repliesToAGoneClientAreCountedAsRefused() throws Exception {
    try (TestDevices.Running q = TestDevices.start("queue");
        ZContext ctx = new ZContext()) {
      ZMQ.Socket worker = ctx.createSocket(SocketType.DEALER);
      worker.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      worker.setReceiveTimeOut(5000);
      worker.connect(q.backendEndpoint());
      await().atMost(Duration.ofSeconds(10)).until(() -> q.metrics().peers(Side.BACKEND) == 1);
      ZMsg reply = new ZMsg();
      reply.add("no-such-client".getBytes(StandardCharsets.UTF_8));
      reply.add("");
      reply.add("late");
      reply.send(worker);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> q.metrics().dropped(Side.FRONTEND, DeviceMetrics.DropReason.REFUSED) == 1);
      assertEquals(0, q.metrics().messagesOut(Side.FRONTEND));
    }
  }

  @Test
  void repliesToAClientThatDoesNotReadAreDroppedAtTheHighWaterMarkAndCounted() throws Exception {
    try (TestDevices.Running q = TestDevices.start("queue", "--sndhwm=10");
        ZContext ctx = new ZContext()) {
      ZMQ.Socket client = ctx.createSocket(SocketType.DEALER);
      client.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      client.setRcvHWM(10);
      client.setReceiveBufferSize(4096);
      client.connect(q.frontendEndpoint());
      ZMQ.Socket worker = ctx.createSocket(SocketType.DEALER);
      worker.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      worker.setReceiveTimeOut(10_000);
      worker.connect(q.backendEndpoint());
      client.send("hello");
      ZMsg request = ZMsg.recvMsg(worker);
      assertNotNull(request);
      byte[] clientId = request.pop().getData();
      // The client never reads: its pipe and the TCP buffers fill, then replies are dropped.
      byte[] body = new byte[10_000];
      int sent = 0;
      while (sent < 5000 && q.metrics().dropped(Side.FRONTEND, DeviceMetrics.DropReason.HWM) == 0) {
        ZMsg reply = new ZMsg();
        reply.add(clientId);
        reply.add(body);
        reply.send(worker);
        sent++;
        if (sent % 100 == 0) {
          final int expected = sent;
          await().atMost(BOUND).until(() -> q.metrics().messagesIn(Side.BACKEND) == expected);
        }
      }
      final int total = sent;
      await().atMost(BOUND).until(() -> q.metrics().messagesIn(Side.BACKEND) == total);
      await()
          .atMost(BOUND)
          .until(
              () ->
                  q.metrics().messagesOut(Side.FRONTEND)
                          + q.metrics().dropped(Side.FRONTEND, DeviceMetrics.DropReason.HWM)
                      == total);
      long dropped = q.metrics().dropped(Side.FRONTEND, DeviceMetrics.DropReason.HWM);
      assertTrue(dropped > 0, "no drop after " + total + " replies of 10 kB to a stalled client");
    }
  }
}
