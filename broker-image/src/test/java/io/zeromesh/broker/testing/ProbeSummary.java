package io.zeromesh.broker.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The probe's (and the Python peers') one-line JSON summary, parsed: flat numbers and booleans,
 * plus the {@code peers} object. Strict enough to fail on a malformed line.
 */
public record ProbeSummary(String line, Map<String, String> fields, Map<String, Long> peers) {
  private static final Pattern FIELD =
      Pattern.compile("\"([A-Za-z0-9]+)\":(\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9.]+|true|false|null)");
  private static final Pattern PEERS = Pattern.compile("\"peers\":\\{([^}]*)\\}");
  private static final Pattern PEER = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\":(\\d+)");

  /** Parses the single JSON line of {@code stdout}; fails unless there is exactly one. */
  public static ProbeSummary ofStdout(String stdout) {
    String[] lines = stdout.strip().split("\\R");
    if (lines.length != 1 || !lines[0].startsWith("{") || !lines[0].endsWith("}")) {
      throw new AssertionError("expected exactly one JSON line on stdout, got:\n" + stdout);
    }
    return parse(lines[0]);
  }

  public static ProbeSummary parse(String line) {
    Map<String, Long> peers = new TreeMap<>();
    Matcher pm = PEERS.matcher(line);
    String rest = line;
    if (pm.find()) {
      Matcher each = PEER.matcher(pm.group(1));
      while (each.find()) {
        peers.put(each.group(1), Long.parseLong(each.group(2)));
      }
      rest = line.substring(0, pm.start()) + line.substring(pm.end());
    }
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher m = FIELD.matcher(rest);
    while (m.find()) {
      String v = m.group(2);
      fields.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
    }
    if (!fields.containsKey("mode")) {
      throw new AssertionError("not a summary line (no mode): " + line);
    }
    return new ProbeSummary(line, fields, peers);
  }

  public long number(String field) {
    String v = fields.get(field);
    if (v == null) {
      throw new AssertionError("no field '" + field + "' in " + line);
    }
    return Math.round(Double.parseDouble(v));
  }

  public double decimal(String field) {
    String v = fields.get(field);
    if (v == null) {
      throw new AssertionError("no field '" + field + "' in " + line);
    }
    return Double.parseDouble(v);
  }

  public long sent() {
    return number("sent");
  }

  public long received() {
    return number("received");
  }

  public long lost() {
    return number("lost");
  }

  @Override
  public String toString() {
    return line;
  }
}
