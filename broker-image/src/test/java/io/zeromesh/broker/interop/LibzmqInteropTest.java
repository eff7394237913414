package io.zeromesh.broker.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

/**
 * Our devices and probe between libzmq peers (pyzmq on libzmq 4.3, Debian's python3-zmq): the wire
 * protocol, REQ/DEALER envelopes, subscription forwarding and CURVE all have to match what libzmq
 * does.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LibzmqInteropTest {
  private static final Duration BOUND = Duration.ofSeconds(60);

  @BeforeEach
  void needsLibzmq() {
    LibzmqPeer.assumeAvailable();
  }

  @Test
  void libzmqReqAndDealerClientsAreServedByLibzmqRepWorkersThroughTheQueue() {
    try (DaemonProcess queue = DaemonProcess.start("queue");
        Exec w1 =
            LibzmqPeer.start(
                "rep",
                "--endpoint",
                queue.backend(),
                "--identity",
                "py-w1",
                "--count",
                "0",
                "--timeout-s",
                "60");
        Exec w2 =
            LibzmqPeer.start(
                "rep",
                "--endpoint",
                queue.backend(),
                "--identity",
                "py-w2",
                "--count",
                "0",
                "--timeout-s",
                "60")) {
      awaitPeers(queue, "backend", 2);
      ProbeSummary req =
          LibzmqPeer.run(BOUND, "req", "--endpoint", queue.frontend(), "--count", "100");
      ProbeSummary dealer =
          LibzmqPeer.run(BOUND, "dealer", "--endpoint", queue.frontend(), "--count", "100");
      assertEquals(100, req.received(), req.line());
      assertEquals(100, dealer.received(), dealer.line());
      Map<String, Long> servedBy = merge(req.peers(), dealer.peers());
      assertEquals(Set.of("py-w1", "py-w2"), servedBy.keySet(), "both workers served");
      assertEquals(200, servedBy.values().stream().mapToLong(Long::longValue).sum());
      assertTrue(queue.isAlive());
    }
  }

  @Test
  void probeAndLibzmqClientsAndWorkersMixThroughTheQueue() {
    try (DaemonProcess queue = DaemonProcess.start("queue");
        Exec pyWorker =
            LibzmqPeer.start(
                "rep",
                "--endpoint",
                queue.backend(),
                "--identity",
                "py-w",
                "--count",
                "0",
                "--timeout-s",
                "60");
        Exec probeWorker =
            Exec.broker(
                "probe",
                "rep",
                "--endpoint",
                queue.backend(),
                "--identity",
                "probe-w",
                "--timeout-s",
                "60")) {
      awaitPeers(queue, "backend", 2);
      try (Exec probeClient =
          Exec.broker(
              "probe",
              "req",
              "--endpoint",
              queue.frontend(),
              "--count",
              "100",
              "--expect",
              "100",
              "--timeout-s",
              "50")) {
        ProbeSummary py =
            LibzmqPeer.run(BOUND, "req", "--endpoint", queue.frontend(), "--count", "100");
        assertEquals(0, probeClient.awaitExit(BOUND), probeClient.describe());
        ProbeSummary probe = probeClient.summary();
        assertEquals(100, probe.received(), probe.line());
        assertEquals(0, probe.lost(), probe.line());
        assertEquals(100, py.received(), py.line());
        Map<String, Long> servedBy = merge(probe.peers(), py.peers());
        assertEquals(Set.of("py-w", "probe-w"), servedBy.keySet(), "libzmq and probe workers");
        assertEquals(200, servedBy.values().stream().mapToLong(Long::longValue).sum());
      }
    }
  }

  @Test
  void libzmqPubReachesLibzmqSubscribersThroughTheForwarderByTopic() {
    try (DaemonProcess fwd = DaemonProcess.start("forwarder");
        Exec subA =
            LibzmqPeer.start(
                "sub",
                "--endpoint",
                fwd.backend(),
                "--topic",
                "a",
                "--count",
                "200",
                "--timeout-s",
                "40");
        Exec subB =
            LibzmqPeer.start(
                "sub",
                "--endpoint",
                fwd.backend(),
                "--topic",
                "b",
                "--count",
                "200",
                "--timeout-s",
                "40")) {
      await().atMost(BOUND).until(() -> fwd.metric("zeromesh_subscriptions") >= 2);
      // A PUB cannot tell when its subscriptions arrived: it publishes a, b, c in turn until
      // both subscribers have their 200.
      try (Exec pub =
          LibzmqPeer.start(
              "pub",
              "--endpoint",
              fwd.frontend(),
              "--topic",
              "a",
              "--topic",
              "b",
              "--topic",
              "c",
              "--count",
              "0",
              "--rate",
              "2000",
              "--timeout-s",
              "45")) {
        assertEquals(0, subA.awaitExit(BOUND), subA.describe());
        assertEquals(0, subB.awaitExit(BOUND), subB.describe());
        assertEquals(Map.of("a", 200L), subA.summary().peers(), "sub to a sees only a");
        assertEquals(Map.of("b", 200L), subB.summary().peers(), "sub to b sees only b");
        pub.terminate(Duration.ofSeconds(10));
        assertTrue(pub.summary().sent() >= 600, pub.summary().line());
      }
    }
  }

  @Test
  void probePubAndSubInteroperateWithLibzmqThroughTheForwarder() {
    try (DaemonProcess fwd = DaemonProcess.start("forwarder")) {
      try (Exec pySub =
          LibzmqPeer.start(
              "sub",
              "--endpoint",
              fwd.backend(),
              "--topic",
              "px",
              "--count",
              "300",
              "--timeout-s",
              "40")) {
        await().atMost(BOUND).until(() -> fwd.metric("zeromesh_subscriptions") >= 1);
        try (Exec probePub =
            Exec.broker(
                "probe",
                "pub",
                "--endpoint",
                fwd.frontend(),
                "--topic",
                "px",
                "--count",
                "300",
                "--timeout-s",
                "40")) {
          assertEquals(0, probePub.awaitExit(BOUND), probePub.describe());
          assertEquals(0, pySub.awaitExit(BOUND), pySub.describe());
          assertEquals(Map.of("px", 300L), pySub.summary().peers());
        }
      }
      await("subscriptions gone")
          .atMost(BOUND)
          .until(() -> fwd.metric("zeromesh_subscriptions") == 0);
      try (Exec probeSub =
          Exec.broker(
              "probe",
              "sub",
              "--endpoint",
              fwd.backend(),
              "--topic",
              "py",
              "--count",
              "100",
              "--timeout-s",
              "40")) {
        await().atMost(BOUND).until(() -> fwd.metric("zeromesh_subscriptions") >= 1);
        try (Exec pyPub =
            LibzmqPeer.start(
                "pub",
                "--endpoint",
                fwd.frontend(),
                "--topic",
                "py",
                "--count",
                "0",
                "--rate",
                "1000",
                "--timeout-s",
                "45")) {
          assertEquals(0, probeSub.awaitExit(BOUND), probeSub.describe());
          ProbeSummary s = probeSub.summary();
          assertEquals(100, s.received(), s.line());
          assertTrue(s.number("latencyMaxUs") > 0, "latency from the libzmq payload: " + s);
          pyPub.terminate(Duration.ofSeconds(10));
        }
      }
    }
  }

  @Test
  void pushAndPullInteroperateWithLibzmqThroughTheStreamer() {
    try (DaemonProcess streamer = DaemonProcess.start("streamer")) {
      try (Exec pull =
          LibzmqPeer.start(
              "pull", "--endpoint", streamer.backend(), "--count", "1000", "--timeout-s", "40")) {
        awaitPeers(streamer, "backend", 1);
        ProbeSummary push =
            LibzmqPeer.run(BOUND, "push", "--endpoint", streamer.frontend(), "--count", "1000");
        assertEquals(1000, push.sent());
        assertEquals(0, pull.awaitExit(BOUND), pull.describe());
        assertEquals(1000, pull.summary().received());
        assertEquals(0, pull.summary().lost());
      }
      // The next receiver must not share the backend with a peer that is going away: messages
      // pushed into a vanishing peer's pipe are lost (ZeroMQ semantics, not the device's).
      awaitNoPeers(streamer, "backend");
      try (Exec probePull =
          Exec.broker(
              "probe",
              "pull",
              "--endpoint",
              streamer.backend(),
              "--count",
              "500",
              "--timeout-s",
              "40")) {
        awaitPeers(streamer, "backend", 1);
        LibzmqPeer.run(BOUND, "push", "--endpoint", streamer.frontend(), "--count", "500");
        assertEquals(0, probePull.awaitExit(BOUND), probePull.describe());
        assertEquals(500, probePull.summary().received());
        assertEquals(0, probePull.summary().lost());
      }
      awaitNoPeers(streamer, "backend");
      try (Exec pyPull =
          LibzmqPeer.start(
              "pull", "--endpoint", streamer.backend(), "--count", "500", "--timeout-s", "40")) {
        awaitPeers(streamer, "backend", 1);
        try (Exec probePush =
            Exec.broker(
                "probe",
                "push",
                "--endpoint",
                streamer.frontend(),
                "--count",
                "500",
                "--identity",
                "probe-push",
                "--timeout-s",
                "40")) {
          assertEquals(0, probePush.awaitExit(BOUND), probePush.describe());
          assertEquals(0, pyPull.awaitExit(BOUND), pyPull.describe());
          assertEquals(Map.of("probe-push", 500L), pyPull.summary().peers());
        }
      }
    }
  }

  @Test
  void curveClientsWithTheServerKeyAreServedAndPlaintextClientsGetNothing(@TempDir Path keys)
      throws IOException {
    ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
    Files.writeString(
        keys.resolve("server.key"), server.secretKey + "\n", StandardCharsets.US_ASCII);
    Files.writeString(
        keys.resolve("server.pub"), server.publicKey + "\n", StandardCharsets.US_ASCII);
    try (DaemonProcess queue = DaemonProcess.start("queue", "--curve", "--curve-key-dir=" + keys);
        Exec worker =
            LibzmqPeer.start(
                "rep",
                "--endpoint",
                queue.backend(),
                "--identity",
                "curve-w",
                "--count",
                "0",
                "--timeout-s",
                "60",
                "--curve-server-key",
                server.publicKey)) {
      awaitPeers(queue, "backend", 1);
      ProbeSummary withKey =
          LibzmqPeer.run(
              BOUND,
              "req",
              "--endpoint",
              queue.frontend(),
              "--count",
              "20",
              "--curve-server-key",
              server.publicKey);
      assertEquals(20, withKey.received());
      assertEquals(Map.of("curve-w", 20L), withKey.peers());

      try (Exec plain =
          LibzmqPeer.start(
              "req", "--endpoint", queue.frontend(), "--count", "3", "--timeout-s", "3")) {
        assertEquals(1, plain.awaitExit(BOUND), plain.describe());
        assertEquals(0, plain.summary().received(), "a plaintext libzmq client got replies");
      }
      try (Exec probe =
          Exec.broker(
              "probe",
              "req",
              "--endpoint",
              queue.frontend(),
              "--count",
              "20",
              "--curve-server-key",
              server.publicKey,
              "--timeout-s",
              "40")) {
        assertEquals(0, probe.awaitExit(BOUND), probe.describe());
        assertEquals(Map.of("curve-w", 20L), probe.summary().peers());
      }
      assertTrue(queue.isAlive());
    }
  }

  static void awaitPeers(DaemonProcess device, String socket, int n) {
    await("connected " + socket + " peers of " + device.mode() + " >= " + n)
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> device.metric("zeromesh_connected_peers", "socket=\"" + socket + "\"") >= n);
  }

  static void awaitNoPeers(DaemonProcess device, String socket) {
    await("no " + socket + " peers left on " + device.mode())
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> device.metric("zeromesh_connected_peers", "socket=\"" + socket + "\"") == 0);
  }

  private static Map<String, Long> merge(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> all = new TreeMap<>(a);
    b.forEach((k, v) -> all.merge(k, v, Long::sum));
    return all;
  }
}
