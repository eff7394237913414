package io.zeromesh.helm;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/** The chart under test, its paths, and helpers to render it offline with helm-java. */
final class ChartFixture {

  static final String RELEASE = "zeromesh-operator";
  static final String NAMESPACE = "zeromesh-system";

  /**
   * Kubernetes version the chart is rendered for (helm-java defaults to 1.20, below kubeVersion).
   */
  static final String KUBE_VERSION = "1.31.0";

  private static final YAMLMapper YAML = new YAMLMapper();

  private ChartFixture() {}

  /** The repository root: the system property set by the build, else found from the cwd. */
  static Path repoRoot() {
    String configured = System.getProperty("zeromesh.repo.root");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path cwd = Path.of("").toAbsolutePath();
    for (Path dir = cwd; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("helm/zeromesh-operator"))) {
        return dir;
      }
    }
    throw new IllegalStateException("cannot find helm/zeromesh-operator above " + cwd);
  }

  static Path chartDir() {
    return repoRoot().resolve("helm/zeromesh-operator");
  }

  static Helm helm() {
    return new Helm(chartDir());
  }

  /** Renders the templates (not the CRDs) as `helm template` does, with a values file. */
  static String renderText(String valuesYaml) {
    return renderText(valuesYaml, KUBE_VERSION);
  }

  static String renderText(String valuesYaml, String kubeVersion) {
    TemplateCommand template =
        helm()
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(kubeVersion)
            .skipCrds();
    if (valuesYaml != null && !valuesYaml.isBlank()) {
      template = template.withValuesFile(writeTemp(valuesYaml));
    }
    return template.call();
  }

  static Manifests render(String valuesYaml) {
    return new Manifests(parseAll(renderText(valuesYaml)));
  }

  static Manifests render() {
    return render(null);
  }

  static Path writeTemp(String valuesYaml) {
    try {
      Path file = Files.createTempFile("zeromesh-values-", ".yaml");
      file.toFile().deleteOnExit();
      Files.writeString(file, valuesYaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every non-empty YAML document of a multi-document stream, as maps. */
  static List<Map<String, Object>> parseAll(String yaml) {
    try (MappingIterator<Map<String, Object>> docs =
        YAML.readerFor(new TypeReference<Map<String, Object>>() {}).readValues(yaml)) {
      List<Map<String, Object>> result = new ArrayList<>();
      while (docs.hasNext()) {
        Map<String, Object> doc = docs.next();
        if (doc != null && !doc.isEmpty()) {
          result.add(doc);
        }
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("rendered output is not valid YAML:\n" + yaml, e);
    }
  }

  /** Follows a path of map keys and list indexes; null when any step is missing. */
  @SuppressWarnings("unchecked")
  static <T> T at(Object node, Object... path) {
    Object current = node;
    for (Object step : path) {
      if (current instanceof Map<?, ?> map && step instanceof String key) {
        current = map.get(key);
      } else if (current instanceof List<?> list && step instanceof Integer index) {
        current = index < list.size() ? list.get(index) : null;
      } else {
        return null;
      }
    }
    return (T) current;
  }

  /** The objects of one rendering, looked up by kind and name. */
  record Manifests(List<Map<String, Object>> objects) {

    List<Map<String, Object>> ofKind(String kind) {
      return objects.stream().filter(o -> kind.equals(o.get("kind"))).collect(Collectors.toList());
    }

    Optional<Map<String, Object>> find(String kind, String name) {
      return ofKind(kind).stream().filter(o -> name.equals(at(o, "metadata", "name"))).findFirst();
    }

    Map<String, Object> get(String kind, String name) {
      return find(kind, name)
          .orElseThrow(
              () ->
                  new AssertionError(
                      "no "
                          + kind
                          + " named "
                          + name
                          + " in the rendering; there are: "
                          + objects.stream()
                              .map(o -> o.get("kind") + "/" + at(o, "metadata", "name"))
                              .collect(Collectors.joining(", "))));
    }

    /** The operator Deployment's only container. */
    Map<String, Object> operatorContainer() {
      List<Map<String, Object>> containers =
          at(get("Deployment", RELEASE), "spec", "template", "spec", "containers");
      return containers.stream()
          .filter(c -> "operator".equals(c.get("name")))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no container named operator"));
    }

    /** Plain-value environment variables of the operator container, by name. */
    Map<String, String> operatorEnv() {
      List<Map<String, Object>> env = at(operatorContainer(), "env");
      return env.stream()
          .filter(e -> e.get("value") != null)
          .collect(
              Collectors.toMap(
                  e -> (String) e.get("name"),
                  e -> Objects.toString(e.get("value")),
                  (a, b) -> {
                    throw new AssertionError("duplicate env var " + a);
                  }));
    }
  }
}
