package io.zeromesh.broker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process whose output is collected in the background: the broker's {@code Main} on the
 * test class path, or a Python libzmq peer. Ended with SIGTERM (then SIGKILL) when closed.
 */
public final class Exec implements AutoCloseable {
  private final List<String> command;
  private final Process process;
  private final java.nio.file.Path stdout;
  private final java.nio.file.Path stderr;

  private Exec(List<String> command, Map<String, String> env) {
    this.command = List.copyOf(command);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("ZEROMESH_"));
    pb.environment().putAll(env);
    try {
      // Files, not pipes: nothing is lost however the child ends, and nothing blocks it.
      stdout = Files.createTempFile("zeromesh-exec-", ".out");
      stderr = Files.createTempFile("zeromesh-exec-", ".err");
      stdout.toFile().deleteOnExit();
      stderr.toFile().deleteOnExit();
      pb.redirectOutput(stdout.toFile());
      pb.redirectError(stderr.toFile());
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  public static Exec start(List<String> command, Map<String, String> env) {
    return new Exec(command, env);
  }

  /** {@code java -cp <this test's class path> io.zeromesh.broker.Main args...}. */
  public static Exec broker(List<String> args, Map<String, String> env) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.java());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.zeromesh.broker.Main");
    cmd.addAll(args);
    return new Exec(cmd, env);
  }

  public static Exec broker(String... args) {
    return broker(List.of(args), Map.of());
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** Waits for the exit (bounded); fails the test when it does not come. */
  public int awaitExit(Duration bound) {
    try {
      if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "still running after " + bound + ": " + command + "\nstderr:\n" + stderr());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** SIGTERM, then the exit code (SIGKILL after {@code bound}). */
  public int terminate(Duration bound) {
    process.destroy();
    try {
      if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError("no exit within " + bound + " of SIGTERM: " + command);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  public String stdout() {
    return read(stdout);
  }

  public String stderr() {
    return read(stderr);
  }

  private static String read(java.nio.file.Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The summary line on stdout (call after the exit). */
  public ProbeSummary summary() {
    try {
      return ProbeSummary.ofStdout(stdout());
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + describe(), e);
    }
  }

  public String describe() {
    return String.join(" ", command) + "\n--- stdout:\n" + stdout() + "--- stderr:\n" + stderr();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  private static final class Path {
    static String java() {
      return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
  }
}
