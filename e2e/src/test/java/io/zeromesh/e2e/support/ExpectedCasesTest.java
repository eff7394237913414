package io.zeromesh.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.e2e.support.ExpectedCases.Outcome;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ExpectedCasesTest {
  private static final List<String> EXPECTED = List.of("A#one", "A#two", "B#three");

  @Test
  void aRunOfEveryCaseOnceAndPassedHasNoProblem() {
    assertEquals(
        List.of(),
        ExpectedCases.problems(
            EXPECTED,
            List.of(
                Map.entry("A#one", Outcome.PASSED),
                Map.entry("A#two", Outcome.PASSED),
                Map.entry("B#three", Outcome.PASSED)),
            false));
  }

  @Test
  void aDroppedCaseFailsUnlessTheRunIsDeclaredPartial() {
    List<Map.Entry<String, Outcome>> onlyB = List.of(Map.entry("B#three", Outcome.PASSED));
    assertEquals(
        List.of("A#one: did not run", "A#two: did not run"),
        ExpectedCases.problems(EXPECTED, onlyB, false));
    assertEquals(List.of(), ExpectedCases.problems(EXPECTED, onlyB, true));
  }

  @Test
  void nothingRunIsAProblemEvenForAPartialRun() {
    assertEquals(List.of("no case ran at all"), ExpectedCases.problems(EXPECTED, List.of(), true));
    assertEquals(4, ExpectedCases.problems(EXPECTED, List.of(), false).size());
  }

  @Test
  void aRerunASkipAndAFailureAreProblemsAlsoInAPartialRun() {
    List<String> problems =
        ExpectedCases.problems(
            EXPECTED,
            List.of(
                Map.entry("A#one", Outcome.FAILED),
                Map.entry("A#one", Outcome.PASSED),
                Map.entry("A#two", Outcome.DISABLED),
                Map.entry("B#three", Outcome.FAILED)),
            true);
    assertEquals(
        List.of(
            "A#one: ran 2 times [FAILED, PASSED] (a rerun?)", "A#two: DISABLED", "B#three: FAILED"),
        problems);
  }

  @Test
  void anUnlistedCaseIsAProblem() {
    assertEquals(
        List.of("C#four: ran, but is not in ExpectedCases.ALL"),
        ExpectedCases.problems(
            List.of("A#one"),
            List.of(Map.entry("A#one", Outcome.PASSED), Map.entry("C#four", Outcome.PASSED)),
            false));
  }

  @Test
  void recordLinesRoundTripAndGarbageIsRejected() {
    assertEquals(
        List.of(Map.entry("A#one", Outcome.PASSED), Map.entry("B#two", Outcome.ABORTED)),
        CaseRecorder.read(List.of("A#one\tPASSED", "", "B#two\tABORTED")));
    assertThrowsIllegal(() -> CaseRecorder.read(List.of("A#one PASSED")));
    assertThrowsIllegal(() -> CaseRecorder.read(List.of("A#one\tGREEN")));
  }

  @Test
  void theCheckFailsTheBuildOnAMissingRecordFile() {
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class,
            () ->
                ExpectedCasesCheck.main(
                    new String[] {"target/e2e-cases/no-such-run.tsv", "false"}));
    assertTrue(e.getMessage().contains("no case ran at all"), e.getMessage());
  }

  /** The list names exactly the test methods of the {@link ZeroMeshE2e} classes, in @Order. */
  @Test
  void theListIsEveryTestOfEveryE2eClass() throws Exception {
    List<String> found = new ArrayList<>();
    for (Class<?> c : e2eClasses()) {
      assertTrue(
          c.isAnnotationPresent(ZeroMeshE2e.class),
          c.getSimpleName() + " is named like a case but lacks @ZeroMeshE2e");
      Arrays.stream(c.getDeclaredMethods())
          .filter(m -> m.isAnnotationPresent(Test.class))
          .map(Method::getName)
          .sorted()
          .forEach(m -> found.add(CaseRecorder.caseName(c, m)));
    }
    assertEquals(
        ExpectedCases.ALL.stream().sorted().toList(),
        found.stream().sorted().toList(),
        "ExpectedCases.ALL vs the @Test methods of the *E2eTest classes");
  }

  private static List<Class<?>> e2eClasses() throws IOException, URISyntaxException {
    Path classes =
        Path.of(ExpectedCasesTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("io/zeromesh/e2e");
    try (Stream<Path> files = Files.list(classes)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith("E2eTest.class"))
          .sorted()
          .<Class<?>>map(
              n -> load("io.zeromesh.e2e." + n.substring(0, n.length() - ".class".length())))
          .toList();
    }
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, ExpectedCasesTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertThrowsIllegal(org.junit.jupiter.api.function.Executable e) {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, e);
  }
}
