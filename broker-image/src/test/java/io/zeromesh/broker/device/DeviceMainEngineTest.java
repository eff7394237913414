package io.zeromesh.broker.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.config.ConfigException;
import io.zeromesh.broker.device.DeviceConfig.Engine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --engine} comes from the flag table like every other flag: flag, then environment. */
class DeviceMainEngineTest {
  static Engine engine(List<String> args, Map<String, String> env) {
    return DeviceConfig.parse("streamer", args, env).engine();
  }

  @Test
  void theEngineComesFromTheFlagThenTheEnvironment() {
    assertEquals(
        Engine.ZMTP, engine(List.of("--engine=zmtp"), Map.of("ZEROMESH_ENGINE", "jeromq")));
    assertEquals(
        Engine.JEROMQ, engine(List.of("--engine", "jeromq"), Map.of("ZEROMESH_ENGINE", "zmtp")));
    assertEquals(Engine.ZMTP, engine(List.of(), Map.of("ZEROMESH_ENGINE", "zmtp")));
    assertEquals(Engine.ZMTP, engine(List.of(), Map.of()));
  }

  @Test
  void aBadEngineIsAConfigErrorNamingTheFlag() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> engine(List.of("--engine=zmq"), Map.of()));
    assertTrue(e.getMessage().contains("--engine"), e.getMessage());
    assertTrue(e.getMessage().contains("ZEROMESH_ENGINE"), e.getMessage());
    assertThrows(ConfigException.class, () -> engine(List.of("--engine"), Map.of()));
  }
}
