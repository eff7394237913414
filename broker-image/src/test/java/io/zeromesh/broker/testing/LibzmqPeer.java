package io.zeromesh.broker.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A libzmq peer: {@code src/test/python/zmq_peer.py} run by Debian's Python with python3-zmq
 * ({@code make deps} installs it). Tests that need one skip, saying why, only when that Python
 * cannot import zmq.
 */
public final class LibzmqPeer {
  public static final String PYTHON = "/usr/bin/python3";
  private static Boolean available;

  private LibzmqPeer() {}

  /** Skips the calling test unless {@code /usr/bin/python3 -c 'import zmq'} works. */
  public static synchronized void assumeAvailable() {
    if (available == null) {
      available = probeImport();
    }
    Assumptions.assumeTrue(
        available,
        "libzmq interop skipped: " + PYTHON + " cannot import zmq (run `make deps`: python3-zmq)");
  }

  private static boolean probeImport() {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      return false;
    }
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import zmq").redirectErrorStream(true).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  public static Path script() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
        .resolve("src/test/python/zmq_peer.py");
  }

  /** Starts {@code zmq_peer.py role args...}. */
  public static Exec start(String role, String... args) {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, script().toString(), role));
    cmd.addAll(List.of(args));
    return Exec.start(cmd, Map.of());
  }

  /** Runs a peer to its end (bounded) and returns its summary; fails on a non-zero exit. */
  public static ProbeSummary run(Duration bound, String role, String... args) {
    try (Exec peer = start(role, args)) {
      int exit = peer.awaitExit(bound);
      if (exit != 0) {
        throw new AssertionError("libzmq " + role + " exited " + exit + ":\n" + peer.describe());
      }
      return peer.summary();
    }
  }
}
