package io.zeromesh.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Writes how each case of the run ended to {@code <casesDir>/<runId>.tsv} (one line per execution:
 * case, outcome), which {@link ExpectedCasesCheck} reads after the cases. Part of {@link
 * ZeroMeshE2e}. The run id is the Maven build's timestamp (e2e/pom.xml), so a file of an earlier
 * run is never read as this one's.
 */
public final class CaseRecorder implements TestWatcher {
  static final String CASES_DIR = "zeromesh.e2e.casesDir";
  static final String RUN_ID = "zeromesh.e2e.runId";

  @Override
  public void testSuccessful(ExtensionContext context) {
    record(context, ExpectedCases.Outcome.PASSED);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    record(context, ExpectedCases.Outcome.FAILED);
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    record(context, ExpectedCases.Outcome.ABORTED);
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {
    record(context, ExpectedCases.Outcome.DISABLED);
  }

  static String caseName(Class<?> testClass, String method) {
    return testClass.getSimpleName() + "#" + method;
  }

  /** The file of this run, or empty outside Maven (an IDE run records nothing). */
  static Optional<Path> file() {
    String dir = System.getProperty(CASES_DIR, "");
    String run = System.getProperty(RUN_ID, "");
    return dir.isBlank() || run.isBlank()
        ? Optional.empty()
        : Optional.of(Path.of(dir, run + ".tsv"));
  }

  private static synchronized void record(ExtensionContext context, ExpectedCases.Outcome outcome) {
    String name =
        caseName(context.getRequiredTestClass(), context.getRequiredTestMethod().getName());
    Step.log("case %s: %s", name, outcome);
    Optional<Path> file = file();
    if (file.isEmpty()) {
      return;
    }
    try {
      Files.createDirectories(file.get().getParent());
      Files.writeString(
          file.get(),
          name + "\t" + outcome + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record case " + name + " in " + file.get(), e);
    }
  }

  /** Parses a file written by {@link #record}; a line of another shape is an error. */
  static List<Map.Entry<String, ExpectedCases.Outcome>> read(List<String> lines) {
    List<Map.Entry<String, ExpectedCases.Outcome>> records = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.split("\t");
      if (parts.length != 2) {
        throw new IllegalArgumentException("not a case record: " + line);
      }
      records.add(Map.entry(parts[0], ExpectedCases.Outcome.valueOf(parts[1])));
    }
    return records;
  }
}
