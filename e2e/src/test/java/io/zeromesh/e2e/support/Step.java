package io.zeromesh.e2e.support;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** One line per step of a case, so a failed run reads as a story. */
public final class Step {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static volatile String current = "suite";

  private Step() {}

  static void enter(String caseName) {
    current = caseName;
  }

  public static void log(String format, Object... args) {
    System.out.printf(
        "[e2e %s] %s: %s%n", LocalTime.now().format(TIME), current, String.format(format, args));
    System.out.flush();
  }
}
