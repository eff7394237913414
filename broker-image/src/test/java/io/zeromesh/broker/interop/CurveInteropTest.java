package io.zeromesh.broker.interop;

import static io.zeromesh.broker.interop.LibzmqInteropTest.awaitPeers;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.testing.DaemonProcess;
import io.zeromesh.broker.testing.Exec;
import io.zeromesh.broker.testing.LibzmqPeer;
import io.zeromesh.broker.testing.ProbeSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * CURVE with an allow-list on every socket of every device, against both reference implementations:
 * libzmq (pyzmq) and JeroMQ peers with listed keys are served side by side, and peers of either
 * with a key not on the list are refused (nothing reaches them, nothing of theirs gets through, the
 * refusal is counted on their side) while the listed ones lose nothing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CurveInteropTest {
  private static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir Path keys;
  @TempDir Path allowed;

  private final ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
  private final ZMQ.Curve.KeyPair py = ZMQ.Curve.generateKeyPair();
  private final ZMQ.Curve.KeyPair jq = ZMQ.Curve.generateKeyPair();
  private final ZMQ.Curve.KeyPair stranger = ZMQ.Curve.generateKeyPair();
  private final List<Thread> threads = new ArrayList<>();

  @BeforeEach
  void keys() throws IOException {
    LibzmqPeer.assumeAvailable();
    Files.writeString(keys.resolve("server.key"), server.secretKey + "\n");
    Files.writeString(keys.resolve("server.pub"), server.publicKey + "\n");
    Files.writeString(allowed.resolve("clients"), py.publicKey + "\n" + jq.publicKey + "\n");
  }

  private DaemonProcess device(String mode) {
    return DaemonProcess.start(
        mode, "--curve", "--curve-key-dir=" + keys, "--curve-allowed-clients-dir=" + allowed);
  }

  /** zmq_peer.py arguments for a CURVE client with {@code me}'s keys. */
  private String[] curve(ZMQ.Curve.KeyPair me, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--curve-server-key",
            server.publicKey,
            "--curve-public-key",
            me.publicKey,
            "--curve-secret-key",
            me.secretKey));
    return all.toArray(new String[0]);
  }

  private ZMQ.Socket jeromq(ZContext ctx, SocketType type, ZMQ.Curve.KeyPair me, String endpoint) {
    ZMQ.Socket s = ctx.createSocket(type);
    s.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
    s.setCurveServerKey(ZMQ.Curve.z85Decode(server.publicKey));
    s.setCurvePublicKey(ZMQ.Curve.z85Decode(me.publicKey));
    s.setCurveSecretKey(ZMQ.Curve.z85Decode(me.secretKey));
    s.setLinger(0);
    s.connect(endpoint);
    return s;
  }

  private void background(String name, Runnable r) {
    Thread t =
        new Thread(
            () -> {
              try {
                r.run();
              } catch (org.zeromq.ZMQException e) {
                // the context closed at the end of the test
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    threads.add(t);
  }

  private static double refused(DaemonProcess d, String socket) {
    return d.metric(
        "zeromesh_dropped_messages_total", "reason=\"refused\"", "socket=\"" + socket + "\"");
  }

  @Test
  void queue() throws Exception {
    try (DaemonProcess q = device("queue");
        ZContext ctx = new ZContext();
        Exec pyWorker =
            LibzmqPeer.start(
                "rep",
                curve(
                    py,
                    "--endpoint",
                    q.backend(),
                    "--identity",
                    "py-w",
                    "--count",
                    "0",
                    "--timeout-s",
                    "90"));
        Exec strangeWorker =
            LibzmqPeer.start(
                "rep",
                curve(
                    stranger,
                    "--endpoint",
                    q.backend(),
                    "--identity",
                    "stranger-w",
                    "--count",
                    "0",
                    "--timeout-s",
                    "90"))) {
      ZMQ.Socket jqWorker = jeromq(ctx, SocketType.REP, jq, q.backend());
      jqWorker.setReceiveTimeOut(200);
      AtomicBoolean stop = new AtomicBoolean();
      background(
          "jq-worker",
          () -> {
            while (!stop.get()) {
              byte[] req = jqWorker.recv(0);
              if (req != null) {
                jqWorker.sendMore("jq-w");
                jqWorker.send(req, 0);
              }
            }
          });
      awaitPeers(q, "backend", 2);
      await("the stranger worker refused").atMost(BOUND).until(() -> refused(q, "backend") >= 1);

      ProbeSummary pyClient =
          LibzmqPeer.run(BOUND, "req", curve(py, "--endpoint", q.frontend(), "--count", "40"));
      assertEquals(40, pyClient.received(), pyClient.line());
      assertEquals(Set.of("py-w", "jq-w"), pyClient.peers().keySet(), "only listed workers");

      ZMQ.Socket jqClient = jeromq(ctx, SocketType.REQ, jq, q.frontend());
      jqClient.setReceiveTimeOut(10_000);
      int[] byPy = {0};
      for (int i = 0; i < 40; i++) {
        jqClient.send("jq-" + i);
        String who = jqClient.recvStr();
        String body = jqClient.recvStr();
        assertEquals("jq-" + i, body, "reply " + i + " from " + who);
        byPy[0] += "py-w".equals(who) ? 1 : 0;
      }
      assertTrue(byPy[0] > 0 && byPy[0] < 40, "both workers served JeroMQ: " + byPy[0]);

      try (Exec strangePy =
          LibzmqPeer.start(
              "req",
              curve(stranger, "--endpoint", q.frontend(), "--count", "3", "--timeout-s", "3"))) {
        assertEquals(1, strangePy.awaitExit(BOUND), strangePy.describe());
        assertEquals(0, strangePy.summary().received(), "a refused libzmq client got replies");
      }
      ZMQ.Socket strangeJq = jeromq(ctx, SocketType.REQ, stranger, q.frontend());
      strangeJq.setReceiveTimeOut(1500);
      strangeJq.send("let me in");
      assertNull(strangeJq.recvStr(), "a refused JeroMQ client got a reply");
      await().atMost(BOUND).until(() -> refused(q, "frontend") >= 2);
      // Requests in: the listed clients' 80 only.
      assertEquals(
          80.0, q.metric("zeromesh_messages_total", "direction=\"in\"", "socket=\"frontend\""));
      stop.set(true);
      assertTrue(q.isAlive());
    }
  }

  @Test
  void forwarder() throws Exception {
    try (DaemonProcess f = device("forwarder");
        ZContext ctx = new ZContext();
        Exec pySub =
            LibzmqPeer.start(
                "sub",
                curve(
                    py,
                    "--endpoint",
                    f.backend(),
                    "--topic",
                    "a",
                    "--count",
                    "100",
                    "--timeout-s",
                    "60"));
        Exec strangeSub =
            LibzmqPeer.start(
                "sub",
                curve(
                    stranger,
                    "--endpoint",
                    f.backend(),
                    "--topic",
                    "",
                    "--count",
                    "0",
                    "--timeout-s",
                    "60"))) {
      ZMQ.Socket jqSub = jeromq(ctx, SocketType.SUB, jq, f.backend());
      jqSub.subscribe("a".getBytes(StandardCharsets.UTF_8));
      jqSub.setReceiveTimeOut(200);
      AtomicInteger jqGot = new AtomicInteger();
      AtomicInteger jqWrongTopic = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      background(
          "jq-sub",
          () -> {
            while (!stop.get()) {
              String topic = jqSub.recvStr();
              if (topic != null) {
                (topic.equals("a") ? jqGot : jqWrongTopic).incrementAndGet();
                while (jqSub.hasReceiveMore()) {
                  jqSub.recv(0);
                }
              }
            }
          });
      await().atMost(BOUND).until(() -> f.metric("zeromesh_subscriptions") >= 1);
      try {
        await("the stranger subscriber refused")
            .atMost(BOUND)
            .until(() -> refused(f, "backend") >= 1);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        // Seen twice in a day, not reproduced in 60 runs: say what each side saw.
        throw new AssertionError(
            "the stranger subscriber was not refused: stranger alive="
                + strangeSub.isAlive()
                + " stderr="
                + strangeSub.stderr()
                + " stdout="
                + strangeSub.stdout()
                + "; libzmq subscriber alive="
                + pySub.isAlive()
                + " stderr="
                + pySub.stderr()
                + "; device metrics:\n"
                + f.metrics(),
            e);
      }
      awaitPeers(f, "backend", 2);
      assertEquals(2.0, f.metric("zeromesh_connected_peers", "socket=\"backend\""));
      // A PUB cannot tell when its subscriptions arrived: it publishes a and b in turn until the
      // subscribers have their 100.
      try (Exec pyPub =
              LibzmqPeer.start(
                  "pub",
                  curve(
                      py,
                      "--endpoint",
                      f.frontend(),
                      "--topic",
                      "a",
                      "--topic",
                      "b",
                      "--count",
                      "0",
                      "--rate",
                      "200",
                      "--timeout-s",
                      "60"));
          Exec strangePub =
              LibzmqPeer.start(
                  "pub",
                  curve(
                      stranger,
                      "--endpoint",
                      f.frontend(),
                      "--topic",
                      "a",
                      "--count",
                      "0",
                      "--rate",
                      "200",
                      "--timeout-s",
                      "60"))) {
        assertEquals(0, pySub.awaitExit(BOUND), pySub.describe());
        assertEquals(Map.of("a", 100L), pySub.summary().peers(), "the listed libzmq subscriber");
        await().atMost(BOUND).until(() -> jqGot.get() >= 100);
        assertEquals(0, jqWrongTopic.get(), "JeroMQ subscriber got another topic");
        await("the stranger publisher refused")
            .atMost(BOUND)
            .until(() -> refused(f, "frontend") >= 1);
        // A refused connection never becomes a peer: one publisher.
        assertEquals(1.0, f.metric("zeromesh_connected_peers", "socket=\"frontend\""));
        pyPub.terminate(Duration.ofSeconds(10));
        strangePub.terminate(Duration.ofSeconds(10));
      }
      strangeSub.terminate(Duration.ofSeconds(10));
      assertEquals(0, strangeSub.summary().received(), "a refused subscriber got messages");
      stop.set(true);
      assertTrue(f.isAlive());
    }
  }

  @Test
  void streamer() throws Exception {
    try (DaemonProcess s = device("streamer");
        ZContext ctx = new ZContext();
        Exec pyPull =
            LibzmqPeer.start(
                "pull", curve(py, "--endpoint", s.backend(), "--count", "0", "--timeout-s", "90"));
        Exec strangePull =
            LibzmqPeer.start(
                "pull",
                curve(stranger, "--endpoint", s.backend(), "--count", "0", "--timeout-s", "90"))) {
      ZMQ.Socket jqPull = jeromq(ctx, SocketType.PULL, jq, s.backend());
      jqPull.setReceiveTimeOut(200);
      AtomicInteger jqGot = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      background(
          "jq-pull",
          () -> {
            while (!stop.get()) {
              if (jqPull.recv(0) != null) {
                jqGot.incrementAndGet();
              }
            }
          });
      awaitPeers(s, "backend", 2);
      await("the stranger worker refused").atMost(BOUND).until(() -> refused(s, "backend") >= 1);
      ProbeSummary pyPush =
          LibzmqPeer.run(BOUND, "push", curve(py, "--endpoint", s.frontend(), "--count", "300"));
      assertEquals(300, pyPush.sent());
      ZMQ.Socket jqPush = jeromq(ctx, SocketType.PUSH, jq, s.frontend());
      for (int i = 0; i < 300; i++) {
        assertTrue(jqPush.send("jq-" + i));
      }
      try (Exec strangePush =
          LibzmqPeer.start(
              "push",
              curve(stranger, "--endpoint", s.frontend(), "--count", "50", "--timeout-s", "3"))) {
        strangePush.awaitExit(BOUND);
      }
      await().atMost(BOUND).until(() -> refused(s, "frontend") >= 1);
      await("600 delivered")
          .atMost(BOUND)
          .until(
              () ->
                  s.metric("zeromesh_messages_total", "direction=\"out\"", "socket=\"backend\"")
                      >= 600);
      pyPull.terminate(Duration.ofSeconds(10));
      strangePull.terminate(Duration.ofSeconds(10));
      stop.set(true);
      long py = pyPull.summary().received();
      assertEquals(600, py + jqGot.get(), "libzmq " + py + " + JeroMQ " + jqGot.get());
      assertTrue(py > 0 && jqGot.get() > 0, "both listed workers got a share");
      assertEquals(0, strangePull.summary().received(), "a refused worker got a share");
      assertEquals(
          600.0, s.metric("zeromesh_messages_total", "direction=\"in\"", "socket=\"frontend\""));
      assertTrue(s.isAlive());
    }
  }
}
