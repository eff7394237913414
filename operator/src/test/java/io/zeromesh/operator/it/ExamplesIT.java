package io.zeromesh.operator.it;

import static io.zeromesh.operator.it.ItSupport.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest in examples/ is accepted by the API server with nothing pruned (no misspelt
 * field), and the operator finds its ZeroMesh resources valid with their references resolved.
 */
@Timeout(120)
class ExamplesIT {
  static Stream<Path> examples() throws IOException {
    Path dir = ClusterFixture.repoRoot().resolve("examples");
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no examples in " + dir);
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void exampleIsValidAndResolves(Path example) throws IOException {
    KubernetesClient client = ClusterFixture.get().client();
    String ns = ClusterFixture.get().newNamespace("example");
    List<Map<String, Object>> documents = documents(client, example);
    for (Map<String, Object> document : documents) {
      GenericKubernetesResource resource =
          client
              .getKubernetesSerialization()
              .convertValue(document, GenericKubernetesResource.class);
      resource.getMetadata().setNamespace(ns);
      client.resource(resource).inNamespace(ns).create();
    }
    for (Map<String, Object> document : documents) {
      String apiVersion = (String) document.get("apiVersion");
      if (!apiVersion.startsWith("zeromesh.io/")) {
        continue;
      }
      String kind = (String) document.get("kind");
      String name = (String) ((Map<?, ?>) document.get("metadata")).get("name");
      var context =
          new ResourceDefinitionContext.Builder()
              .withGroup("zeromesh.io")
              .withVersion("v1alpha1")
              .withKind(kind)
              .withPlural(kind.toLowerCase() + "s")
              .withNamespaced(true)
              .build();
      GenericKubernetesResource stored =
          client.genericKubernetesResources(context).inNamespace(ns).withName(name).get();
      assertContained(
          document.get("spec"),
          stored.getAdditionalProperties().get("spec"),
          example + " " + kind + "/" + name + " spec");
      // The documents are created one by one, so a resource may be reconciled before the one it
      // references exists: ReferenceNotFound until the referenced one's event reconciles it again.
      // What must not stay is InvalidSpec (never transient: the spec does not change) or a
      // ReferenceNotFound that the references' watches never clear.
      String what = example + " " + kind + "/" + name;
      AtomicReference<GenericKubernetesResource> last = new AtomicReference<>();
      try {
        eventually()
            .until(
                () -> {
                  last.set(
                      client
                          .genericKubernetesResources(context)
                          .inNamespace(ns)
                          .withName(name)
                          .get());
                  return readyReason(last.get());
                },
                reason -> reason != null && !reason.equals("ReferenceNotFound"));
      } catch (ConditionTimeoutException e) {
        fail(what + ": no Ready condition other than ReferenceNotFound: " + status(last.get()));
      }
      assertNotEquals(
          "InvalidSpec", readyReason(last.get()), () -> what + ": " + status(last.get()));
    }
  }

  private static Object status(GenericKubernetesResource r) {
    return r == null ? "(not found)" : r.getAdditionalProperties().get("status");
  }

  @SuppressWarnings("unchecked")
  private static String readyReason(GenericKubernetesResource r) {
    Object status = r.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> s) || !(s.get("conditions") instanceof List<?> conditions)) {
      return null;
    }
    return conditions.stream()
        .map(c -> (Map<String, Object>) c)
        .filter(c -> "Ready".equals(c.get("type")))
        .map(c -> (String) c.get("reason"))
        .findFirst()
        .orElse(null);
  }

  /** Every value of the manifest is in the stored object (which may hold more: defaults). */
  private static void assertContained(Object expected, Object actual, String path) {
    if (expected instanceof Map<?, ?> e) {
      if (!(actual instanceof Map<?, ?> a)) {
        fail(path + ": expected an object, the API server stored " + actual);
        return;
      }
      e.forEach((k, v) -> assertContained(v, a.get(k), path + "." + k));
    } else if (expected instanceof List<?> e) {
      if (!(actual instanceof List<?> a) || a.size() != e.size()) {
        fail(path + ": expected " + e + ", the API server stored " + actual);
        return;
      }
      for (int i = 0; i < e.size(); i++) {
        assertContained(e.get(i), a.get(i), path + "[" + i + "]");
      }
    } else if (expected instanceof Number n && actual instanceof Number m) {
      assertEquals(n.longValue(), m.longValue(), path);
    } else {
      assertEquals(expected, actual, path + " (pruned or changed by the API server?)");
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents(KubernetesClient client, Path file)
      throws IOException {
    String yaml = Files.readString(file);
    return Stream.of(yaml.split("(?m)^---\\s*$"))
        .filter(doc -> doc.lines().anyMatch(l -> l.startsWith("kind:")))
        .map(
            doc ->
                (Map<String, Object>) client.getKubernetesSerialization().unmarshal(doc, Map.class))
        .toList();
  }
}
