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

/** The libzmq load generator: runs {@code zmqbench thr|lat} (bench/zmqbench.c) per measurement. */
final class CLoad implements LoadGenerator {
  private final Path zmqbench;
  private final String version;
  private final double maxSeconds;

  CLoad(Path zmqbench, double maxSeconds) throws IOException, InterruptedException {
    this.zmqbench = zmqbench;
    this.maxSeconds = maxSeconds;
    this.version = run(List.of("version"), 10).trim();
  }

  @Override
  public String name() {
    return "libzmq " + version + " (C, zmqbench)";
  }

  String libzmqVersion() {
    return version;
  }

  @Override
  public Throughput throughput(String mode, String frontend, String backend, int size, long count)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(args("thr", mode, frontend, backend, size, count));
    args.add(Double.toString(maxSeconds));
    Map<String, String> r = fields(run(args, 240), "thr");
    return new Throughput(
        Long.parseLong(r.get("received")),
        Long.parseLong(r.get("sent")),
        Long.parseLong(r.get("elapsed_us")));
  }

  @Override
  public Latency roundTrips(String mode, String frontend, String backend, int size, long count)
      throws IOException, InterruptedException {
    Map<String, String> r =
        fields(run(args("lat", mode, frontend, backend, size, count), 240), "lat");
    return new Latency(
        Long.parseLong(r.get("count")),
        Double.parseDouble(r.get("mean_us")),
        Long.parseLong(r.get("p50_us")),
        Long.parseLong(r.get("p99_us")));
  }

  private static List<String> args(
      String cmd, String mode, String frontend, String backend, int size, long count) {
    return List.of(cmd, mode, frontend, backend == null ? "-" : backend, "" + size, "" + count);
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

  private static Map<String, String> fields(String output, String prefix) throws IOException {
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
