package io.zeromesh.helm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `helm lint --strict` passes: warnings count as failures. */
@Timeout(120)
class ChartLintTest {

  @Test
  void lintsCleanInStrictMode() {
    LintResult result = ChartFixture.helm().lint().strict().call();
    assertFalse(result.isFailed(), "helm lint --strict failed: " + result.getMessages());
    assertTrue(
        result.getMessages().stream()
            .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]")),
        "helm lint reported: " + result.getMessages());
  }

  @Test
  void lintsCleanWithEveryOptionalObjectOn(@TempDir Path dir) throws Exception {
    // Lint reads the chart's own values only: lint a copy whose defaults turn on the
    // ServiceMonitor, PodMonitor, PrometheusRule and dashboard, so their templates are linted too.
    Path copy = copyOfChart(dir);
    Path values = copy.resolve("values.yaml");
    String on = Files.readString(values).replace("enabled: false", "enabled: true");
    assertTrue(on.split("enabled: true", -1).length - 1 >= 4, "fewer optional objects than 4");
    Files.writeString(values, on);
    LintResult result = new Helm(copy).lint().strict().call();
    assertFalse(result.isFailed(), "helm lint --strict failed: " + result.getMessages());
    assertTrue(
        result.getMessages().stream()
            .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]")),
        "helm lint reported: " + result.getMessages());
  }

  @Test
  void lintCatchesABrokenChart(@TempDir Path dir) throws Exception {
    // The same linter on a copy with an unknown value key must fail, so the check above can fail.
    Path copy = copyOfChart(dir);
    Files.writeString(copy.resolve("values.yaml"), "\nnotAKey: 1\n", StandardOpenOption.APPEND);
    LintResult result = new Helm(copy).lint().strict().call();
    assertTrue(result.isFailed(), "lint accepted an unknown key: " + result.getMessages());
  }

  @Test
  void valuesFileDocumentsEveryKeyWithAnExample() throws Exception {
    List<String> lines = Files.readAllLines(ChartFixture.chartDir().resolve("values.yaml"));
    int keys = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("- ") || line.endsWith(":")) {
        continue; // comments, list items of defaults, and section headers (their keys are checked)
      }
      keys++;
      String comment = documentation(lines, i);
      assertTrue(!comment.isEmpty(), "values.yaml line " + (i + 1) + " has no comment: " + line);
      assertTrue(
          comment.contains("Example"),
          "the comment of values.yaml line " + (i + 1) + " gives no example: " + line);
    }
    assertTrue(keys > 20, "values.yaml has only " + keys + " keys: did the parsing break?");
  }

  private static Path copyOfChart(Path dir) throws Exception {
    Path copy = dir.resolve("zeromesh-operator");
    try (var files = Files.walk(ChartFixture.chartDir())) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = copy.resolve(ChartFixture.chartDir().relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    return copy;
  }

  /** The comment right above the key, or above the nearest enclosing key that has one. */
  private static String documentation(List<String> lines, int index) {
    StringBuilder comment = new StringBuilder();
    for (int i = index - 1; i >= 0 && lines.get(i).trim().startsWith("#"); i--) {
      comment.insert(0, lines.get(i).trim() + "\n");
    }
    if (comment.length() > 0) {
      return comment.toString();
    }
    int indent = indentOf(lines.get(index));
    for (int i = index - 1; i >= 0; i--) {
      String line = lines.get(i);
      if (!line.isBlank() && !line.trim().startsWith("#") && indentOf(line) < indent) {
        return documentation(lines, i);
      }
    }
    return "";
  }

  private static int indentOf(String line) {
    return line.length() - line.stripLeading().length();
  }
}
