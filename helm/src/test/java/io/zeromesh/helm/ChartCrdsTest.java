package io.zeromesh.helm;

import static io.zeromesh.helm.ChartFixture.at;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chart ships exactly the repository's CRDs, byte for byte. */
@Timeout(60)
class ChartCrdsTest {

  private static final String REFRESH =
      "run `make chart-crds` and commit helm/zeromesh-operator/crds";

  @Test
  void chartCrdsAreByteIdenticalCopiesOfTheRepositoryCrds() throws IOException {
    Path source = ChartFixture.repoRoot().resolve("crds");
    Path copy = ChartFixture.chartDir().resolve("crds");
    Set<String> sourceNames = yamlFiles(source);
    Set<String> copyNames = yamlFiles(copy);
    assertTrue(!sourceNames.isEmpty(), "no CRDs in " + source);
    assertEquals(sourceNames, copyNames, "the chart's crds/ lists other files: " + REFRESH);
    for (String name : sourceNames) {
      assertArrayEquals(
          Files.readAllBytes(source.resolve(name)),
          Files.readAllBytes(copy.resolve(name)),
          "helm/zeromesh-operator/crds/" + name + " differs from crds/" + name + ": " + REFRESH);
    }
  }

  @Test
  void chartCrdsDefineTheThreeKindsOfTheApi() throws IOException {
    Set<String> kinds = new TreeSet<>();
    for (Path file : InstallManifest.chartCrds()) {
      for (Map<String, Object> crd : ChartFixture.parseAll(Files.readString(file))) {
        assertEquals("CustomResourceDefinition", crd.get("kind"), file.toString());
        assertEquals("zeromesh.io", at(crd, "spec", "group"), file.toString());
        List<Map<String, Object>> versions = at(crd, "spec", "versions");
        assertTrue(
            versions.stream().anyMatch(v -> "v1alpha1".equals(v.get("name"))),
            file + " does not serve v1alpha1");
        List<String> categories = at(crd, "spec", "names", "categories");
        assertTrue(
            categories != null && categories.contains("zeromesh"),
            file + " is not in category zeromesh (`kubectl get zeromesh`): " + categories);
        kinds.add(at(crd, "spec", "names", "kind"));
      }
    }
    assertEquals(Set.of("ZmqBroker", "ZmqForwarder", "ZmqPipelineStage"), kinds);
  }

  private static Set<String> yamlFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Set.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yml") || n.endsWith(".yaml"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
