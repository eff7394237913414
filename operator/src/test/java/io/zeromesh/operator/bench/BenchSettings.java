package io.zeromesh.operator.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What one benchmark run does, from system properties ({@code -Dbench.count=...}); every value is
 * checked before anything starts, so a typo fails in the first second, not after the API server.
 *
 * @param count custom resources to create, of all kinds together
 * @param namespaces namespaces they are spread over
 * @param timeout bound on the wait for convergence
 * @param pollInterval time between two list rounds of the convergence check
 * @param createThreads concurrent create calls of the load generator
 * @param kubeApiTestDir where the cached API server binaries are laid out for kube-api-test
 * @param kubernetesVersion which cached version to run
 */
record BenchSettings(
    int count,
    int namespaces,
    Duration timeout,
    Duration pollInterval,
    int createThreads,
    Path kubeApiTestDir,
    String kubernetesVersion) {

  static final String PREFIX = "bench.";

  /** The properties the integration tests' cluster fixture reads, shared so both agree. */
  static final String KUBE_API_TEST_DIR = "zeromesh.kube-api-test.dir";

  static final String KUBE_API_TEST_VERSION = "zeromesh.kube-api-test.version";

  BenchSettings {
    require(count >= 10, "bench.count must be at least 10 (one of each kind and variant)");
    require(namespaces >= 1, "bench.namespaces must be at least 1");
    require(namespaces <= count, "bench.namespaces must not exceed bench.count");
    require(!timeout.isNegative() && !timeout.isZero(), "bench.timeoutSeconds must be positive");
    require(!pollInterval.isNegative() && !pollInterval.isZero(), "bench.pollMillis must be > 0");
    require(createThreads >= 1, "bench.createThreads must be at least 1");
  }

  static BenchSettings fromSystemProperties() {
    String cache =
        firstNonBlank(
            System.getenv("ZEROMESH_CACHE"),
            Path.of(System.getProperty("user.home"), ".cache", "zeromesh").toString());
    return new BenchSettings(
        integer("count", 1000),
        integer("namespaces", 4),
        Duration.ofSeconds(integer("timeoutSeconds", 300)),
        Duration.ofMillis(integer("pollMillis", 1000)),
        integer("createThreads", 4),
        Path.of(System.getProperty(KUBE_API_TEST_DIR, Path.of(cache, "kube-api-test").toString())),
        System.getProperty(KUBE_API_TEST_VERSION, "1.37.2"));
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
