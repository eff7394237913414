package io.zeromesh.operator.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What one benchmark run does, from system properties ({@code -Dbench.counts=...}); every value is
 * checked before anything starts, so a typo fails in the first second, not after the API server.
 *
 * @param counts custom resources to create per scale (of all kinds together), in run order
 * @param namespaces namespaces each scale's resources are spread over
 * @param timeout bound on the wait for convergence at the largest scale (smaller: in proportion)
 * @param pollInterval time between two looks of the convergence check
 * @param createThreads concurrent create calls of the load generator
 * @param settle the window after convergence in which every write and reconcile is counted
 * @param operatorJvmFlags flags added to the image's entrypoint, before {@code -jar}
 * @param kubeApiTestDir where the cached API server binaries are laid out for kube-api-test
 * @param kubernetesVersion which cached version to run
 */
record BenchSettings(
    List<Integer> counts,
    int namespaces,
    Duration timeout,
    Duration pollInterval,
    int createThreads,
    Duration settle,
    List<String> operatorJvmFlags,
    Path kubeApiTestDir,
    String kubernetesVersion) {

  static final String PREFIX = "bench.";

  BenchSettings {
    require(!counts.isEmpty(), "bench.counts must name at least one count");
    require(
        counts.stream().allMatch(c -> c >= 10),
        "every bench.counts entry must be at least 10 (one of each kind and variant)");
    require(namespaces >= 1, "bench.namespaces must be at least 1");
    require(
        counts.stream().allMatch(c -> namespaces <= c),
        "bench.namespaces must not exceed any count");
    require(!timeout.isNegative() && !timeout.isZero(), "bench.timeoutSeconds must be positive");
    require(!pollInterval.isNegative() && !pollInterval.isZero(), "bench.pollMillis must be > 0");
    require(createThreads >= 1, "bench.createThreads must be at least 1");
    require(!settle.isNegative() && !settle.isZero(), "bench.settleSeconds must be positive");
    counts = List.copyOf(counts);
    operatorJvmFlags = List.copyOf(operatorJvmFlags);
  }

  static BenchSettings fromSystemProperties() {
    String cache =
        firstNonBlank(
            System.getenv("ZEROMESH_CACHE"),
            Path.of(System.getProperty("user.home"), ".cache", "zeromesh").toString());
    String flags = System.getProperty(PREFIX + "operatorJvmFlags", "-Xmx256m").trim();
    return new BenchSettings(
        integers("counts", "1000,5000"),
        integer("namespaces", 5),
        Duration.ofSeconds(integer("timeoutSeconds", 1200)),
        Duration.ofMillis(integer("pollMillis", 1000)),
        integer("createThreads", 4),
        Duration.ofSeconds(integer("settleSeconds", 20)),
        flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+")),
        Path.of(
            firstNonBlank(
                System.getProperty(PREFIX + "kubeApiTestDir"),
                Path.of(cache, "kube-api-test").toString())),
        firstNonBlank(System.getProperty(PREFIX + "kubernetesVersion"), "1.37.2"));
  }

  /** The convergence bound of one scale: the timeout shared out in proportion, at least 120 s. */
  Duration timeoutFor(int count) {
    int largest = counts.stream().mapToInt(Integer::intValue).max().orElseThrow();
    return Duration.ofSeconds(Math.max(120, timeout.toSeconds() * count / largest));
  }

  private static List<Integer> integers(String name, String fallback) {
    String value = firstNonBlank(System.getProperty(PREFIX + name), fallback);
    try {
      return Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).toList();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          PREFIX + name + " must be integers separated by commas, got '" + value + "'");
    }
  }

  private static int integer(String name, int fallback) {
    String value = System.getProperty(PREFIX + name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          PREFIX + name + " must be an integer, got '" + value + "'");
    }
  }

  private static String firstNonBlank(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
