package io.zeromesh.broker.device;

import io.zeromesh.broker.admin.AdminServer;
import io.zeromesh.broker.admin.AdminTarget;
import io.zeromesh.broker.config.ConfigException;
import io.zeromesh.broker.engine.ZmtpDevice;
import io.zeromesh.broker.log.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs one device until SIGTERM (or SIGINT): validated config logged once, device and admin server
 * started, one {@code event=ready} line with the bound endpoints, then an ordered stop. Exit code 0
 * after a clean stop within {@code --shutdown-timeout-ms}, 1 when the device fails or the stop
 * overruns, 2 for bad configuration ({@link io.zeromesh.broker.config.ConfigException} thrown to
 * Main).
 */
public final class DeviceMain {
  /** {@code --engine} / {@code ZEROMESH_ENGINE}: which engine runs the device. */
  static final String ENGINE_FLAG = "--engine";

  static final String ENGINE_ENV = "ZEROMESH_ENGINE";
  static final String ENGINE_HELP =
      "  --engine                      ZEROMESH_ENGINE                      default jeromq\n"
          + "      jeromq (JeroMQ devices) or zmtp (the ZMTP engine on Netty)\n";

  private DeviceMain() {}

  /** A started device of either engine, as this class drives it. */
  private record Running(
      AdminTarget admin, BooleanSupplier shutdown, Supplier<Throwable> failure) {}

  public static int run(String mode, List<String> args, Map<String, String> env) {
    if (args.contains("--help") || args.contains("-h")) {
      System.out.print(DeviceConfig.help(mode));
      System.out.print(ENGINE_HELP);
      return 0;
    }
    List<String> rest = new ArrayList<>(args);
    String engine = engine(rest, env);
    DeviceConfig config = DeviceConfig.parse(mode, rest, env);
    Log log = Log.stderr(config.logFormat, config.logLevel);
    log.info("config", config.describe());
    Running device;
    try {
      if (engine.equals("zmtp")) {
        ZmtpDevice d = ZmtpDevice.start(config, log);
        device = new Running(d, d::shutdown, d::failure);
      } else {
        Device d = Device.start(config, log);
        device = new Running(AdminTarget.of(d), d::shutdown, d::failure);
      }
    } catch (DeviceException e) {
      log.error("start_failed", "error", e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      // JeroMQ refusing an endpoint or option at start: still a start failure, not a crash.
      log.error("start_failed", "error", e.toString());
      return 1;
    }
    AdminServer admin;
    try {
      admin = AdminServer.start(config.adminBindAddress, config.adminPort, device.admin());
    } catch (DeviceException e) {
      log.error("start_failed", "error", e.getMessage());
      device.shutdown().getAsBoolean();
      return 1;
    }
    CountDownLatch stopRequested = new CountDownLatch(1);
    Signals.onTermination(stopRequested::countDown);
    log.info(
        "ready",
        "mode",
        config.mode.id(),
        "frontend",
        config.frontendEndpoint(),
        "backend",
        config.backendEndpoint(),
        "admin",
        config.adminPort,
        "engine",
        engine);
    try {
      while (!stopRequested.await(200, TimeUnit.MILLISECONDS)) {
        if (!device.admin().isAlive()) {
          log.error("device_died", "error", String.valueOf(device.failure().get()));
          admin.close();
          device.shutdown().getAsBoolean();
          return 1;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("stopping", "timeout_ms", config.shutdownTimeoutMs);
    admin.close();
    boolean inTime = device.shutdown().getAsBoolean();
    return inTime ? 0 : 1;
  }

  /**
   * Takes {@code --engine=E} or {@code --engine E} out of {@code args} (the flag wins over {@code
   * ZEROMESH_ENGINE}); {@code jeromq} (default) or {@code zmtp}.
   */
  static String engine(List<String> args, Map<String, String> env) {
    String value = env.getOrDefault(ENGINE_ENV, "").trim();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals(ENGINE_FLAG)) {
        if (i + 1 >= args.size()) {
          throw new ConfigException("missing value for --engine (" + ENGINE_ENV + ")");
        }
        value = args.remove(i + 1);
        args.remove(i--);
      } else if (a.startsWith(ENGINE_FLAG + "=")) {
        value = a.substring(ENGINE_FLAG.length() + 1);
        args.remove(i--);
      }
    }
    if (value.isEmpty()) {
      return "jeromq";
    }
    if (!value.equals("jeromq") && !value.equals("zmtp")) {
      throw new ConfigException(
          "invalid value '" + value + "' for --engine (" + ENGINE_ENV + "): jeromq or zmtp");
    }
    return value;
  }
}
