package io.zeromesh.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagTableTest {
  static final Flag<Integer> PORT = Flag.port("frontend-port", 5559, "frontend");
  static final Flag<Integer> HWM = Flag.integer("sndhwm", 1000, 0, Integer.MAX_VALUE, "hwm");
  static final Flag<Integer> LINGER = Flag.integer("linger-ms", 1000, -1, 10_000, "linger");
  static final Flag<Boolean> CURVE = Flag.bool("curve", false, "curve");
  static final Flag<Boolean> CACHE = Flag.bool("last-value-cache", true, "cache");
  static final Flag<String> FORMAT = Flag.choice("log-format", "plain", "format", "plain", "json");
  static final Flag<String> NAME = Flag.text("identity", null, "name");
  static final Flag<List<String>> UP =
      Flag.list("upstream", "\\s+", false, "E", "upstreams", raw -> raw)
          .env("ZEROMESH_UPSTREAMS", "ZEROMESH_UPSTREAM");
  static final Flag<List<String>> ENDPOINTS =
      Flag.list("endpoint", "[,\\s]+", true, "E", "endpoints", raw -> raw);

  static final FlagTable TABLE =
      new FlagTable(
          "test [flags]",
          "a table",
          "ARG",
          List.of(PORT, HWM, LINGER, CURVE, CACHE, FORMAT, NAME, UP, ENDPOINTS));
  static final FlagTable NO_ARGS = new FlagTable("test", "no positional", null, List.of(PORT));

  private static String error(FlagTable table, List<String> args, Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> table.parse(args, env)).getMessage();
  }

  @Test
  void commandLineWinsOverEnvironmentWhichWinsOverDefault() {
    FlagTable.Values v =
        TABLE.parse(
            List.of("pub", "--frontend-port=6000", "--sndhwm", "50"),
            Map.of("ZEROMESH_FRONTEND_PORT", "7000", "ZEROMESH_LINGER_MS", "-1"));
    assertEquals(List.of("pub"), v.positional());
    assertEquals(6000, v.get(PORT));
    assertEquals(50, v.get(HWM));
    assertEquals(-1, v.get(LINGER));
    assertTrue(v.has(LINGER));
    assertFalse(v.has(FORMAT));
    assertEquals("plain", v.get(FORMAT));
    assertNull(v.get(NAME));
  }

  @Test
  void aBadEnvironmentValueIsIgnoredWhenTheCommandLineHasTheFlag() {
    FlagTable.Values v = TABLE.parse(List.of("--sndhwm=5"), Map.of("ZEROMESH_SNDHWM", "lots"));
    assertEquals(5, v.get(HWM));
    assertEquals(
        "invalid value 'lots' for --sndhwm (ZEROMESH_SNDHWM): expected a whole number from 0 to "
            + Integer.MAX_VALUE,
        error(TABLE, List.of(), Map.of("ZEROMESH_SNDHWM", "lots")));
  }

  @Test
  void bareBooleanIsTrueAndBooleansAreStrict() {
    FlagTable.Values v = TABLE.parse(List.of("--curve", "--last-value-cache=off"), Map.of());
    assertTrue(v.get(CURVE));
    assertFalse(v.get(CACHE));
    assertFalse(TABLE.parse(List.of("--curve", "false"), Map.of()).get(CURVE));
    assertTrue(TABLE.parse(List.of(), Map.of("ZEROMESH_CURVE", "yes")).get(CURVE));
    assertEquals(
        "invalid value 'maybe' for --curve (ZEROMESH_CURVE): expected true or false",
        error(TABLE, List.of("--curve=maybe"), Map.of()));
  }

  @Test
  void negativeNumbersAreValuesAndRangesAreChecked() {
    assertEquals(-1, TABLE.parse(List.of("--linger-ms", "-1"), Map.of()).get(LINGER));
    assertEquals(
        "invalid value '-2' for --linger-ms (ZEROMESH_LINGER_MS): expected a number from -1 to"
            + " 10000",
        error(TABLE, List.of("--linger-ms=-2"), Map.of()));
    assertTrue(error(TABLE, List.of("--frontend-port=70000"), Map.of()).contains("1 to 65535"));
  }

  @Test
  void repeatableFlagsKeepOrderAndSplitTheEnvironment() {
    assertEquals(
        List.of("tcp://a:1", "tcp://b:2 c"),
        TABLE
            .parse(List.of("--upstream", "tcp://a:1", "--upstream=tcp://b:2 c"), Map.of())
            .get(UP));
    assertEquals(
        List.of("tcp://a:1|x,y", "tcp://b:2"),
        TABLE.parse(List.of(), Map.of("ZEROMESH_UPSTREAMS", " tcp://a:1|x,y\ntcp://b:2 ")).get(UP));
    assertEquals(List.of("x"), TABLE.parse(List.of(), Map.of("ZEROMESH_UPSTREAM", "x")).get(UP));
    assertEquals(
        List.of("tcp://a:1", "tcp://b:2", "tcp://c:3"),
        TABLE
            .parse(List.of("--endpoint=tcp://a:1,tcp://b:2", "--endpoint", "tcp://c:3"), Map.of())
            .get(ENDPOINTS));
    assertEquals(
        List.of("tcp://a:1", "tcp://b:2"),
        TABLE.parse(List.of(), Map.of("ZEROMESH_ENDPOINT", "tcp://a:1, tcp://b:2")).get(ENDPOINTS));
  }

  @Test
  void theLastOfARepeatedSingleFlagWins() {
    assertEquals(2, TABLE.parse(List.of("--sndhwm=1", "--sndhwm=2"), Map.of()).get(HWM).intValue());
  }

  @Test
  void unknownFlagsMissingValuesAndStrayArgumentsAreOneLine() {
    assertEquals(
        "unknown flag --frontend-prot (see --help)",
        error(TABLE, List.of("--frontend-prot=2"), Map.of()));
    assertEquals(
        "unexpected argument 'stray' (see --help)", error(NO_ARGS, List.of("stray"), Map.of()));
    assertEquals(
        "missing value for --sndhwm (ZEROMESH_SNDHWM): expected N (see --help)",
        error(TABLE, List.of("--sndhwm"), Map.of()));
    // A file name after @ is a value, not a file to read flags from.
    assertEquals(
        "invalid value '@/etc/passwd' for --sndhwm (ZEROMESH_SNDHWM): expected a whole number"
            + " from 0 to "
            + Integer.MAX_VALUE,
        error(TABLE, List.of("--sndhwm", "@/etc/passwd"), Map.of()));
  }

  @Test
  void choicesAreCaseInsensitive() {
    assertEquals("json", TABLE.parse(List.of("--log-format=JSON"), Map.of()).get(FORMAT));
    assertTrue(error(TABLE, List.of("--log-format=xml"), Map.of()).contains("one of plain, json"));
  }

  @Test
  void helpListsEveryFlagWithItsVariableAndDefault() {
    String help = TABLE.help();
    for (Flag<?> f : TABLE.flags()) {
      assertTrue(help.contains(f.option()), f + " in\n" + help);
      assertTrue(help.contains(f.envVar()), f.envVar() + " in\n" + help);
      assertTrue(help.contains("default " + f.shownDefault()), f + " default in\n" + help);
    }
    assertTrue(FlagTable.wantsHelp(List.of("x", "--help")));
    assertFalse(FlagTable.wantsHelp(List.of("--", "--help")));
  }
}
