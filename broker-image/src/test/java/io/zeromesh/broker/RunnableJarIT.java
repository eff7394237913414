package io.zeromesh.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.testing.Exec;
import io.zeromesh.broker.testing.Ports;
import io.zeromesh.broker.testing.ProbeSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The documented way to run the daemon outside Kubernetes, {@code java -jar
 * target/zeromesh-broker.jar MODE [flags]}: the jar alone (its manifest's Class-Path finds
 * target/lib) runs a device and the probe through it, and stops cleanly on SIGTERM.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunnableJarIT {
  private static final Duration BOUND = Duration.ofSeconds(40);

  private static Path jar() {
    Path jar = Path.of(System.getProperty("zeromesh.jar", "target/zeromesh-broker.jar"));
    assertTrue(Files.isRegularFile(jar), jar + " (mvn package builds it)");
    return jar;
  }

  private static Exec java(Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx128m");
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(List.of(args));
    return Exec.start(cmd, env);
  }

  @Test
  void theManifestNamesTheMainClassAndEveryDependencyBesideIt() throws Exception {
    try (JarFile jar = new JarFile(jar().toFile())) {
      var attributes = jar.getManifest().getMainAttributes();
      assertEquals(Main.class.getName(), attributes.getValue("Main-Class"));
      String classPath = attributes.getValue("Class-Path");
      assertTrue(classPath != null && !classPath.isBlank(), "Class-Path");
      for (String entry : classPath.trim().split("\\s+")) {
        Path dependency = jar().getParent().resolve(entry);
        assertTrue(Files.isRegularFile(dependency), dependency + " is on the Class-Path");
      }
    }
  }

  @Test
  void javaDashJarRunsAStreamerThatTheProbeUsesAndStopsOnSigterm() {
    int front = Ports.free();
    int back = Ports.free();
    int admin = Ports.free();
    try (Exec device =
        java(
            Map.of("ZEROMESH_BIND_ADDRESS", "127.0.0.1"),
            "streamer",
            "--frontend-port=" + front,
            "--backend-port=" + back,
            "--admin-port=" + admin,
            "--admin-bind-address=127.0.0.1")) {
      await()
          .atMost(BOUND)
          .until(() -> device.stderr().contains("event=ready") || !device.isAlive());
      assertTrue(device.isAlive(), device.describe());
      try (Exec pull =
              java(
                  Map.of(),
                  "probe",
                  "pull",
                  "--endpoint",
                  Ports.tcp(back),
                  "--expect",
                  "50",
                  "--timeout-s",
                  "30");
          // Pushes until stopped: the pull stops at 50 even when a JeroMQ connection stalled
          // in its greeting took a few with it.
          Exec push =
              java(
                  Map.of("ZEROMESH_ENDPOINT", Ports.tcp(front)),
                  "probe",
                  "push",
                  "--count",
                  "0",
                  "--rate",
                  "200",
                  "--timeout-s",
                  "60")) {
        assertEquals(0, pull.awaitExit(BOUND), pull.describe());
        assertEquals(50, pull.summary().received(), pull.describe());
        assertEquals(143, push.terminate(BOUND), "SIGTERM: " + push.describe());
        ProbeSummary sent = push.summary();
        assertTrue(sent.sent() >= 50, sent.line());
      }
      assertEquals(0, device.terminate(BOUND), device.describe());
    }
  }

  @Test
  void badFlagsThroughTheJarExit2() {
    try (Exec bad = java(Map.of(), "queue", "--bind-address=999.1.1.1")) {
      assertEquals(2, bad.awaitExit(BOUND), bad.describe());
      assertTrue(bad.stderr().contains("--bind-address (ZEROMESH_BIND_ADDRESS)"), bad.stderr());
    }
  }
}
