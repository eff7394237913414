package io.zeromesh.broker.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The libzmq load generator: runs {@code zmqbench thr|lat|peers} (bench/zmqbench.c) per
 * measurement, so the generator (C, faster than any device) never sets the rate.
 */
final class CLoad {
  private final Path zmqbench;
  private final String version;
  private final double maxSeconds;
  private final int window;

  CLoad(Path zmqbench, double maxSeconds, int window) throws IOException, InterruptedException {
    this.zmqbench = zmqbench;
    this.maxSeconds = maxSeconds;
    this.window = window;
    this.version = run(List.of("version"), 10).trim();
  }

  String name() {
    return "libzmq " + version + " (C, zmqbench)";
  }

  /** Deliveries, what was expected, and the time from the first to the last delivery. */
  record Throughput(long received, long expected, long elapsedMicros) {
    double msgsPerSec() {
      return elapsedMicros <= 0 ? 0 : (received - 1) * 1e6 / elapsedMicros;
    }

    double dropPercent() {
      return expected == 0 ? 0 : 100.0 * (expected - received) / expected;
    }
  }

  /**
   * One throughput run of {@code mode} ({@code queue|forwarder|streamer}, or {@code direct-<mode>}
   * with no device) with {@code producers} and {@code consumers}.
   */
  Throughput throughput(
      String mode,
      String frontend,
      String backend,
      int size,
      long count,
      int producers,
      int consumers)
      throws IOException, InterruptedException {
    List<String> args =
        List.of(
            "thr",
            mode,
            frontend,
            backend,
            "" + size,
            "" + count,
            Double.toString(maxSeconds),
            "" + producers,
            "" + consumers,
            "" + window);
    Map<String, String> r = fields(run(args, 240), "thr");
    return new Throughput(
        Long.parseLong(r.get("received")),
        Long.parseLong(r.get("expected")),
        Long.parseLong(r.get("elapsed_us")));
  }

  /** Synchronous round trips: REQ to {@code frontend}, REP echo on {@code backend}. */
  Targets.Latency roundTrips(String mode, String frontend, String backend, int size, long count)
      throws IOException, InterruptedException {
    Map<String, String> r =
        fields(
            run(
                List.of(
                    "lat", mode, frontend, backend == null ? "-" : backend, "" + size, "" + count),
                240),
            "lat");
    return new Targets.Latency(
        Long.parseLong(r.get("count")),
        Double.parseDouble(r.get("mean_us")),
        Long.parseLong(r.get("p50_us")),
        Long.parseLong(r.get("p99_us")));
  }

  /**
   * Starts {@code zmqbench peers}: {@code peers} connected peers moving 100 B messages for {@code
   * seconds}; the caller reads the device while it runs, then {@link Process#waitFor}s.
   */
  Process peers(String mode, String frontend, String backend, int peers, double seconds)
      throws IOException {
    return new ProcessBuilder(
            zmqbench.toString(),
            "peers",
            mode,
            frontend,
            backend,
            "" + peers,
            Double.toString(seconds))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  private String run(List<String> args, int boundSeconds) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(zmqbench.toString());
    cmd.addAll(args);
    Path out = Files.createTempFile("zmqbench-", ".out");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      if (!p.waitFor(boundSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("zmqbench " + args + " still running after " + boundSeconds + " s");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException("zmqbench " + args + " exited " + p.exitValue() + ": " + text);
      }
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  static Map<String, String> fields(String output, String prefix) throws IOException {
    for (String line : output.split("\n")) {
      if (line.startsWith(prefix + " ")) {
        Map<String, String> m = new HashMap<>();
        for (String kv : line.substring(prefix.length() + 1).trim().split("\\s+")) {
          int eq = kv.indexOf('=');
          m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
      }
    }
    throw new IOException("no '" + prefix + "' line in zmqbench output: " + output);
  }
}
