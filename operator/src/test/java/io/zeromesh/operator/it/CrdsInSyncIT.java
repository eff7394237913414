package io.zeromesh.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * crds/ holds exactly the CRDs the build generates from the API types (the Quarkus build writes
 * them during package, hence an integration test).
 */
class CrdsInSyncIT {
  private static final String REFRESH = "run `make crds` and commit crds/";

  @Test
  void committedCrdsEqualTheGeneratedOnes() throws IOException {
    Path generated = ClusterFixture.repoRoot().resolve("operator/target/kubernetes");
    Path committed = ClusterFixture.repoRoot().resolve("crds");
    List<String> generatedNames = crdFiles(generated);
    assertFalse(generatedNames.isEmpty(), "no generated CRDs in " + generated);
    assertEquals(
        generatedNames,
        crdFiles(committed),
        "crds/ lists other files than the build generates: " + REFRESH);
    for (String name : generatedNames) {
      assertEquals(
          Files.readString(generated.resolve(name)),
          Files.readString(committed.resolve(name)),
          "crds/" + name + " differs from the generated CRD: " + REFRESH);
    }
  }

  private static List<String> crdFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".zeromesh.io-v1.yml"))
          .sorted()
          .toList();
    }
  }
}
