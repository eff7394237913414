package io.zeromesh.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeResultTest {
  @Test
  void summaryIsTheLastJsonLineWithAMode() {
    String log =
        String.join(
            "\n",
            "2026-11-22 05:00:00 INFO probe req connecting to tcp://rr.ns.svc:5559",
            "{\"level\":\"info\",\"msg\":\"a JSON log line, not the summary\"}",
            "{\"mode\":\"req\",\"sent\":600,\"received\":598,\"lost\":2,\"msgsPerSec\":812.5,"
                + "\"peers\":{\"rr-workers-a\":300,\"rr-workers-b\":298}}",
            "");
    ProbeResult result =
        new ProbeResult("client", 0, ProbeResult.parseSummary(log).orElseThrow(), log);
    assertEquals(600, result.sent());
    assertEquals(598, result.received());
    assertEquals(2, result.lost());
    assertEquals(Map.of("rr-workers-a", 300L, "rr-workers-b", 298L), result.peers());
  }

  @Test
  void duplicatesAndGapSpansAreRead() {
    String log =
        "{\"mode\":\"sub\",\"received\":7,\"gaps\":3,\"duplicates\":1,"
            + "\"gapSpans\":[[3,5,3000,5000],[9,12,9000,12000]]}\n";
    ProbeResult r = new ProbeResult("sub", 0, ProbeResult.parseSummary(log).orElseThrow(), log);
    assertEquals(1, r.duplicates());
    assertEquals(2, r.gapSpans().size());
    assertEquals(
        java.util.List.of(9L, 12L, 9000L, 12000L),
        java.util.Arrays.stream(r.gapSpans().get(1)).boxed().toList());
  }

  @Test
  void laterSummaryWinsAndGarbageIsSkipped() {
    String log =
        "{\"mode\":\"sub\",\"received\":1}\n{\"mode\":\"sub\",\"received\":7}\n{not json\n";
    assertEquals(
        7, ((Number) ProbeResult.parseSummary(log).orElseThrow().get("received")).intValue());
  }

  @Test
  void noSummaryIsEmpty() {
    assertTrue(ProbeResult.parseSummary("Exception in thread main\n").isEmpty());
    assertTrue(ProbeResult.parseSummary(null).isEmpty());
  }

  @Test
  void missingFieldFailsNamingTheProbe() {
    ProbeResult result = new ProbeResult("sink", 1, Map.of("mode", "pull"), "log");
    AssertionError e = assertThrows(AssertionError.class, result::received);
    assertTrue(e.getMessage().contains("sink") && e.getMessage().contains("received"));
    assertTrue(result.peers().isEmpty());
  }
}
