package io.zeromesh.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run by e2e/pom.xml after the cases ({@code exec:java}): fails the build unless every case of
 * {@link ExpectedCases#ALL} ran exactly once and passed. Arguments: the run's record file ({@link
 * CaseRecorder}), and {@code true} for a partial run ({@code -Dzeromesh.e2e.partial=true}).
 */
public final class ExpectedCasesCheck {
  private ExpectedCasesCheck() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: ExpectedCasesCheck RECORD_FILE PARTIAL");
    }
    Path file = Path.of(args[0]);
    boolean partial = Boolean.parseBoolean(args[1]);
    List<Map.Entry<String, ExpectedCases.Outcome>> records =
        Files.exists(file) ? CaseRecorder.read(Files.readAllLines(file)) : List.of();
    List<String> problems = ExpectedCases.problems(ExpectedCases.ALL, records, partial);
    long ran = records.stream().map(Map.Entry::getKey).distinct().count();
    System.out.printf(
        "[e2e] expected cases: %d of %d ran (%s)%n", ran, ExpectedCases.ALL.size(), file);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "the e2e run is not a pass of the suite:\n  - "
              + String.join("\n  - ", problems)
              + "\n(every case of ExpectedCases.ALL must run once and pass; a partial run with"
              + " -Dtest=... says so with -Dzeromesh.e2e.partial=true)");
    }
    if (partial && ran < ExpectedCases.ALL.size()) {
      System.out.printf(
          "[e2e] PARTIAL RUN (-Dzeromesh.e2e.partial=true): %d of %d cases ran and passed; this"
              + " is not a pass of the suite%n",
          ran, ExpectedCases.ALL.size());
    }
  }
}
