package io.zeromesh.operator.bench;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table: a figure per row, one column per scale (and their ratio). */
final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Table(List<String> header) {
    this.header = List.copyOf(header);
  }

  Table row(String what, List<String> values) {
    List<String> row = new ArrayList<>();
    row.add(what);
    row.addAll(values);
    while (row.size() < header.size()) {
      row.add("");
    }
    rows.add(row);
    return this;
  }

  Table section(String title) {
    rows.add(List.of(title));
    return this;
  }

  String render() {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = header.get(i).length();
    }
    for (List<String> row : rows) {
      if (row.size() > 1) {
        for (int i = 0; i < width.length; i++) {
          width[i] = Math.max(width[i], row.get(i).length());
        }
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, header, width);
    int total = (width.length - 1) * 2;
    for (int w : width) {
      total += w;
    }
    out.append("  ").append("-".repeat(total)).append('\n');
    for (List<String> row : rows) {
      if (row.size() == 1) {
        out.append("  ").append(row.get(0)).append('\n');
      } else {
        line(out, row, width);
      }
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] width) {
    StringBuilder line = new StringBuilder("  ").append(pad(cells.get(0), width[0], false));
    for (int i = 1; i < width.length; i++) {
      line.append("  ").append(pad(cells.get(i), width[i], true));
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  private static String pad(String s, int width, boolean right) {
    String fill = " ".repeat(width - s.length());
    return right ? fill + s : s + fill;
  }

  static String mib(double bytes) {
    return Double.isNaN(bytes) ? "n/a" : "%.1f MiB".formatted(bytes / (1024.0 * 1024.0));
  }

  static String seconds(double seconds) {
    return Double.isNaN(seconds) ? "n/a" : "%.1f s".formatted(seconds);
  }
}
