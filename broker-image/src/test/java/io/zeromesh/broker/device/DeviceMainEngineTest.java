package io.zeromesh.broker.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceMainEngineTest {
  static List<String> args(String... a) {
    return new ArrayList<>(List.of(a));
  }

  @Test
  void theEngineComesFromTheFlagThenTheEnvironmentAndIsTakenOutOfTheArguments() {
    List<String> a = args("--sndhwm=5", "--engine=zmtp");
    assertEquals("zmtp", DeviceMain.engine(a, Map.of("ZEROMESH_ENGINE", "jeromq")));
    assertEquals(List.of("--sndhwm=5"), a);
    List<String> b = args("--engine", "jeromq", "--sndhwm=5");
    assertEquals("jeromq", DeviceMain.engine(b, Map.of("ZEROMESH_ENGINE", "zmtp")));
    assertEquals(List.of("--sndhwm=5"), b);
    assertEquals("zmtp", DeviceMain.engine(args(), Map.of("ZEROMESH_ENGINE", "zmtp")));
    assertEquals("jeromq", DeviceMain.engine(args(), Map.of()));
  }

  @Test
  void aBadEngineIsAConfigErrorNamingTheFlag() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> DeviceMain.engine(args("--engine=zmq"), Map.of()));
    assertTrue(e.getMessage().contains("--engine (ZEROMESH_ENGINE)"), e.getMessage());
    assertThrows(ConfigException.class, () -> DeviceMain.engine(args("--engine"), Map.of()));
  }
}
