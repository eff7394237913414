package io.zeromesh.broker.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogTest {
  @Test
  void plainLinesQuoteValuesThatNeedIt() {
    String line = Log.plainLine(Log.Level.INFO, "ready", "mode", "queue", "note", "a b", "e", "");
    assertTrue(line.endsWith(" INFO event=ready mode=queue note=\"a b\" e=\"\""), line);
  }

  @Test
  void jsonLinesEscapeAndKeepNumbersBare() {
    String line = Log.jsonLine(Log.Level.WARN, "x", "n", 3, "s", "q\"\n", "ok", true);
    assertTrue(
        line.endsWith("\"level\":\"warn\",\"event\":\"x\",\"n\":3,\"s\":\"q\\\"\\n\",\"ok\":true}"),
        line);
  }

  @Test
  void levelsBelowTheThresholdAreDropped() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Log log = new Log(new PrintStream(buf, true, StandardCharsets.UTF_8), false, Log.Level.WARN);
    log.info("hidden");
    log.error("shown", "k", "v");
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(1, out.lines().count(), out);
    assertTrue(out.contains("ERROR event=shown k=v"), out);
  }
}
