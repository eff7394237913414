package io.zeromesh.broker.probe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.device.Device;
import io.zeromesh.broker.device.DeviceConfig;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.log.Log;
import io.zeromesh.broker.testing.Ports;
import io.zeromesh.broker.testing.ProbeSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The probe against replicated and spreading devices: several endpoints per socket, loss counted
 * right per receiver, and a connection whose handshake stalls retried within seconds.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProbeReplicaTest {
  private static final Duration BOUND = Duration.ofSeconds(40);
  private static final Log LOG = new Log(new PrintStream(System.err, true), false, Log.Level.WARN);

  /** A streamer on free loopback ports. */
  private record Streamer(Device device, int frontend, int backend) implements AutoCloseable {
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
      return new Streamer(Device.start(config, LOG), front, back);
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

  @Test
  void twoWorkersBehindAStreamerReportNoLossForTheShareTheyDidNotSee() {
    try (Streamer streamer = Streamer.start()) {
      String sink = Ports.tcp(Ports.free());
      InProcessProbe collector =
          InProcessProbe.start(
              "pull", "--endpoint", sink, "--bind", "--expect", "400", "--timeout-s", "40");
      List<InProcessProbe> workers = new ArrayList<>();
      for (String name : List.of("a", "b")) {
        workers.add(
            InProcessProbe.start(
                "worker",
                "--endpoint",
                streamer.backendEndpoint(),
                "--output",
                sink,
                "--identity",
                name,
                "--timeout-s",
                "40"));
      }
      await().atMost(BOUND).until(() -> streamer.device().metrics().peers(Side.BACKEND) == 2);
      InProcessProbe producer =
          InProcessProbe.start("push", "--endpoint", streamer.frontendEndpoint(), "--count", "400");
      assertEquals(0, producer.exitCode(BOUND), producer.stderr());
      assertEquals(0, collector.exitCode(BOUND), collector.stderr());
      ProbeSummary all = collector.summary();
      assertEquals(400, all.received());
      assertEquals(0, all.lost());
      assertEquals(0, all.number("gaps"), "the sole receiver of the stream saw every message");
      long shares = 0;
      for (InProcessProbe w : workers) {
        assertEquals(0, w.stop(BOUND), w.stderr());
        ProbeSummary s = w.summary();
        assertTrue(s.received() > 0, "both workers served: " + s.line());
        assertEquals(0, s.lost(), "a worker's share is no loss: " + s.line());
        assertEquals(all.peers().get(s.fields().get("identity")), s.received(), s.line());
        shares += s.received();
      }
      assertEquals(400, shares);
    }
  }

  @Test
  void aWorkerConnectedToEveryReplicaIsServedByAll() {
    try (Streamer one = Streamer.start();
        Streamer two = Streamer.start()) {
      InProcessProbe worker =
          InProcessProbe.start(
              "pull",
              "--endpoint",
              one.backendEndpoint() + "," + two.backendEndpoint(),
              "--expect",
              "200",
              "--timeout-s",
              "40");
      await()
          .atMost(BOUND)
          .until(
              () ->
                  one.device().metrics().peers(Side.BACKEND) == 1
                      && two.device().metrics().peers(Side.BACKEND) == 1);
      InProcessProbe toOne =
          InProcessProbe.start(
              "push", "--endpoint", one.frontendEndpoint(), "--count", "100", "--identity", "p1");
      InProcessProbe toTwo =
          InProcessProbe.start(
              "push", "--endpoint", two.frontendEndpoint(), "--count", "100", "--identity", "p2");
      assertEquals(0, toOne.exitCode(BOUND), toOne.stderr());
      assertEquals(0, toTwo.exitCode(BOUND), toTwo.stderr());
      assertEquals(0, worker.exitCode(BOUND), worker.stderr());
      ProbeSummary s = worker.summary();
      assertEquals(200, s.received());
      assertEquals(Map.of("p1", 100L, "p2", 100L), s.peers());
      assertEquals(0, s.number("gaps"), s.line());
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
