package io.zeromesh.operator.bench;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table of figures: what, measured, goal, verdict. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();

  Table row(String what, String measured) {
    return row(what, measured, "", "");
  }

  Table row(String what, String measured, String goal, String verdict) {
    rows.add(new String[] {what, measured, goal, verdict});
    return this;
  }

  Table section(String title) {
    rows.add(new String[] {title, null, null, null});
    return this;
  }

  String render() {
    String[] header = {"figure", "measured", "goal", "verdict"};
    int[] width = new int[4];
    for (int i = 0; i < 4; i++) {
      width[i] = header[i].length();
    }
    for (String[] row : rows) {
      if (row[1] == null) {
        continue;
      }
      for (int i = 0; i < 4; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    String format = "  %-" + width[0] + "s  %" + width[1] + "s  %-" + width[2] + "s  %s%n";
    StringBuilder out = new StringBuilder();
    out.append(String.format(format, (Object[]) header));
    int total = width[0] + width[1] + width[2] + width[3] + 8;
    out.append("  ").append("-".repeat(total)).append('\n');
    for (String[] row : rows) {
      if (row[1] == null) {
        out.append("  ").append(row[0]).append('\n');
      } else {
        out.append(String.format(format, (Object[]) row));
      }
    }
    return out.toString();
  }

  static String mib(long bytes) {
    return "%.1f MiB".formatted(bytes / (1024.0 * 1024.0));
  }

  static String seconds(double seconds) {
    return "%.1f s".formatted(seconds);
  }
}
