package io.zeromesh.broker.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.zeromesh.broker.device.DeviceException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The device's HTTP admin endpoints (JDK HTTP server, one small thread pool): {@code GET /healthz}
 * (200 while the device thread runs), {@code GET /readyz} (200 once both sockets are bound and the
 * device runs, 503 otherwise), {@code GET /metrics} (Prometheus text or OpenMetrics, by the client
 * library), {@code POST /pause} and {@code POST /resume}.
 */
public final class AdminServer implements AutoCloseable {
  private static final ExpositionFormats FORMATS = ExpositionFormats.init();
  private final HttpServer server;
  private final ExecutorService executor;

  private AdminServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Binds {@code address:port} and serves {@code device}. */
  public static AdminServer start(String address, int port, AdminTarget device) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(address, port), 16);
    } catch (IOException e) {
      throw new DeviceException(
          "cannot bind admin server " + address + ":" + port + " (--admin-port): " + e, e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "zeromesh-admin");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    probe(server, "/healthz", "GET", device::isAlive, "ok\n", "device stopped\n");
    probe(server, "/readyz", "GET", device::isReady, "ready\n", "not ready\n");
    server.createContext(
        "/metrics",
        ex -> {
          if (allow(ex, "GET")) {
            scrape(ex, device.metrics().registry());
          }
        });
    probe(server, "/pause", "POST", device::pause, "paused\n", "device not running\n");
    probe(server, "/resume", "POST", device::resume, "resumed\n", "device not running\n");
    server.start();
    return new AdminServer(server, executor);
  }

  /**
   * An endpoint answering 200 with {@code ok} when {@code check} holds, else 503 with {@code
   * failed}.
   */
  private static void probe(
      HttpServer server,
      String path,
      String method,
      java.util.function.BooleanSupplier check,
      String ok,
      String failed) {
    server.createContext(
        path,
        ex -> {
          if (allow(ex, method)) {
            boolean holds = check.getAsBoolean();
            reply(ex, holds ? 200 : 503, holds ? ok : failed, "text/plain");
          }
        });
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static boolean allow(HttpExchange ex, String method) throws IOException {
    boolean exact = ex.getRequestURI().getPath().equals(ex.getHttpContext().getPath());
    if (!exact) {
      reply(ex, 404, "not found\n", "text/plain");
      return false;
    }
    boolean ok =
        method.equals(ex.getRequestMethod())
            || ("GET".equals(method) && "HEAD".equals(ex.getRequestMethod()));
    if (!ok) {
      ex.getResponseHeaders().add("Allow", method);
      reply(ex, 405, "method not allowed\n", "text/plain");
    }
    return ok;
  }

  /**
   * The registry in the format the scraper asks for ({@code Accept}: OpenMetrics or Prometheus
   * text; Prometheus text 0.0.4 when it says nothing), written by the client library.
   */
  private static void scrape(HttpExchange ex, PrometheusRegistry registry) throws IOException {
    ExpositionFormatWriter writer = FORMATS.findWriter(ex.getRequestHeaders().getFirst("Accept"));
    ByteArrayOutputStream body = new ByteArrayOutputStream(4096);
    writer.write(body, registry.scrape());
    ex.getResponseHeaders().set("Content-Type", writer.getContentType());
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(200, head ? -1 : body.size());
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        body.writeTo(out);
      }
    }
    ex.close();
  }

  private static void reply(HttpExchange ex, int status, String body, String type)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
    ex.close();
  }
}
