package io.zeromesh.broker.device;

import io.zeromesh.broker.admin.AdminServer;
import io.zeromesh.broker.admin.AdminTarget;
import io.zeromesh.broker.engine.ZmtpDevice;
import io.zeromesh.broker.log.Log;
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
  private DeviceMain() {}

  /** A started device of either engine, as this class drives it. */
  private record Running(
      AdminTarget admin, BooleanSupplier shutdown, Supplier<Throwable> failure) {}

  public static int run(String mode, List<String> args, Map<String, String> env) {
    if (args.contains("--help") || args.contains("-h")) {
      System.out.print(DeviceConfig.help(mode));
      return 0;
    }
    DeviceConfig config = DeviceConfig.parse(mode, args, env);
    Log log = Log.stderr(config.logFormat, config.logLevel);
    log.info("config", config.describe());
    Running device;
    try {
      if (config.engine() == DeviceConfig.Engine.ZMTP) {
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
        config.engine().id());
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
}
