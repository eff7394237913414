package io.zeromesh.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the suite runs against. Each setting is a system property (set by e2e/pom.xml, override with
 * {@code -D}) with the defaults of docs/contracts.md.
 */
public final class E2eSettings {
  private E2eSettings() {}

  /** The kubeconfig of the cluster under test: {@code KUBECONFIG}, else {@code ~/.kube/config}. */
  public static Path kubeconfig() {
    String fromProperty = System.getProperty("zeromesh.e2e.kubeconfig", "");
    String fromEnv = System.getenv().getOrDefault("KUBECONFIG", "");
    String chosen = !fromProperty.isBlank() ? fromProperty : fromEnv;
    Path path =
        chosen.isBlank()
            ? Path.of(System.getProperty("user.home"), ".kube", "config")
            // KUBECONFIG may list several files; the suite needs exactly one, for helm too.
            : Path.of(chosen.split(java.io.File.pathSeparator)[0]);
    if (!Files.isReadable(path)) {
      throw new IllegalStateException(
          "no kubeconfig at "
              + path
              + ": set KUBECONFIG to the cluster under test (make e2e brings one up)");
    }
    return path;
  }

  /** The chart directory the operator is installed from. */
  public static Path chart() {
    Path chart =
        Path.of(System.getProperty("zeromesh.e2e.chart", "../helm/zeromesh-operator"))
            .toAbsolutePath()
            .normalize();
    if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
      throw new IllegalStateException("no Helm chart at " + chart);
    }
    return chart;
  }

  /**
   * The broker image under test: {@code -Dzeromesh.e2e.brokerImage}, else the reference {@code make
   * broker-image} wrote beside the archive ({@code broker-image/target/jib-image.ref}, a tag unique
   * to that build).
   */
  public static String brokerImage() {
    return image("zeromesh.e2e.brokerImage", "zeromesh.e2e.brokerImageRef", "make broker-image");
  }

  /** The operator image under test, like {@link #brokerImage()} ({@code make operator-image}). */
  public static String operatorImage() {
    return image(
        "zeromesh.e2e.operatorImage", "zeromesh.e2e.operatorImageRef", "make operator-image");
  }

  private static String image(String property, String refFileProperty, String build) {
    String given = System.getProperty(property, "");
    if (!given.isBlank()) {
      return given.trim();
    }
    String refFile = System.getProperty(refFileProperty, "");
    if (refFile.isBlank()) {
      throw new IllegalStateException(
          "no image: set -D" + property + " or -D" + refFileProperty + " (e2e/pom.xml sets both)");
    }
    return readReference(Path.of(refFile), build);
  }

  /** The one image reference in a file written by the image build. */
  static String readReference(Path file, String build) {
    try {
      String ref = Files.exists(file) ? Files.readString(file).trim() : "";
      if (ref.isEmpty() || ref.contains("\n") || ref.contains(" ")) {
        throw new IllegalStateException(
            (ref.isEmpty() ? "no image reference in " : "not one image reference in ")
                + file
                + ": run `"
                + build
                + "` first (it writes the tag of the image it built there)");
      }
      return ref;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file, e);
    }
  }

  /** IfNotPresent (images loaded into the node) or Never. */
  public static String imagePullPolicy() {
    return System.getProperty("zeromesh.e2e.imagePullPolicy", "IfNotPresent");
  }

  /** The namespace the operator is installed into, once per run. */
  public static String operatorNamespace() {
    return System.getProperty("zeromesh.e2e.operatorNamespace", "zeromesh-e2e-system");
  }

  /** Keep the case namespaces after the run, to look at them by hand. */
  public static boolean keepNamespaces() {
    return Boolean.parseBoolean(System.getProperty("zeromesh.e2e.keepNamespaces", "false"));
  }

  /** {@code repository} part of an image reference {@code repository:tag}. */
  static String repository(String image) {
    int colon = image.lastIndexOf(':');
    return colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
  }

  /** {@code tag} part of an image reference, {@code latest} when there is none. */
  static String tag(String image) {
    int colon = image.lastIndexOf(':');
    return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "latest";
  }
}
