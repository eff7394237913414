package io.zeromesh.broker.log;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;

/**
 * One line per event on stderr (stdout stays free for the probe's JSON result). Plain: {@code
 * <time> <LEVEL> event=<name> key=value ...}; JSON: one object per line with the same keys. Values
 * with spaces or quotes are quoted in plain format.
 */
public final class Log {
  /** Severity, lowest first. */
  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  private final PrintStream out;
  private final boolean json;
  private final Level threshold;

  public Log(PrintStream out, boolean json, Level threshold) {
    this.out = out;
    this.json = json;
    this.threshold = threshold;
  }

  /** The process logger: stderr, configured from {@code --log-format} and {@code --log-level}. */
  public static Log stderr(String format, String level) {
    return new Log(
        System.err, "json".equals(format), Level.valueOf(level.toUpperCase(Locale.ROOT)));
  }

  public boolean enabled(Level level) {
    return level.compareTo(threshold) >= 0;
  }

  public void debug(String event, Object... keyValues) {
    log(Level.DEBUG, event, keyValues);
  }

  public void info(String event, Object... keyValues) {
    log(Level.INFO, event, keyValues);
  }

  public void warn(String event, Object... keyValues) {
    log(Level.WARN, event, keyValues);
  }

  public void error(String event, Object... keyValues) {
    log(Level.ERROR, event, keyValues);
  }

  /** {@code keyValues} alternate key, value; a trailing odd key is ignored. */
  public void log(Level level, String event, Object... keyValues) {
    if (!enabled(level)) {
      return;
    }
    String line = json ? jsonLine(level, event, keyValues) : plainLine(level, event, keyValues);
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  static String plainLine(Level level, String event, Object... keyValues) {
    StringBuilder b = new StringBuilder(128);
    b.append(Instant.now()).append(' ').append(level).append(" event=").append(event);
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      b.append(' ').append(keyValues[i]).append('=');
      String v = String.valueOf(keyValues[i + 1]);
      if (v.isEmpty() || v.indexOf(' ') >= 0 || v.indexOf('"') >= 0 || v.indexOf('=') >= 0) {
        b.append('"').append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      } else {
        b.append(v);
      }
    }
    return b.toString();
  }

  static String jsonLine(Level level, String event, Object... keyValues) {
    StringBuilder b = new StringBuilder(160);
    b.append("{\"time\":\"").append(Instant.now()).append("\",\"level\":\"");
    b.append(level.name().toLowerCase(Locale.ROOT)).append("\",\"event\":");
    quote(b, event);
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      b.append(',');
      quote(b, String.valueOf(keyValues[i]));
      b.append(':');
      Object v = keyValues[i + 1];
      if (v instanceof Number || v instanceof Boolean) {
        b.append(v);
      } else {
        quote(b, String.valueOf(v));
      }
    }
    return b.append('}').toString();
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    b.append('"');
  }
}
