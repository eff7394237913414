package io.zeromesh.broker.probe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.testing.Blackhole;
import io.zeromesh.broker.testing.Exec;
import io.zeromesh.broker.testing.HostsFile;
import io.zeromesh.broker.testing.Ports;
import io.zeromesh.broker.testing.ProbeSummary;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A probe connected to a name whose address changes, as a StatefulSet replica's name does when its
 * pod is replaced ({@link ProbeLinks}). Everything on loopback: the old and the new replica are
 * 127.0.0.2 and 127.0.0.3 on one port, and "the vanished pod IP" is a listener on 127.0.0.2 whose
 * accept queue the test filled, so the kernel drops every further SYN and a connect to it stays
 * pending, as one to an address nobody holds does.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProbeLinksTest {
  private static final String NAME = "replica-0.zeromesh.test";
  private static final InetAddress OLD = address("127.0.0.2");
  private static final InetAddress NEW = address("127.0.0.3");

  /** What a fresh JeroMQ connection may cost once: a stalled handshake, dropped after 3 s. */
  private static final Duration HANDSHAKE_STALL =
      Duration.ofMillis(ProbeConfig.DEFAULT_HANDSHAKE_IVL_MS);

  /** A name table the test edits; a name not in it does not resolve. */
  private static final class Names implements ProbeLinks.Resolver {
    final Map<String, InetAddress> table = new ConcurrentHashMap<>();

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      InetAddress a = table.get(host);
      if (a == null) {
        throw new UnknownHostException(host);
      }
      return new InetAddress[] {a};
    }
  }

  /**
   * The test's replica: a bound DEALER that sends requests to whichever REP is connected and reads
   * the replies ([empty, identity, payload]).
   */
  private static final class Replica implements AutoCloseable {
    final ZContext ctx = new ZContext(1);
    final ZMQ.Socket dealer = ctx.createSocket(SocketType.DEALER);

    Replica(InetAddress at, int port) {
      dealer.setLinger(0);
      dealer.setSendTimeOut(100);
      dealer.setReceiveTimeOut(100);
      dealer.bind("tcp://" + at.getHostAddress() + ":" + port);
    }

    /**
     * Whether a request is answered within {@code bound}. Sent again every second without a reply:
     * a request in a connection that JeroMQ then drops (a stalled handshake) is gone with it.
     */
    boolean answered(Duration bound) {
      long until = System.nanoTime() + bound.toNanos();
      long sentAt = 0;
      boolean sent = false;
      while (System.nanoTime() - until < 0) {
        if (!sent || System.nanoTime() - sentAt > TimeUnit.SECONDS.toNanos(1)) {
          // DEALER sends only once a peer is connected (its pipe exists from then on).
          sent = dealer.send(new byte[0], ZMQ.SNDMORE) && dealer.send("ping");
          sentAt = System.nanoTime();
          if (!sent) {
            continue;
          }
        }
        byte[] first = dealer.recv(0);
        if (first != null) {
          while (dealer.hasReceiveMore()) {
            dealer.recv(0);
          }
          return true;
        }
      }
      return false;
    }

    @Override
    public void close() {
      ctx.close();
    }
  }

  @Test
  void aNameThatMovesIsFollowedAsSoonAsTheOldAddressDrops() {
    int port = Ports.free();
    Names names = new Names();
    names.table.put(NAME, OLD);
    InProcessProbe probe;
    try (Replica old = new Replica(OLD, port)) {
      probe = rep(names, port, "--connect-timeout-ms=3000");
      assertTrue(old.answered(Duration.ofSeconds(10)), () -> "old replica: " + probe.stderr());
      names.table.put(NAME, NEW);
    }
    try (Replica replacement = new Replica(NEW, port)) {
      // The dropped connection is re-resolved at once (no timeout to wait for); a fresh JeroMQ
      // connection may stall in its handshake once (zeromq/jeromq#1022: --handshake-ivl-ms 3000).
      assertTrue(
          replacement.answered(HANDSHAKE_STALL.plusSeconds(3)),
          () -> "not at the new address within 6 s: " + probe.stderr());
    }
    assertEquals(0, probe.stop(Duration.ofSeconds(10)));
    assertTrue(
        probe
            .stderr()
            .contains("moved from tcp://127.0.0.2:" + port + " to tcp://127.0.0.3:" + port),
        probe::stderr);
    assertEquals(1, probe.summary().number("reconnects"), probe.summary()::toString);
  }

  @Test
  void aConnectPendingLongerThanTheTimeoutIsMadeAgainToAFreshResolution() throws IOException {
    int port = Ports.free();
    Names names = new Names();
    names.table.put(NAME, OLD);
    try (Blackhole vanished = new Blackhole(OLD, port);
        Replica replacement = new Replica(NEW, port)) {
      InProcessProbe probe = rep(names, port, "--connect-timeout-ms=1000");
      awaitConnecting(probe::stderr, OLD, port);
      assertFalse(replacement.answered(Duration.ofMillis(500)), "answered by a name not its own");
      names.table.put(NAME, NEW);
      // At most one timeout after the name moved, and one handshake stall.
      assertTrue(
          replacement.answered(HANDSHAKE_STALL.plusSeconds(4)),
          () -> "still not connected 7 s after the name moved: " + probe.stderr());
      assertEquals(0, probe.stop(Duration.ofSeconds(10)));
      assertTrue(probe.stderr().contains("not connected after"), probe::stderr);
    }
  }

  /** The defect itself, as JeroMQ 0.6.0 has it: without the timeout the pending connect stays. */
  @Test
  void withoutTheTimeoutAPendingConnectWaitsForTheKernel() throws IOException {
    int port = Ports.free();
    Names names = new Names();
    names.table.put(NAME, OLD);
    try (Blackhole vanished = new Blackhole(OLD, port);
        Replica replacement = new Replica(NEW, port)) {
      InProcessProbe probe = rep(names, port, "--connect-timeout-ms=0");
      awaitConnecting(probe::stderr, OLD, port);
      names.table.put(NAME, NEW);
      assertFalse(
          replacement.answered(Duration.ofSeconds(5)),
          () -> "a pending connect was given up without a timeout: " + probe.stderr());
      assertEquals(0, probe.stop(Duration.ofSeconds(10)));
      assertEquals(0, probe.summary().number("reconnects"), probe.summary()::toString);
    }
  }

  @Test
  void aNameThatDoesNotResolveYetIsConnectedOnceItDoesAndTheOthersServeMeanwhile() {
    int port = Ports.free();
    int other = Ports.free();
    Names names = new Names();
    try (Replica first = new Replica(OLD, other);
        Replica later = new Replica(NEW, port)) {
      names.table.put("replica-1.zeromesh.test", OLD);
      InProcessProbe probe =
          InProcessProbe.start(
              names,
              "rep",
              "--endpoint=tcp://" + NAME + ":" + port + ",tcp://replica-1.zeromesh.test:" + other,
              "--count=0",
              "--timeout-s=60");
      assertTrue(first.answered(Duration.ofSeconds(10)), probe::stderr);
      names.table.put(NAME, NEW);
      assertTrue(later.answered(HANDSHAKE_STALL.plusSeconds(3)), probe::stderr);
      assertEquals(0, probe.stop(Duration.ofSeconds(10)));
      assertTrue(probe.stderr().contains("does not resolve yet, retrying"), probe::stderr);
    }
  }

  /**
   * The probe as a process, names resolved by the JVM itself from a hosts file the test rewrites
   * ({@code jdk.net.hosts.file}): the JVM's own cache of the old answer (the probe keeps it 5 s)
   * and the pending connect to the vanished address both end within seconds. Without the probe's
   * links and short cache this takes the kernel's SYN retries (about 127 s).
   */
  @Test
  void theProbeProcessFollowsANameThroughTheJvmsResolver(@TempDir Path dir) throws Exception {
    int port = Ports.free();
    Path hosts = dir.resolve("hosts");
    HostsFile.write(hosts, NAME, OLD);
    try (Blackhole vanished = new Blackhole(OLD, port);
        Replica replacement = new Replica(NEW, port);
        Exec probe =
            Exec.start(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m",
                    "-Djdk.net.hosts.file=" + hosts,
                    "-cp",
                    System.getProperty("java.class.path"),
                    "io.zeromesh.broker.Main",
                    "probe",
                    "rep",
                    "--endpoint=tcp://" + NAME + ":" + port,
                    "--identity=moving",
                    "--timeout-s=80"),
                Map.of())) {
      awaitConnecting(probe::stderr, OLD, port);
      assertFalse(replacement.answered(Duration.ofSeconds(1)), probe::describe);
      HostsFile.write(hosts, NAME, NEW);
      long moved = System.nanoTime();
      // The JVM's cache (5 s from the probe's first lookup) + one connect timeout (3 s) + one
      // handshake stall (3 s) + slack; without the fix the kernel's SYN retries, about 127 s.
      assertTrue(replacement.answered(Duration.ofSeconds(20)), probe::describe);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - moved);
      // SIGTERM: the summary is printed, the JVM exits 143 as on any SIGTERM.
      assertEquals(143, probe.terminate(Duration.ofSeconds(15)), probe::describe);
      ProbeSummary summary = probe.summary();
      assertTrue(summary.number("reconnects") >= 1, summary::toString);
      assertTrue(summary.received() >= 1, summary::toString);
      System.err.println("probe process at the new address " + tookMs + " ms after the move");
    }
  }

  @Test
  void duplicatesAreCountedExactlyAndGapsOverDistinctNumbers() {
    ProbeStats sub = new ProbeStats("sub", null);
    for (long seq : new long[] {1, 2, 2, 3, 5, 5, 5, 6}) {
      sub.received(new ProbePayload(7, seq, 1000 * seq).encode(40), null, true);
    }
    sub.received(new ProbePayload(8, 1, ProbePayload.nowMicros()).encode(40), null, true);
    sub.received(new ProbePayload(8, 1, ProbePayload.nowMicros()).encode(40), null, true);
    assertEquals(10, sub.received());
    assertEquals(4, sub.duplicates());
    // Stream 7: 1..6 without 4. Counted by arrivals (range 6 - 8 arrived) the duplicates would
    // have hidden the gap.
    assertEquals(1, sub.gaps());
    assertEquals(1, sub.lost());
    ProbeSummary json = ProbeSummary.parse(sub.toJson(true));
    assertEquals(4, json.number("duplicates"));
    assertEquals(1, json.number("gaps"));
    // The gap placed in time: after 3 (sent at 3000 us), before 5 (5000 us).
    assertEquals(1, sub.gapSpans().size());
    assertEquals(
        List.of(3L, 5L, 3000L, 5000L),
        java.util.Arrays.stream(sub.gapSpans().get(0)).boxed().toList());
    assertTrue(json.line().contains("\"gapSpans\":[[3,5,3000,5000]]"), json.line());
  }

  /** Waits until the probe is connecting (or connected) to {@code at}: it resolved the name. */
  private static void awaitConnecting(
      java.util.function.Supplier<String> stderr, InetAddress at, int port) {
    String line = "connecting tcp://" + NAME + ":" + port + " at tcp://" + at.getHostAddress();
    await("probe connecting at " + at)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> stderr.get().contains(line));
  }

  private static InProcessProbe rep(Names names, int port, String timeoutFlag) {
    return InProcessProbe.start(
        names,
        "rep",
        "--endpoint=tcp://" + NAME + ":" + port,
        "--identity=moving",
        "--count=0",
        "--timeout-s=60",
        timeoutFlag);
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
