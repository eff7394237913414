package io.zeromesh.broker.device;

import io.zeromesh.broker.admin.AdminTarget;
import io.zeromesh.broker.engine.ZmtpDevice;
import io.zeromesh.broker.log.Log;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Starts devices in-process on free 127.0.0.1 ports for tests. */
final class TestDevices {
  static final Log LOG =
      new Log(
          new PrintStream(System.err, true),
          false,
          Log.Level.valueOf(System.getProperty("zeromesh.test.log", "WARN")));
  private static final Set<Integer> handedOut = new HashSet<>();

  private TestDevices() {}

  /** A port free now on 127.0.0.1, never handed out twice by this JVM. */
  static synchronized int freePort() {
    for (int i = 0; i < 50; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        int port = s.getLocalPort();
        if (handedOut.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free port");
  }

  /** A running device on 127.0.0.1. */
  record Running(
      AdminTarget device,
      java.util.function.BooleanSupplier stop,
      int frontend,
      int backend,
      int admin)
      implements AutoCloseable {
    String frontendEndpoint() {
      return "tcp://127.0.0.1:" + frontend;
    }

    String backendEndpoint() {
      return "tcp://127.0.0.1:" + backend;
    }

    DeviceMetrics metrics() {
      return device.metrics();
    }

    @Override
    public void close() {
      shutdown();
    }

    boolean shutdown() {
      return stop.getAsBoolean();
    }
  }

  static Running start(String mode, String... extraArgs) {
    int frontend = freePort();
    int backend = freePort();
    int admin = freePort();
    List<String> args = new ArrayList<>();
    args.add("--frontend-port=" + frontend);
    args.add("--backend-port=" + backend);
    args.add("--admin-port=" + admin);
    args.add("--bind-address=127.0.0.1");
    args.add("--linger-ms=0");
    args.addAll(List.of(extraArgs));
    DeviceConfig config = DeviceConfig.parse(mode, args, Map.of());
    ZmtpDevice d = ZmtpDevice.start(config, LOG);
    return new Running(d, d::shutdown, frontend, backend, admin);
  }
}
