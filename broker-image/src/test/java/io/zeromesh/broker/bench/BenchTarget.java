package io.zeromesh.broker.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the load passes through: our daemon, libzmq's zmq_proxy, or nothing (a direct pair). The
 * devices run as child processes on loopback ports, so their CPU time can be read from /proc.
 */
abstract class BenchTarget implements AutoCloseable {
  final String mode;
  final int frontendPort = freePort();
  final int backendPort = freePort();

  BenchTarget(String mode) {
    this.mode = mode;
  }

  abstract String label();

  /** The process whose CPU time is the device's, or -1 (direct pair). */
  abstract long pid();

  String frontend() {
    return "tcp://127.0.0.1:" + frontendPort;
  }

  String backend() {
    return "tcp://127.0.0.1:" + backendPort;
  }

  @Override
  public void close() {}

  /** Resident memory of the process, MiB (0 when there is no process). */
  double rssMiB() {
    return status("VmRSS:");
  }

  /** The most resident memory the process had so far, MiB (0 when there is no process). */
  double peakRssMiB() {
    return status("VmHWM:");
  }

  private double status(String field) {
    long pid = pid();
    if (pid < 0) {
      return 0;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException gone) {
      // the process ended
    }
    return 0;
  }

  /** CPU seconds (user + system) the process used so far; 0 when unknown. */
  double cpuSeconds() {
    long pid = pid();
    if (pid < 0) {
      return 0;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 14 and 15 of stat (utime, stime), counted from the state field (3) here
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * CPU seconds the process's JIT compiler threads used so far (HotSpot names them {@code C1
   * CompilerThreadN} and {@code C2 CompilerThreadN}); 0 when unknown.
   */
  double jitSeconds() {
    long pid = pid();
    if (pid < 0) {
      return 0;
    }
    long ticks = 0;
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String comm = Files.readString(t.resolve("comm"), StandardCharsets.US_ASCII);
          if (!comm.contains("CompilerThre")) {
            continue;
          }
          String stat = Files.readString(t.resolve("stat"), StandardCharsets.US_ASCII);
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException threadGone) {
          // a compiler thread that ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return ticks / (double) CLOCK_TICKS;
  }

  static final long CLOCK_TICKS = 100; // Linux USER_HZ on every mainstream kernel

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  /** No device: sender and receiver meet directly. */
  static final class Direct extends BenchTarget {
    Direct() {
      super("direct");
    }

    @Override
    String label() {
      return "direct pair";
    }

    @Override
    long pid() {
      return -1;
    }
  }

  /** A child process that is ended with SIGTERM (then SIGKILL) when closed. */
  abstract static class ChildProcess extends BenchTarget {
    Process process;
    Path log;

    ChildProcess(String mode) {
      super(mode);
    }

    void start(List<String> command) throws IOException {
      start(command, Map.of());
    }

    void start(List<String> command, Map<String, String> env) throws IOException {
      log = Files.createTempFile("zeromesh-bench-" + mode + "-", ".log");
      ProcessBuilder b =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      b.environment().putAll(env);
      process = b.start();
    }

    String logText() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }

    void failIfDead(String what) {
      if (!process.isAlive()) {
        throw new IllegalStateException(what + " exited: " + logText());
      }
    }

    @Override
    long pid() {
      return process.pid();
    }

    @Override
    public void close() {
      if (process == null) {
        return;
      }
      process.destroy();
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
      try {
        Files.deleteIfExists(log);
      } catch (IOException e) {
        // a temporary file
      }
    }
  }

  /**
   * Our daemon on the zmtp engine, as deployed: {@code Main <mode>} in its own JVM, default flags
   * (HWMs included) but the ports; {@code ZEROMESH_ENGINE=zmtp} in its environment.
   */
  static final class Ours extends ChildProcess {
    private final int adminPort = freePort();
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Ours(String mode) throws IOException, InterruptedException {
      super(mode);
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add("io.zeromesh.broker.Main");
      cmd.add(mode);
      cmd.add("--bind-address=127.0.0.1");
      cmd.add("--admin-bind-address=127.0.0.1");
      cmd.add("--frontend-port=" + frontendPort);
      cmd.add("--backend-port=" + backendPort);
      cmd.add("--admin-port=" + adminPort);
      cmd.add("--log-level=warn");
      start(cmd, Map.of("ZEROMESH_ENGINE", "zmtp"));
      HttpRequest ready =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/readyz"))
              .timeout(Duration.ofSeconds(2))
              .build();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        failIfDead("zeromesh " + mode);
        try {
          if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        if (System.nanoTime() > until) {
          close();
          throw new IllegalStateException("zeromesh " + mode + " not ready in 60 s: " + logText());
        }
        Thread.sleep(100);
      }
    }

    @Override
    String label() {
      return "zmtp";
    }

    /** The sum of {@code zeromesh_connected_peers} over both sockets, from {@code /metrics}. */
    int connectedPeers() throws IOException, InterruptedException {
      HttpRequest get =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
              .timeout(Duration.ofSeconds(5))
              .build();
      String text = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
      double sum = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith("zeromesh_connected_peers{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return (int) sum;
    }
  }

  /** libzmq's zmq_proxy with the same socket types (zmqbench proxy). */
  static final class ZmqProxy extends ChildProcess {
    ZmqProxy(String mode, Path zmqbench) throws IOException, InterruptedException {
      super(mode);
      start(List.of(zmqbench.toString(), "proxy", mode, frontend(), backend()));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!logText().contains("ready")) {
        failIfDead("zmq_proxy " + mode);
        if (System.nanoTime() > until) {
          close();
          throw new IllegalStateException("zmq_proxy " + mode + " not ready: " + logText());
        }
        Thread.sleep(20);
      }
    }

    @Override
    String label() {
      return "zmq_proxy";
    }
  }
}
