package io.zeromesh.broker.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A libzmq peer: {@code src/test/python/zmq_peer.py} run by Debian's Python with python3-zmq
 * ({@code make deps} installs it). When that Python cannot import zmq, tests that need one skip,
 * saying why, on a developer's machine, and fail in CI (environment variable {@code CI} set): CI
 * can install python3-zmq, so a skip there would hide a suite that never ran.
 */
public final class LibzmqPeer {
  public static final String PYTHON = "/usr/bin/python3";
  private static Boolean available;

  private LibzmqPeer() {}

  private static String unavailable;

  /**
   * Returns when {@code /usr/bin/python3 -c 'import zmq'} works; else skips the calling test, or
   * fails it when {@code CI} is set.
   */
  public static synchronized void assumeAvailable() {
    if (available == null) {
      unavailable = probeImport();
      available = unavailable == null;
    }
    requireOrSkip(available, unavailable, System.getenv());
  }

  /** Whether {@code env} says this is CI: {@code CI} set to anything but empty, false or 0. */
  static boolean isCi(Map<String, String> env) {
    String ci = env.get("CI");
    return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
  }

  static void requireOrSkip(boolean available, String why, Map<String, String> env) {
    if (available) {
      return;
    }
    String message =
        PYTHON + " cannot import zmq (" + why + "); run `make deps` (Debian package python3-zmq)";
    if (isCi(env)) {
      Assertions.fail("libzmq interop cannot run in CI: " + message);
    }
    Assumptions.assumeTrue(false, "libzmq interop skipped: " + message);
  }

  /** Null when the import works, else why not. */
  private static String probeImport() {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      return PYTHON + " is not there";
    }
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import zmq").redirectErrorStream(true).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "import zmq did not finish in 30 s";
      }
      String out = new String(p.getInputStream().readAllBytes()).strip();
      if (p.exitValue() == 0) {
        return null;
      }
      String[] lines = out.split("\n");
      return lines.length == 0 ? "exit " + p.exitValue() : lines[lines.length - 1];
    } catch (Exception e) {
      return e.toString();
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
