package io.zeromesh.e2e.support;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The chart's CRDs ({@code crds/*.yml}, this build's), created or replaced before the install, so
 * that a CRD left by an earlier run or by the demo is replaced rather than silently kept (Helm
 * installs a chart's CRDs only where none exists and never updates them). Each applied CRD carries
 * the SHA-256 of its file; the suite checks the cluster serves that one.
 */
final class ChartCrds {
  static final String DIGEST_ANNOTATION = "e2e.zeromesh.io/crd-sha256";
  private static final Duration ESTABLISHED = Duration.ofMinutes(2);
  private static final int MAX_CONFLICTS = 10;

  private ChartCrds() {}

  static List<Path> files(Path chart) {
    try (Stream<Path> files = Files.list(chart.resolve("crds"))) {
      List<Path> crds =
          files
              .filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
              .sorted()
              .toList();
      if (crds.isEmpty()) {
        throw new IllegalStateException("no CRDs in " + chart.resolve("crds"));
      }
      return crds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void apply(KubernetesClient kube, Path chart) {
    for (Path file : files(chart)) {
      CustomResourceDefinition crd;
      try (InputStream in = Files.newInputStream(file)) {
        crd = kube.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String name = crd.getMetadata().getName();
      String digest = sha256(file);
      if (crd.getMetadata().getAnnotations() == null) {
        crd.getMetadata().setAnnotations(new java.util.LinkedHashMap<>());
      }
      crd.getMetadata().getAnnotations().put(DIGEST_ANNOTATION, digest);
      CustomResourceDefinition before = crds(kube).withName(name).get();
      if (before == null) {
        crds(kube).resource(crd).create();
      } else {
        replace(kube, crd);
      }
      Step.log(
          "CRD %s: %s (%s, sha256 %s)",
          name,
          before == null
              ? "created"
              : "replaced the one found (resourceVersion "
                  + before.getMetadata().getResourceVersion()
                  + ")",
          file.getFileName(),
          digest.substring(0, 12));
      await("CRD " + name + " of this build established")
          .atMost(ESTABLISHED)
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(() -> servesThisBuild(crds(kube).withName(name).get(), digest));
    }
  }

  /**
   * A replacement (PUT), not a merge: nothing of the earlier CRD survives but its status. Put on
   * top of the latest version, again when the API server changed it meanwhile (it updates a CRD's
   * status, e.g. as it becomes Established): 409 Conflict, a bounded number of times.
   */
  private static void replace(KubernetesClient kube, CustomResourceDefinition crd) {
    String name = crd.getMetadata().getName();
    for (int attempt = 1; ; attempt++) {
      crd.getMetadata()
          .setResourceVersion(crds(kube).withName(name).get().getMetadata().getResourceVersion());
      try {
        crds(kube).resource(crd).update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == MAX_CONFLICTS) {
          throw e;
        }
        Step.log(
            "CRD %s changed while it was replaced (%s); again", name, e.getStatus().getMessage());
      }
    }
  }

  private static boolean servesThisBuild(CustomResourceDefinition crd, String digest) {
    return crd != null
        && digest.equals(crd.getMetadata().getAnnotations().get(DIGEST_ANNOTATION))
        && crd.getStatus() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          CustomResourceDefinition,
          io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionList,
          io.fabric8.kubernetes.client.dsl.Resource<CustomResourceDefinition>>
      crds(KubernetesClient kube) {
    return kube.apiextensions().v1().customResourceDefinitions();
  }
}
