package io.zeromesh.broker.robustness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.testing.DaemonProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Well-behaved JeroMQ peers pushing real messages through a device: it must still serve. Foreign
 * messages are tolerated: without CURVE, random bytes sent to a PULL or ROUTER port parse as ZMTP
 * 1.0 frames and are delivered, by libzmq's zmq_proxy exactly as by ours.
 */
final class Traffic {
  static final Duration BOUND = Duration.ofSeconds(20);

  private Traffic() {}

  /** Sends {@code n} messages through {@code device} in its own pattern; each must arrive. */
  static void assertFlows(DaemonProcess device, int n) {
    assertTrue(device.isAlive(), device.mode() + " died:\n" + device.exec().describe());
    switch (device.mode()) {
      case "queue" -> requestReply(device, n);
      case "forwarder" -> publishSubscribe(device, n);
      case "streamer" -> pushPull(device, n);
      default -> throw new IllegalArgumentException(device.mode());
    }
    assertEquals(200, device.status("/healthz"), "healthz of " + device.mode());
    assertTrue(device.isAlive(), device.mode() + " died:\n" + device.exec().describe());
  }

  private static void requestReply(DaemonProcess queue, int n) {
    try (ZContext ctx = new ZContext()) {
      ctx.setLinger(0);
      ZMQ.Socket worker = ctx.createSocket(SocketType.REP);
      worker.setReceiveTimeOut((int) BOUND.toMillis());
      worker.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      worker.connect(queue.backend());
      ZMQ.Socket client = ctx.createSocket(SocketType.REQ);
      client.setReceiveTimeOut((int) BOUND.toMillis());
      client.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      client.connect(queue.frontend());
      for (int i = 0; i < n; i++) {
        byte[] request = ("request " + i).getBytes(StandardCharsets.UTF_8);
        assertTrue(client.send(request, 0));
        byte[] got = worker.recv(0);
        long until = System.nanoTime() + BOUND.toNanos();
        while (got != null && !Arrays.equals(request, got) && System.nanoTime() < until) {
          worker.send("not yours"); // a foreign request (garbage parsed as ZMTP 1.0)
          got = worker.recv(0);
        }
        assertArrayEquals(request, got, "request " + i + " reached the worker");
        assertTrue(worker.send("reply " + i));
        assertEquals("reply " + i, client.recvStr(), "reply " + i + " reached the client");
      }
    }
  }

  private static void publishSubscribe(DaemonProcess forwarder, int n) {
    try (ZContext ctx = new ZContext()) {
      ctx.setLinger(0);
      ZMQ.Socket sub = ctx.createSocket(SocketType.SUB);
      sub.subscribe("ok");
      sub.setReceiveTimeOut(50);
      sub.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      sub.connect(forwarder.backend());
      ZMQ.Socket pub = ctx.createSocket(SocketType.PUB);
      pub.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      pub.connect(forwarder.frontend());
      // A PUB cannot know when the subscription has come through: publish until it has.
      long until = System.nanoTime() + BOUND.toNanos();
      int received = 0;
      int seq = 0;
      while (received < n && System.nanoTime() < until) {
        pub.send("ok " + seq++);
        pub.send("other " + seq);
        String got = sub.recvStr();
        while (got != null) {
          assertTrue(got.startsWith("ok "), "only subscribed topics: " + got);
          received++;
          got = sub.recvStr(ZMQ.DONTWAIT);
        }
      }
      assertTrue(received >= n, "subscriber got " + received + " of " + n + " within " + BOUND);
    }
  }

  private static void pushPull(DaemonProcess streamer, int n) {
    try (ZContext ctx = new ZContext()) {
      ctx.setLinger(0);
      ZMQ.Socket pull = ctx.createSocket(SocketType.PULL);
      pull.setReceiveTimeOut((int) BOUND.toMillis());
      pull.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      pull.connect(streamer.backend());
      ZMQ.Socket push = ctx.createSocket(SocketType.PUSH);
      push.setSendTimeOut((int) BOUND.toMillis());
      push.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      push.connect(streamer.frontend());
      for (int i = 0; i < n; i++) {
        assertTrue(push.send("task " + i));
      }
      for (int i = 0; i < n; i++) {
        String got = pull.recvStr();
        while (got != null && !got.startsWith("task ")) {
          got = pull.recvStr(); // a foreign message (garbage parsed as ZMTP 1.0)
        }
        assertEquals("task " + i, got, "task " + i);
      }
    }
  }
}
