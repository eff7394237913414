package io.zeromesh.broker.probe;

import io.zeromesh.broker.config.ConfigException;
import java.util.List;
import java.util.Map;

/** The probe client. Being written: see docs/contracts.md. */
public final class ProbeMain {
  private ProbeMain() {}

  public static int run(List<String> args, Map<String, String> env) {
    throw new ConfigException("probe is not available in this build yet");
  }
}
