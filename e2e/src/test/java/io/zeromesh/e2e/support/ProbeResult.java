package io.zeromesh.e2e.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one probe run reported: its exit code and its final JSON line ({@code
 * {"mode":..,"sent":..,"received":..,"lost":..,"peers":{..}}}, docs/contracts.md).
 */
public final class ProbeResult {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final int exitCode;
  private final Map<String, Object> summary;
  private final String log;

  ProbeResult(String name, int exitCode, Map<String, Object> summary, String log) {
    this.name = name;
    this.exitCode = exitCode;
    this.summary = summary;
    this.log = log;
  }

  /** Parses the last line of a probe log that is a JSON object with a {@code mode}. */
  static Optional<Map<String, Object>> parseSummary(String log) {
    List<String> lines = log == null ? List.of() : log.lines().toList();
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i).trim();
      if (!line.startsWith("{")) {
        continue;
      }
      try {
        Map<String, Object> parsed = JSON.readValue(line, new TypeReference<>() {});
        if (parsed.containsKey("mode")) {
          return Optional.of(parsed);
        }
      } catch (Exception notTheSummary) {
        // a log line that is not the summary: keep looking upwards
      }
    }
    return Optional.empty();
  }

  public String name() {
    return name;
  }

  public int exitCode() {
    return exitCode;
  }

  public String log() {
    return log;
  }

  public Map<String, Object> summary() {
    return summary;
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

  /** req: requests sent again after a request timeout (lazy pirate retries). */
  public long resent() {
    return number("resent");
  }

  /** Messages that arrived more than once (the probe remembers each sequence number it saw). */
  public long duplicates() {
    return number("duplicates");
  }

  /**
   * Where a sender's sequence jumped forward at this receiver: {@code [before, after, sentBeforeUs,
   * sentAfterUs]} each (docs/contracts.md, probe summary).
   */
  public List<long[]> gapSpans() {
    Object raw = summary.get("gapSpans");
    if (!(raw instanceof List<?> list)) {
      throw new AssertionError("probe " + name + " reported no gapSpans in " + summary);
    }
    return list.stream()
        .map(span -> ((List<?>) span).stream().mapToLong(n -> ((Number) n).longValue()).toArray())
        .toList();
  }

  /** Replies per responder identity (req mode), or whatever per-peer counts the mode reports. */
  public Map<String, Long> peers() {
    Map<String, Long> peers = new TreeMap<>();
    Object raw = summary.get("peers");
    if (raw instanceof Map<?, ?> map) {
      map.forEach((k, v) -> peers.put(String.valueOf(k), ((Number) v).longValue()));
    }
    return peers;
  }

  /** A numeric field of the summary; fails, naming the probe, when it is missing. */
  public long number(String field) {
    Object value = summary.get(field);
    if (!(value instanceof Number)) {
      throw new AssertionError(
          "probe " + name + " reported no numeric '" + field + "' in " + summary + "\n" + log);
    }
    return ((Number) value).longValue();
  }

  @Override
  public String toString() {
    return name + " exit=" + exitCode + " " + summary;
  }
}
