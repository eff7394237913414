package io.zeromesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** The daemon as the image runs it: a process, its stderr log, its exit code. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MainProcessTest {
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Process launch(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("ZEROMESH_"));
    return pb.start();
  }

  /** Collects stderr lines on a thread so the process never blocks on a full pipe. */
  private static BlockingQueue<String> lines(Process p) {
    BlockingQueue<String> q = new LinkedBlockingQueue<>();
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  q.add(line);
                }
              } catch (IOException ignored) {
                // process gone
              }
            });
    t.setDaemon(true);
    t.start();
    return q;
  }

  private static String awaitLine(BlockingQueue<String> q, String needle) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<String> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      String line = q.poll(500, TimeUnit.MILLISECONDS);
      if (line != null) {
        seen.add(line);
        if (line.contains(needle)) {
          return line;
        }
      }
    }
    throw new AssertionError("no line with '" + needle + "' in " + seen);
  }

  @Test
  void queueRunsAnswersAndExitsZeroOnSigterm() throws Exception {
    int front = freePort();
    int back = freePort();
    int admin = freePort();
    Process p =
        launch(
            "queue",
            "--frontend-port=" + front,
            "--backend-port",
            "" + back,
            "--admin-port=" + admin,
            "--admin-bind-address=127.0.0.1",
            "--bind-address=127.0.0.1",
            "--shutdown-timeout-ms=3000");
    try {
      BlockingQueue<String> log = lines(p);
      String ready = awaitLine(log, "event=ready");
      assertTrue(
          ready.contains(
              "mode=queue frontend=tcp://127.0.0.1:"
                  + front
                  + " backend=tcp://127.0.0.1:"
                  + back
                  + " admin="
                  + admin),
          ready);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> readyz =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/readyz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, readyz.statusCode());
      try (ZContext ctx = new ZContext()) {
        ZMQ.Socket worker = ctx.createSocket(SocketType.REP);
        worker.setReceiveTimeOut(10_000);
        worker.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
        worker.connect("tcp://127.0.0.1:" + back);
        ZMQ.Socket client = ctx.createSocket(SocketType.REQ);
        client.setReceiveTimeOut(10_000);
        client.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
        client.connect("tcp://127.0.0.1:" + front);
        client.send("ping");
        assertEquals("ping", worker.recvStr());
        worker.send("pong");
        assertEquals("pong", client.recvStr());
      }
      long start = System.nanoTime();
      p.toHandle().destroy(); // SIGTERM, keeping our end of its stderr open
      assertTrue(p.waitFor(10, TimeUnit.SECONDS), "no exit within 10 s of SIGTERM");
      assertEquals(0, p.exitValue());
      assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 3000 + 2000);
      assertTrue(awaitLine(log, "event=device_stopped").contains("in_time=true"));
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void badFlagsExitTwoWithOneLineNamingTheFlag() throws Exception {
    Process p = launch("forwarder", "--upstream=http://nope", "--admin-port=1");
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue());
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.contains("--upstream"), err);

    Process unknown = launch("streamer", "--welcome-message=hi");
    assertTrue(unknown.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, unknown.exitValue());
    String err2 = new String(unknown.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(err2.contains("unknown flag --welcome-message"), err2);
  }

  @Test
  void portInUseIsARuntimeFailure() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Process p =
          launch(
              "streamer",
              "--frontend-port=" + taken.getLocalPort(),
              "--backend-port=" + freePort(),
              "--admin-port=" + freePort());
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(1, p.exitValue(), err);
      assertTrue(err.contains("event=start_failed"), err);
    }
  }

  @Test
  void helpListsEveryFlagOfTheModeWithItsEnvironmentName() throws Exception {
    Process p = launch("forwarder", "--help");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
    for (String flag :
        List.of(
            "frontend-port",
            "backend-port",
            "bind-address",
            "admin-port",
            "admin-bind-address",
            "sndhwm",
            "rcvhwm",
            "linger-ms",
            "heartbeat-ivl-ms",
            "heartbeat-timeout-ms",
            "heartbeat-ttl-ms",
            "tcp-keepalive",
            "max-msg-size",
            "curve",
            "curve-key-dir",
            "curve-allowed-clients-dir",
            "log-format",
            "log-level",
            "shutdown-timeout-ms",
            "upstream",
            "last-value-cache",
            "welcome-message",
            "min-subscribers",
            "start-gate-buffer")) {
      assertTrue(
          out.contains("--" + flag + "=") || out.contains("--" + flag + "[="),
          flag + " missing from\n" + out);
    }
    assertTrue(out.contains("ZEROMESH_START_GATE_BUFFER"), out);
    assertTrue(out.contains("default 5557"), out);
  }
}
