package io.zeromesh.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.device.DeviceConfig;
import io.zeromesh.broker.device.DeviceConfig.Mode;
import io.zeromesh.broker.probe.ProbeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/contracts.md agrees with the flag tables in the code: the same flags per section, each with
 * its environment variable and its default as --help shows it.
 */
class FlagsContractTest {
  /** One documented row: the flag, its env cell, its default cell. */
  record Row(String flag, String env, String def) {}

  private static String contracts() throws IOException {
    Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    return Files.readString(base.resolve("../docs/contracts.md"), StandardCharsets.UTF_8);
  }

  /** The flag rows of every table between {@code from} and {@code to}, one list per table. */
  static List<Map<String, Row>> tables(String doc, String from, String to) {
    int start = doc.indexOf(from);
    int end = doc.indexOf(to, start);
    assertTrue(start >= 0 && end > start, "sections " + from + " .. " + to);
    List<Map<String, Row>> tables = new ArrayList<>();
    Map<String, Row> current = null;
    for (String line : doc.substring(start, end).split("\n")) {
      if (!line.startsWith("|")) {
        current = null;
        continue;
      }
      if (!line.startsWith("| `--")) {
        continue;
      }
      if (current == null) {
        current = new LinkedHashMap<>();
        tables.add(current);
      }
      // Cells are split on '|' that is not escaped as '\|'.
      String[] cells = line.substring(1).split("(?<!\\\\)\\|");
      String flag = cells[0].trim();
      flag = flag.substring(flag.indexOf("`--") + 3, flag.indexOf('`', flag.indexOf("`--") + 1));
      Row row = new Row(flag, cells[1].replace("`", "").trim(), cells[2].replace("`", "").trim());
      assertEquals(null, current.put(flag, row), "--" + flag + " documented twice");
    }
    return tables;
  }

  private static void assertRowsMatch(Map<String, Row> doc, List<Flag<?>> flags, String what) {
    Set<String> expected = new TreeSet<>();
    for (Flag<?> f : flags) {
      expected.add(f.name());
    }
    assertEquals(expected, new TreeSet<>(doc.keySet()), what + ": flags documented vs in code");
    for (Flag<?> f : flags) {
      Row row = doc.get(f.name());
      for (String env : f.envNames()) {
        assertTrue(row.env().contains(env), f + ": env cell '" + row.env() + "' names " + env);
      }
      assertTrue(row.env().startsWith(f.envVar()), f + ": env cell starts with " + f.envVar());
    }
  }

  private static void assertDefault(Row row, String shown, String what) {
    assertTrue(
        row.def().equals(shown) || List.of(row.def().split(", ")).contains(shown),
        what + " --" + row.flag() + ": documented default '" + row.def() + "', code " + shown);
  }

  @Test
  void daemonFlagTablesAreTheCodesTables() throws IOException {
    List<Map<String, Row>> tables = tables(contracts(), "## Broker daemon", "### Probe");
    assertEquals(2, tables.size(), "common flags, forwarder only");
    Map<String, Row> common = tables.get(0);
    Map<String, Row> forwarderOnly = tables.get(1);
    Map<Mode, List<Flag<?>>> byMode = new LinkedHashMap<>();
    for (Mode m : Mode.values()) {
      byMode.put(m, DeviceConfig.flags(m).flags());
    }
    List<Flag<?>> inEveryMode = new ArrayList<>(byMode.get(Mode.QUEUE));
    for (List<Flag<?>> flags : byMode.values()) {
      inEveryMode.retainAll(flags);
    }
    List<Flag<?>> forwarderFlags = new ArrayList<>(byMode.get(Mode.FORWARDER));
    forwarderFlags.removeAll(inEveryMode);
    assertEquals(inEveryMode, byMode.get(Mode.QUEUE), "queue has no flags of its own");
    assertEquals(inEveryMode, byMode.get(Mode.STREAMER), "streamer has no flags of its own");
    assertRowsMatch(common, inEveryMode, "daemon");
    assertRowsMatch(forwarderOnly, forwarderFlags, "forwarder only");
    for (Map.Entry<Mode, List<Flag<?>>> e : byMode.entrySet()) {
      for (Flag<?> f : e.getValue()) {
        Row row = common.containsKey(f.name()) ? common.get(f.name()) : forwarderOnly.get(f.name());
        assertNotNull(row, f.toString());
        boolean perMode = row.def().contains(e.getKey().id() + " ");
        assertDefault(
            row,
            perMode ? e.getKey().id() + " " + f.shownDefault() : f.shownDefault(),
            e.getKey().id());
      }
    }
  }

  @Test
  void probeFlagTableIsTheCodesTable() throws IOException {
    List<Map<String, Row>> tables = tables(contracts(), "### Probe", "### Metrics");
    assertEquals(1, tables.size(), "one probe table");
    List<Flag<?>> flags = ProbeConfig.flags().flags();
    assertRowsMatch(tables.get(0), flags, "probe");
    for (Flag<?> f : flags) {
      assertDefault(tables.get(0).get(f.name()), f.shownDefault(), "probe");
    }
  }

  @Test
  void helpShowsWhatTheContractShows() {
    for (Mode m : Mode.values()) {
      String help = DeviceConfig.help(m.id());
      for (Flag<?> f : DeviceConfig.flags(m).flags()) {
        assertTrue(help.contains(f.option()), m + " --help lists " + f);
        assertTrue(help.contains(f.envVar()), m + " --help names " + f.envVar());
      }
      assertFalse(
          m != Mode.FORWARDER && help.contains("--upstream"), m + " has no forwarder flags");
    }
  }
}
