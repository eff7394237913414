package io.zeromesh.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict lines of the benchmark, from made-up figures (no cluster). */
class VerdictsTest {
  private static final double MIB = 1024 * 1024;

  private final BenchSettings settings =
      new BenchSettings(
          List.of(1000, 5000),
          5,
          Duration.ofSeconds(600),
          Duration.ofSeconds(1),
          4,
          Duration.ofSeconds(20),
          List.of("-Xmx256m"),
          Path.of("/nonexistent"),
          "1.37.2");

  /** A converged scale: minimal writes, 1.5 reconciles per resource, 8 s after the last create. */
  private static ScaleRun.Result converged(int count, double seconds, double retainedMib) {
    int children = count * 36 / 10;
    return new ScaleRun.Result(
        count,
        children,
        true,
        seconds,
        seconds - 8,
        "watch events",
        1.5 * count,
        1.5 * count,
        0,
        children,
        count,
        0,
        children + count,
        0,
        (long) (300 * MIB),
        20 * MIB,
        150 * MIB,
        100 * MIB,
        retainedMib * MIB,
        256 * MIB,
        true,
        10,
        4,
        40,
        8,
        5,
        1,
        1);
  }

  @Test
  void everyTargetMetWhenTheFiguresMeetThem() {
    List<String> lines =
        ReconcileBenchmark.verdicts(
            settings, List.of(converged(1000, 30, 60), converged(5000, 140, 150)));
    assertEquals(6, lines.size(), lines.toString());
    lines.forEach(line -> assertTrue(line.startsWith("MET "), line));
  }

  @Test
  void anExitedOperatorAndSuperLinearGrowthAreMissed() {
    ScaleRun.Result first = converged(1000, 30, 60);
    ScaleRun.Result c = converged(5000, 200, 250);
    ScaleRun.Result exited =
        new ScaleRun.Result(
            c.count(),
            c.children(),
            false,
            c.convergedSeconds(),
            c.createSeconds(),
            "exited",
            c.reconcilesAtConvergence(),
            c.reconciles(),
            0,
            c.childWrites(),
            c.statusWrites(),
            0,
            c.writeRequests(),
            0,
            c.peakRssBytes(),
            c.idleHeapBytes(),
            255 * MIB,
            255 * MIB,
            Double.NaN,
            c.heapMaxBytes(),
            false,
            100,
            4,
            40,
            8,
            5,
            1,
            1);
    List<String> lines = ReconcileBenchmark.verdicts(settings, List.of(first, exited));
    assertTrue(lines.get(0).startsWith("MISSED") && lines.get(0).contains("(operator exited)"));
    assertTrue(lines.get(2).startsWith("MET "), "1,000 after the last create: " + lines.get(2));
    assertTrue(lines.get(3).startsWith("MISSED") && lines.get(3).contains("EXITED"), lines.get(3));
    assertTrue(lines.get(4).startsWith("MISSED"), "x6.7 in time for x5 resources: " + lines.get(4));
    assertTrue(lines.get(5).startsWith("MISSED"), "100 s of CPU vs 40 s: " + lines.get(5));
  }

  @Test
  void aHeapThatOnlyJustFitsIsMissedThoughTheOperatorSurvived() {
    ScaleRun.Result first = converged(1000, 30, 60);
    ScaleRun.Result tight = converged(5000, 140, 230); // 230 of 256 MiB live after a full GC
    String heap = ReconcileBenchmark.verdicts(settings, List.of(first, tight)).get(3);
    assertTrue(heap.startsWith("MISSED") && heap.contains("live 230.0 MiB"), heap);
    ScaleRun.Result roomy = converged(5000, 140, 150);
    heap = ReconcileBenchmark.verdicts(settings, List.of(first, roomy)).get(3);
    assertTrue(heap.startsWith("MET ") && heap.contains("alive"), heap);
  }

  @Test
  void writesBeyondTheMinimumOrAfterConvergenceAreMissed() {
    ScaleRun.Result c = converged(1000, 30, 60);
    ScaleRun.Result lateWrites =
        new ScaleRun.Result(
            c.count(),
            c.children(),
            true,
            c.convergedSeconds(),
            c.createSeconds(),
            c.timedBy(),
            c.reconcilesAtConvergence(),
            c.reconciles(),
            0,
            c.childWrites(),
            c.statusWrites(),
            3,
            c.writeRequests(),
            3,
            c.peakRssBytes(),
            c.idleHeapBytes(),
            c.peakHeapUsedBytes(),
            c.peakLiveDataBytes(),
            c.retainedHeapBytes(),
            c.heapMaxBytes(),
            true,
            10,
            4,
            40,
            8,
            5,
            1,
            1);
    String line = ReconcileBenchmark.verdicts(settings, List.of(lateWrites)).get(0);
    assertTrue(
        line.startsWith("MISSED") && line.contains("3 (3 requests) in the 20 s after"), line);
  }

  /** A no-op apply or a 409 changes nothing a watch sees, but it is a request all the same. */
  @Test
  void writeRequestsBeyondTheMinimumAreMissedWhenTheWatchesSawNone() {
    ScaleRun.Result c = converged(1000, 30, 60);
    ScaleRun.Result noOps =
        new ScaleRun.Result(
            c.count(),
            c.children(),
            true,
            c.convergedSeconds(),
            c.createSeconds(),
            c.timedBy(),
            c.reconcilesAtConvergence(),
            c.reconciles(),
            0,
            c.childWrites(),
            c.statusWrites(),
            0,
            c.minimalWrites() + 11,
            2,
            c.peakRssBytes(),
            c.idleHeapBytes(),
            c.peakHeapUsedBytes(),
            c.peakLiveDataBytes(),
            c.retainedHeapBytes(),
            c.heapMaxBytes(),
            true,
            10,
            4,
            40,
            8,
            5,
            1,
            1);
    String line = ReconcileBenchmark.verdicts(settings, List.of(noOps)).get(0);
    assertTrue(
        line.startsWith("MISSED") && line.contains("(4,611 write requests)"),
        "11 requests over the minimum, 2 after: " + line);
  }
}
