package io.zeromesh.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagsTest {
  @Test
  void commandLineWinsOverEnvironmentWhichWinsOverDefault() {
    Flags flags =
        Flags.parse(
            List.of("queue", "--frontend-port=6000", "--sndhwm", "50"),
            Map.of("ZEROMESH_FRONTEND_PORT", "7000", "ZEROMESH_BACKEND_PORT", "7001"));
    assertEquals(List.of("queue"), flags.positional());
    assertEquals(6000, flags.port("frontend-port", 5559));
    assertEquals(7001, flags.port("backend-port", 5560));
    assertEquals(50, flags.intValue("sndhwm", 1000, 0, Integer.MAX_VALUE));
    assertEquals(1000, flags.intValue("rcvhwm", 1000, 0, Integer.MAX_VALUE));
  }

  @Test
  void bareFlagIsTrueAndBooleansAreStrict() {
    Flags flags = Flags.parse(List.of("--curve", "--last-value-cache=off"), Map.of());
    assertTrue(flags.bool("curve", false));
    assertFalse(flags.bool("last-value-cache", true));
    Flags bad = Flags.parse(List.of("--curve=maybe"), Map.of());
    ConfigException e = assertThrows(ConfigException.class, () -> bad.bool("curve", false));
    assertEquals(
        "invalid value 'maybe' for --curve (ZEROMESH_CURVE): expected true or false",
        e.getMessage());
  }

  @Test
  void numbersOutOfRangeNameTheFlag() {
    Flags flags = Flags.parse(List.of("--frontend-port=70000", "--linger-ms=x"), Map.of());
    assertTrue(
        assertThrows(ConfigException.class, () -> flags.port("frontend-port", 1))
            .getMessage()
            .contains("--frontend-port"));
    assertTrue(
        assertThrows(ConfigException.class, () -> flags.longValue("linger-ms", 0, 0, 10))
            .getMessage()
            .contains("a whole number"));
  }

  @Test
  void repeatableFlagsKeepOrderAndFallBackToPluralEnvironment() {
    Flags cli = Flags.parse(List.of("--upstream", "tcp://a:1", "--upstream=tcp://b:2"), Map.of());
    assertEquals(List.of("tcp://a:1", "tcp://b:2"), cli.list("upstream"));
    Flags env = Flags.parse(List.of(), Map.of("ZEROMESH_UPSTREAMS", " tcp://a:1|x,y\ntcp://b:2 "));
    assertEquals(List.of("tcp://a:1|x,y", "tcp://b:2"), env.list("upstream"));
  }

  @Test
  void unknownFlagsAreRejectedAfterReading() {
    Flags flags = Flags.parse(List.of("--frontend-port=1", "--frontend-prot=2"), Map.of());
    flags.port("frontend-port", 5559);
    ConfigException e = assertThrows(ConfigException.class, flags::rejectUnknown);
    assertEquals("unknown flag --frontend-prot (see --help)", e.getMessage());
  }

  @Test
  void choiceIsCaseInsensitive() {
    Flags flags = Flags.parse(List.of("--log-format=JSON"), Map.of());
    assertEquals("json", flags.choice("log-format", "plain", "plain", "json"));
    assertThrows(
        ConfigException.class,
        () ->
            Flags.parse(List.of("--log-format=xml"), Map.of())
                .choice("log-format", "plain", "plain", "json"));
  }
}
