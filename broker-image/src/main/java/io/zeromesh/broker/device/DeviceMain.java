package io.zeromesh.broker.device;

import io.zeromesh.broker.config.ConfigException;
import java.util.List;
import java.util.Map;

/** Runs one device until SIGTERM. Being written: see docs/contracts.md. */
public final class DeviceMain {
  private DeviceMain() {}

  public static int run(String mode, List<String> args, Map<String, String> env) {
    throw new ConfigException("mode '" + mode + "' is not available in this build yet");
  }
}
