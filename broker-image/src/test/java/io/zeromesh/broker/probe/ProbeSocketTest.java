package io.zeromesh.broker.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.testing.Exec;
import io.zeromesh.broker.testing.Ports;
import io.zeromesh.broker.testing.ProbeSummary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** Probes talking to each other and to plain JeroMQ peers over real loopback TCP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProbeSocketTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @Test
  void reqAndRepTalkAndRepliesAreCountedPerResponder() {
    String ep = Ports.tcp(Ports.free());
    InProcessProbe rep =
        InProcessProbe.start("rep", "--endpoint", ep, "--bind", "--identity", "rep-a");
    InProcessProbe req =
        InProcessProbe.start("req", "--endpoint", ep, "--count", "50", "--timeout-s", "20");
    assertEquals(0, req.exitCode(BOUND), req.stderr());
    ProbeSummary s = req.summary();
    assertEquals(50, s.sent());
    assertEquals(50, s.received());
    assertEquals(0, s.lost());
    assertEquals(Map.of("rep-a", 50L), s.peers());
    assertTrue(s.number("latencyP50Us") > 0, s.line());
    assertTrue(s.number("latencyP99Us") >= s.number("latencyP50Us"), s.line());
    assertTrue(s.decimal("msgsPerSec") > 0, s.line());

    assertEquals(0, rep.stop(BOUND), rep.stderr());
    ProbeSummary served = rep.summary();
    assertEquals(50, served.received());
    assertEquals(50, served.sent());
  }

  @Test
  void lazyPirateResendsOnAFreshSocketWhenAReplyIsMissing() {
    try (ZContext ctx = new ZContext()) {
      ZMQ.Socket router = ctx.createSocket(SocketType.ROUTER);
      int port = router.bindToRandomPort("tcp://127.0.0.1");
      InProcessProbe req =
          InProcessProbe.start(
              "req",
              "--endpoint",
              Ports.tcp(port),
              "--count",
              "3",
              "--retries",
              "2",
              "--request-timeout-ms",
              "2000",
              "--timeout-s",
              "20");
      router.setReceiveTimeOut(10_000);
      // Swallow the first request; answer every later one as a REP would, naming "router".
      ZMsg first = ZMsg.recvMsg(router);
      assertTrue(first != null, "first request");
      for (int answered = 0; answered < 3; answered++) {
        ZMsg request = ZMsg.recvMsg(router);
        assertTrue(request != null, "request " + answered);
        byte[] payload = request.getLast().getData();
        ZMsg reply = new ZMsg();
        reply.add(request.getFirst().getData()); // routing id
        reply.add(new byte[0]);
        reply.add("router");
        reply.add(payload);
        reply.send(router);
      }
      assertEquals(0, req.exitCode(BOUND), req.stderr());
      ProbeSummary s = req.summary();
      assertEquals(3, s.sent());
      assertEquals(3, s.received());
      assertEquals(0, s.lost());
      // The swallowed request was resent (a very slow test thread could add one more).
      assertTrue(s.number("resent") >= 1, s.line());
      assertEquals(Map.of("router", 3L), s.peers());
    }
  }

  @Test
  void requestsCountAsLostOnlyAfterEveryRetryFailed() {
    try (ZContext ctx = new ZContext()) {
      ZMQ.Socket silent = ctx.createSocket(SocketType.ROUTER);
      int port = silent.bindToRandomPort("tcp://127.0.0.1");
      InProcessProbe req =
          InProcessProbe.start(
              "req",
              "--endpoint",
              Ports.tcp(port),
              "--count",
              "2",
              "--retries",
              "1",
              "--request-timeout-ms",
              "200",
              "--expect",
              "1",
              "--timeout-s",
              "20");
      assertEquals(1, req.exitCode(BOUND), req.stderr());
      ProbeSummary s = req.summary();
      assertEquals(2, s.sent());
      assertEquals(0, s.received());
      assertEquals(2, s.lost());
      assertEquals(2, s.number("resent"));
      assertTrue(req.stderr().contains("expected at least 1 replies, got 0"), req.stderr());
    }
  }

  @Test
  void pubWaitsForTheSubscriberAndEveryMessageArrives() {
    String ep = Ports.tcp(Ports.free());
    InProcessProbe sub =
        InProcessProbe.start(
            "sub",
            "--endpoint",
            ep,
            "--bind",
            "--topic",
            "tick",
            "--count",
            "300",
            "--timeout-s",
            "20");
    InProcessProbe pub =
        InProcessProbe.start(
            "pub",
            "--endpoint",
            ep,
            "--topic",
            "ticks",
            "--count",
            "300",
            "--size",
            "256",
            "--timeout-s",
            "20");
    assertEquals(0, pub.exitCode(BOUND), pub.stderr());
    assertEquals(300, pub.summary().sent());
    assertEquals(0, sub.exitCode(BOUND), sub.stderr());
    ProbeSummary s = sub.summary();
    assertEquals(300, s.received());
    assertEquals(0, s.lost());
    assertTrue(s.number("latencyMaxUs") > 0, s.line());
    assertEquals(Map.of(), s.peers());
  }

  @Test
  void subscriberFiltersOnTopicAndFailsItsExpectation() {
    String ep = Ports.tcp(Ports.free());
    InProcessProbe other =
        InProcessProbe.start(
            "sub",
            "--endpoint",
            ep,
            "--bind",
            "--topic",
            "b",
            "--count",
            "20",
            "--timeout-s",
            "20");
    InProcessProbe pub =
        InProcessProbe.start(
            "pub", "--endpoint", ep, "--topic", "b", "--count", "20", "--timeout-s", "10");
    assertEquals(0, pub.exitCode(BOUND), pub.stderr());
    assertEquals(0, other.exitCode(BOUND));
    assertEquals(20, other.summary().received(), "the subscriber to 'b' got them");

    String ep2 = Ports.tcp(Ports.free());
    InProcessProbe wrongTopic =
        InProcessProbe.start(
            "sub",
            "--endpoint",
            ep2,
            "--bind",
            "--topic",
            "a",
            "--expect",
            "1",
            "--timeout-s",
            "2");
    InProcessProbe pub2 =
        InProcessProbe.start(
            "pub", "--endpoint", ep2, "--topic", "b", "--count", "20", "--timeout-s", "2");
    assertEquals(1, wrongTopic.exitCode(BOUND), "no message on topic a");
    assertEquals(0, wrongTopic.summary().received());
    // The only subscription is to 'a': pub still sends (filtering is the subscriber's business).
    pub2.exitCode(BOUND);
  }

  @Test
  void pushToPullCountsPerSenderIdentity() {
    String ep = Ports.tcp(Ports.free());
    InProcessProbe pull =
        InProcessProbe.start(
            "pull", "--endpoint", ep, "--bind", "--count", "200", "--timeout-s", "20");
    InProcessProbe a =
        InProcessProbe.start("push", "--endpoint", ep, "--count", "120", "--identity", "a");
    InProcessProbe b =
        InProcessProbe.start(
            "push", "--endpoint", ep, "--count", "80", "--identity", "b", "--rate", "2000");
    assertEquals(0, a.exitCode(BOUND), a.stderr());
    assertEquals(0, b.exitCode(BOUND), b.stderr());
    assertEquals(0, pull.exitCode(BOUND), pull.stderr());
    ProbeSummary s = pull.summary();
    assertEquals(200, s.received());
    assertEquals(0, s.lost());
    assertEquals(Map.of("a", 120L, "b", 80L), s.peers());
  }

  @Test
  void workerPassesTasksOnTaggedWithItsIdentity() {
    String tasks = Ports.tcp(Ports.free());
    String results = Ports.tcp(Ports.free());
    InProcessProbe sink =
        InProcessProbe.start(
            "pull", "--endpoint", results, "--bind", "--count", "100", "--timeout-s", "20");
    InProcessProbe worker =
        InProcessProbe.start(
            "worker", "--endpoint", tasks, "--output", results, "--identity", "w1");
    InProcessProbe ventilator =
        InProcessProbe.start("push", "--endpoint", tasks, "--bind", "--count", "100");
    assertEquals(0, ventilator.exitCode(BOUND), ventilator.stderr());
    assertEquals(0, sink.exitCode(BOUND), sink.stderr());
    assertEquals(Map.of("w1", 100L), sink.summary().peers());
    assertEquals(0, worker.stop(BOUND));
    assertEquals(100, worker.summary().received());
    assertEquals(100, worker.summary().sent());
  }

  @Test
  void rateIsHonoured() {
    String ep = Ports.tcp(Ports.free());
    InProcessProbe pull =
        InProcessProbe.start(
            "pull", "--endpoint", ep, "--bind", "--count", "20", "--timeout-s", "20");
    long start = System.nanoTime();
    InProcessProbe push =
        InProcessProbe.start("push", "--endpoint", ep, "--count", "20", "--rate", "40");
    assertEquals(0, push.exitCode(BOUND));
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    // 20 messages at 40/s: the 20th leaves 475 ms after the first.
    assertTrue(elapsedMs >= 450, "took " + elapsedMs + " ms");
    assertEquals(0, pull.exitCode(BOUND));
    // Pacing can run late on a busy machine, never early: the rate never exceeds what was asked.
    double rate = push.summary().decimal("msgsPerSec");
    assertTrue(rate > 0 && rate <= 42, "rate " + rate);
  }

  @Test
  void processPrintsItsSummaryOnSigtermAndExits2OnBadFlags() {
    String ep = Ports.tcp(Ports.free());
    try (Exec rep = Exec.broker("probe", "rep", "--endpoint", ep, "--bind", "--identity", "x")) {
      Awaitility.await().atMost(BOUND).until(() -> rep.stderr().contains("probe rep: bind " + ep));
      try (ZContext ctx = new ZContext()) {
        ZMQ.Socket req = ctx.createSocket(SocketType.REQ);
        req.setReceiveTimeOut(10_000);
        req.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
        req.connect(ep);
        req.send("hello");
        assertEquals("x", req.recvStr());
        assertEquals("hello", new String(req.recv(), StandardCharsets.UTF_8));
      }
      int exit = rep.terminate(Duration.ofSeconds(15));
      assertEquals(143, exit, rep.describe());
      ProbeSummary s = rep.summary();
      assertEquals(1, s.received(), rep.describe());
      assertEquals("rep", s.fields().get("mode"));
    }
    try (Exec bad = Exec.broker("probe", "req", "--endpoint", ep, "--size", "ten")) {
      assertEquals(2, bad.awaitExit(BOUND));
      String err = bad.stderr().strip();
      assertEquals(1, err.lines().count(), err);
      assertTrue(err.contains("--size"), err);
      assertEquals("", bad.stdout());
    }
  }

  @Test
  void anEndpointThatDoesNotResolveYetIsRetriedUntilTheDeadline() {
    // A Service name can resolve a little after the pod that uses it starts: the probe keeps
    // trying instead of crashing (and crash-looping) at once, and gives up at its deadline.
    InProcessProbe pull =
        InProcessProbe.start(
            "pull", "--endpoint", "tcp://zeromesh-no-such-host.invalid:5558", "--timeout-s", "2");
    int code = pull.exitCode(BOUND);
    assertEquals(1, code, pull.stderr());
    assertTrue(pull.stderr().contains("does not resolve yet, retrying"), pull.stderr());
  }
}
