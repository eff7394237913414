package io.zeromesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** helm/install/zeromesh-operator.yaml is what the chart renders now, in applicable order. */
@Timeout(120)
class InstallManifestTest {

  @Test
  void committedFileMatchesTheChart() throws Exception {
    assertTrue(
        Files.isRegularFile(InstallManifest.file()),
        InstallManifest.file() + " is missing: run `" + InstallManifest.REFRESH_COMMAND + "`");
    String committed = Files.readString(InstallManifest.file());
    String rendered = InstallManifest.render();
    if (!committed.equals(rendered)) {
      List<String> a = committed.lines().toList();
      List<String> b = rendered.lines().toList();
      int line = 0;
      while (line < Math.min(a.size(), b.size()) && a.get(line).equals(b.get(line))) {
        line++;
      }
      fail(
          InstallManifest.file()
              + " is out of date with the chart; refresh it with `"
              + InstallManifest.REFRESH_COMMAND
              + "` and commit it. First difference at line "
              + (line + 1)
              + ":\n  committed: "
              + (line < a.size() ? a.get(line) : "<end of file>")
              + "\n  rendered:  "
              + (line < b.size() ? b.get(line) : "<end of file>"));
    }
  }

  @Test
  void namespaceFirstThenCrdsThenTheOperator() throws Exception {
    List<Map<String, Object>> objects = ChartFixture.parseAll(InstallManifest.render());
    assertEquals("Namespace", objects.get(0).get("kind"));
    assertEquals(ChartFixture.NAMESPACE, ChartFixture.at(objects.get(0), "metadata", "name"));
    int crds = InstallManifest.chartCrds().size();
    for (int i = 1; i <= crds; i++) {
      assertEquals("CustomResourceDefinition", objects.get(i).get("kind"), "object " + i);
    }
    List<Object> rest =
        objects.subList(crds + 1, objects.size()).stream()
            .map(o -> o.get("kind"))
            .map(Object.class::cast)
            .toList();
    assertTrue(rest.contains("Deployment"), "no Deployment after the CRDs: " + rest);
    assertTrue(
        !rest.contains("CustomResourceDefinition") && !rest.contains("Namespace"), "" + rest);
    for (Map<String, Object> o : objects.subList(1, objects.size())) {
      Object namespace = ChartFixture.at(o, "metadata", "namespace");
      assertTrue(
          namespace == null || ChartFixture.NAMESPACE.equals(namespace),
          o.get("kind") + " in " + namespace);
    }
  }
}
