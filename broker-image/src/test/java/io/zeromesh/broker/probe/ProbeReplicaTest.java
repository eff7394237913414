package io.zeromesh.broker.probe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.device.DeviceConfig;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.engine.ZmtpDevice;
import io.zeromesh.broker.log.Log;
import io.zeromesh.broker.testing.Ports;
import io.zeromesh.broker.testing.ProbeSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * The probe against replicated and spreading devices: several endpoints per socket, loss counted
 * right per receiver, and a connection whose handshake stalls retried within seconds.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProbeReplicaTest {
  private static final Duration BOUND = Duration.ofSeconds(40);
  private static final Log LOG = new Log(new PrintStream(System.err, true), false, Log.Level.WARN);

  /** A streamer on free loopback ports. */
  private record Streamer(ZmtpDevice device, int frontend, int backend) implements AutoCloseable {
    static Streamer start() {
      int front = Ports.free();
      int back = Ports.free();
      DeviceConfig config =
          DeviceConfig.parse(
              "streamer",
              List.of(
                  "--frontend-port=" + front,
                  "--backend-port=" + back,
                  "--admin-port=" + Ports.free(),
                  "--bind-address=127.0.0.1",
                  "--linger-ms=0"),
              Map.of());
      return new Streamer(ZmtpDevice.start(config, LOG), front, back);
    }

    String frontendEndpoint() {
      return Ports.tcp(frontend);
    }

    String backendEndpoint() {
      return Ports.tcp(backend);
    }

    @Override
    public void close() {
      device.shutdown();
    }
  }

  /**
   * The test's own sink: a bound PULL that sees every message the workers forward, as [worker
   * identity, payload], so the test can tell when each link is live.
   */
  private static final class Sink implements AutoCloseable {
    final ZContext ctx = new ZContext();
    final ZMQ.Socket pull = ctx.createSocket(SocketType.PULL);
    final String endpoint;
    final Map<String, Long> perWorker = new HashMap<>();
    final Map<Long, Set<Long>> sequences = new HashMap<>();
    final Set<String> warm = new HashSet<>();
    long probeMessages;

    Sink() {
      pull.setReceiveTimeOut(250);
      endpoint = Ports.tcp(pull.bindToRandomPort("tcp://127.0.0.1"));
    }

    /** Takes what arrived within 250 ms; false when nothing did. */
    boolean poll() {
      ZMsg m = ZMsg.recvMsg(pull);
      if (m == null) {
        return false;
      }
      String worker = m.popString();
      byte[] payload = m.getLast().getData();
      perWorker.merge(worker, 1L, Long::sum);
      ProbePayload p = ProbePayload.decode(payload);
      if (p == null) {
        warm.add(worker + "/" + new String(payload, StandardCharsets.UTF_8));
      } else {
        probeMessages++;
        sequences.computeIfAbsent(p.stream(), k -> new HashSet<>()).add(p.sequence());
      }
      return true;
    }

    /**
     * Sends single warm-up messages into {@code frontend} until each of {@code expected} (worker
     * "/" text) has come back: then those links have completed their handshakes. A message the
     * device routed to a connection still stalled in JeroMQ's greeting (zeromq/jeromq#1022) is lost
     * with it, so it is sent again; nothing counted later goes through a stalled link.
     */
    void warmUp(ZMQ.Socket push, String text, Set<String> expected) {
      for (int i = 0; i < 160 && !warm.containsAll(expected); i++) {
        push.send(text);
        while (poll()) {
          // take everything that is there
        }
      }
      assertTrue(warm.containsAll(expected), "links never came up: " + warm + " of " + expected);
    }

    /** Reads until {@code n} probe messages arrived (bounded). */
    void awaitProbeMessages(long n) {
      await()
          .atMost(BOUND)
          .until(
              () -> {
                while (probeMessages < n && poll()) {
                  // take everything that is there
                }
                return probeMessages >= n;
              });
    }

    @Override
    public void close() {
      ctx.close();
    }
  }

  private static ZMQ.Socket pusher(Sink sink, String endpoint) {
    ZMQ.Socket push = sink.ctx.createSocket(SocketType.PUSH);
    push.setHandshakeIvl(2000);
    push.setSendTimeOut(1000);
    push.connect(endpoint);
    return push;
  }

  @Test
  void twoWorkersBehindAStreamerReportNoLossForTheShareTheyDidNotSee() {
    try (Streamer streamer = Streamer.start();
        Sink sink = new Sink()) {
      List<InProcessProbe> workers = new ArrayList<>();
      for (String name : List.of("a", "b")) {
        workers.add(
            InProcessProbe.start(
                "worker",
                "--endpoint",
                streamer.backendEndpoint(),
                "--output",
                sink.endpoint,
                "--identity",
                name,
                "--timeout-s",
                "60"));
      }
      await().atMost(BOUND).until(() -> streamer.device().metrics().peers(Side.BACKEND) == 2);
      sink.warmUp(pusher(sink, streamer.frontendEndpoint()), "warm", Set.of("a/warm", "b/warm"));
      long warmUpMessages = sink.perWorker.values().stream().mapToLong(Long::longValue).sum();

      InProcessProbe producer =
          InProcessProbe.start("push", "--endpoint", streamer.frontendEndpoint(), "--count", "400");
      assertEquals(0, producer.exitCode(BOUND), producer.stderr());
      sink.awaitProbeMessages(400);
      assertEquals(400, sink.probeMessages);
      assertEquals(1, sink.sequences.size(), "one producer stream");
      assertEquals(400, sink.sequences.values().iterator().next().size(), "every task once");
      long shares = 0;
      for (InProcessProbe w : workers) {
        assertEquals(0, w.stop(BOUND), w.stderr());
        ProbeSummary s = w.summary();
        String name = s.fields().get("identity");
        assertEquals(sink.perWorker.get(name).longValue(), s.received(), s.line());
        assertEquals(0, s.lost(), "a worker's share of the stream is no loss: " + s.line());
        shares += s.received();
      }
      assertEquals(400 + warmUpMessages, shares, "together the workers got every task");
    }
  }

  @Test
  void aWorkerConnectedToEveryReplicaIsServedByAll() {
    try (Streamer one = Streamer.start();
        Streamer two = Streamer.start();
        Sink sink = new Sink()) {
      InProcessProbe worker =
          InProcessProbe.start(
              "worker",
              "--endpoint",
              one.backendEndpoint() + "," + two.backendEndpoint(),
              "--output",
              sink.endpoint,
              "--identity",
              "w",
              "--timeout-s",
              "60");
      await()
          .atMost(BOUND)
          .until(
              () ->
                  one.device().metrics().peers(Side.BACKEND) == 1
                      && two.device().metrics().peers(Side.BACKEND) == 1);
      sink.warmUp(pusher(sink, one.frontendEndpoint()), "warm-1", Set.of("w/warm-1"));
      sink.warmUp(pusher(sink, two.frontendEndpoint()), "warm-2", Set.of("w/warm-2"));
      InProcessProbe toOne =
          InProcessProbe.start("push", "--endpoint", one.frontendEndpoint(), "--count", "100");
      InProcessProbe toTwo =
          InProcessProbe.start("push", "--endpoint", two.frontendEndpoint(), "--count", "100");
      assertEquals(0, toOne.exitCode(BOUND), toOne.stderr());
      assertEquals(0, toTwo.exitCode(BOUND), toTwo.stderr());
      sink.awaitProbeMessages(200);
      assertEquals(200, sink.probeMessages);
      assertEquals(2, sink.sequences.size(), "a stream through each replica");
      for (Set<Long> seqs : sink.sequences.values()) {
        assertEquals(100, seqs.size(), "every message of each replica's producer");
      }
      assertEquals(0, worker.stop(BOUND), worker.stderr());
      ProbeSummary s = worker.summary();
      assertEquals(sink.perWorker.get("w").longValue(), s.received(), s.line());
      assertEquals(0, s.lost(), s.line());
    }
  }

  /**
   * A peer that accepts TCP and never greets (what JeroMQ's connect stall looks like from the
   * client): the probe drops the connection after its handshake interval and connects again.
   */
  @Test
  void aConnectionWhoseHandshakeStallsIsRetriedWithinTheHandshakeInterval() throws Exception {
    AtomicInteger accepted = new AtomicInteger();
    List<Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    Socket s = silent.accept();
                    synchronized (held) {
                      held.add(s);
                    }
                    accepted.incrementAndGet();
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              },
              "silent-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
      InProcessProbe pull =
          InProcessProbe.start(
              "pull",
              "--endpoint",
              Ports.tcp(silent.getLocalPort()),
              "--handshake-ivl-ms",
              "500",
              "--timeout-s",
              "30");
      // JeroMQ's default (30 s) would leave one connection waiting; 500 ms gives a new one soon.
      await().atMost(Duration.ofSeconds(15)).until(() -> accepted.get() >= 3);
      pull.stop(BOUND);
    } finally {
      synchronized (held) {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }
}
