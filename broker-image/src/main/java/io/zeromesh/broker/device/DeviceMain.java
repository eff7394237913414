package io.zeromesh.broker.device;

import io.zeromesh.broker.admin.AdminServer;
import io.zeromesh.broker.engine.ZmtpDevice;
import io.zeromesh.broker.log.Log;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one device until SIGTERM (or SIGINT): validated config logged once, device and admin server
 * started, one {@code event=ready} line with the bound endpoints, then an ordered stop. Exit code 0
 * after a clean stop within {@code --shutdown-timeout-ms}, 1 when the device fails or the stop
 * overruns, 2 for bad configuration ({@link io.zeromesh.broker.config.ConfigException} thrown to
 * Main).
 */
public final class DeviceMain {
  private DeviceMain() {}

  public static int run(String mode, List<String> args, Map<String, String> env) {
    if (args.contains("--help") || args.contains("-h")) {
      System.out.print(DeviceConfig.help(mode));
      return 0;
    }
    DeviceConfig config = DeviceConfig.parse(mode, args, env);
    Log log = Log.stderr(config.logFormat, config.logLevel);
    log.info("config", config.describe());
    ZmtpDevice device;
    try {
      device = ZmtpDevice.start(config, log);
    } catch (DeviceException e) {
      log.error("start_failed", "error", e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      // Netty refusing an address or option at start: still a start failure, not a crash.
      log.error("start_failed", "error", e.toString());
      return 1;
    }
    AdminServer admin;
    try {
      admin = AdminServer.start(config.adminBindAddress, config.adminPort, device);
    } catch (DeviceException e) {
      log.error("start_failed", "error", e.getMessage());
      device.shutdown();
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
        config.adminPort);
    try {
      while (!stopRequested.await(200, TimeUnit.MILLISECONDS)) {
        if (!device.isAlive()) {
          log.error("device_died", "error", String.valueOf(device.failure()));
          admin.close();
          device.shutdown();
          return 1;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("stopping", "timeout_ms", config.shutdownTimeoutMs);
    admin.close();
    boolean inTime = device.shutdown();
    return inTime ? 0 : 1;
  }
}
