package io.zeromesh.broker.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A device daemon ({@code zeromesh-broker queue|forwarder|streamer}) as a child process on free
 * loopback ports, started and awaited ready ({@code /readyz} = 200), SIGTERM'd when closed.
 */
public final class DaemonProcess implements AutoCloseable {
  public static final Duration READY_BOUND = Duration.ofSeconds(30);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String mode;
  private final int frontendPort;
  private final int backendPort;
  private final int adminPort;
  private final Exec exec;

  private DaemonProcess(String mode, List<String> extraArgs, Map<String, String> env) {
    this.mode = mode;
    this.frontendPort = Ports.free();
    this.backendPort = Ports.free();
    this.adminPort = Ports.free();
    List<String> args = new ArrayList<>();
    args.add(mode);
    args.add("--frontend-port=" + frontendPort);
    args.add("--backend-port=" + backendPort);
    args.add("--admin-port=" + adminPort);
    args.add("--bind-address=127.0.0.1");
    args.add("--admin-bind-address=127.0.0.1");
    args.addAll(extraArgs);
    this.exec = Exec.broker(args, env);
  }

  /** Starts {@code mode} with {@code extraArgs} and waits (bounded) until it is ready. */
  public static DaemonProcess start(String mode, String... extraArgs) {
    return start(mode, List.of(extraArgs), Map.of());
  }

  public static DaemonProcess start(String mode, List<String> extraArgs, Map<String, String> env) {
    DaemonProcess daemon = new DaemonProcess(mode, extraArgs, env);
    try {
      await("readiness of " + mode)
          .atMost(READY_BOUND)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!daemon.exec.isAlive()) {
                  throw new AssertionError(
                      mode + " exited before it was ready:\n" + daemon.exec.describe());
                }
                return daemon.status("/readyz") == 200;
              });
    } catch (RuntimeException | AssertionError e) {
      daemon.close();
      throw e;
    }
    return daemon;
  }

  public String frontend() {
    return Ports.tcp(frontendPort);
  }

  public String backend() {
    return Ports.tcp(backendPort);
  }

  public int frontendPort() {
    return frontendPort;
  }

  public int backendPort() {
    return backendPort;
  }

  public int adminPort() {
    return adminPort;
  }

  public String mode() {
    return mode;
  }

  public boolean isAlive() {
    return exec.isAlive();
  }

  public Exec exec() {
    return exec;
  }

  /** The HTTP status of GET {@code path} on the admin port; -1 when it cannot connect. */
  public int status(String path) {
    try {
      return HTTP.send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The body of GET /metrics. */
  public String metrics() {
    try {
      return HTTP.send(request("/metrics"), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new AssertionError("GET /metrics of " + mode + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The value of the first sample of {@code metric} whose labels contain all of {@code labels}. */
  public double metric(String metric, String... labels) {
    for (String line : metrics().split("\n")) {
      if (line.startsWith("#") || !line.startsWith(metric)) {
        continue;
      }
      String rest = line.substring(metric.length());
      if (!rest.startsWith("{") && !rest.startsWith(" ")) {
        continue;
      }
      boolean all = true;
      for (String l : labels) {
        all &= rest.contains(l);
      }
      if (all) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
        .timeout(Duration.ofSeconds(5))
        .GET()
        .build();
  }

  @Override
  public void close() {
    exec.close();
  }

  /** SIGTERM and the exit code, bounded. */
  public int terminate() {
    return exec.terminate(Duration.ofSeconds(15));
  }
}
