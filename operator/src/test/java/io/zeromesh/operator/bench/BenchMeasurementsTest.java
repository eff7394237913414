package io.zeromesh.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's readings of /q/metrics, /proc and the image's entrypoint (no cluster). */
class BenchMeasurementsTest {

  @Test
  void sumsTheReconcileCountersOfEveryControllerAndTheHeapPools() {
    String text =
        """
        # HELP operator_sdk_reconciliations_started_total
        # TYPE operator_sdk_reconciliations_started_total counter
        operator_sdk_reconciliations_started_total{controller="zmqbroker",group="zeromesh.io"} 400.0
        operator_sdk_reconciliations_started_total{controller="zmqforwarder",group="zeromesh.io"} 310.0
        operator_sdk_reconciliations_failed_total{controller="zmqbroker"} 7.0
        jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.048576E7
        jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.097152E7
        jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.9E7
        jvm_memory_max_bytes{area="heap",id="G1 Eden Space"} -1.0
        jvm_memory_max_bytes{area="heap",id="G1 Old Gen"} 2.68435456E8
        jvm_memory_committed_bytes{area="heap",id="G1 Old Gen"} 4.0E7
        jvm_gc_live_data_size_bytes 1.5E7
        """;
    OperatorMetrics m = OperatorMetrics.parse(text);
    assertEquals(710, m.reconcilesStarted());
    assertEquals(7, m.reconcilesFailed());
    assertEquals(3.145728E7, m.heapUsed());
    assertEquals(268435456, m.heapMax(), "pools without a maximum (-1) are left out");
    assertEquals(4.0E7, m.heapCommitted());
    assertEquals(1.5E7, m.liveData());
  }

  @Test
  void noReconcileCounterYetMeansZeroButNoHeapIsAnError() {
    assertEquals(
        0,
        OperatorMetrics.parse("jvm_memory_used_bytes{area=\"heap\",id=\"x\"} 5.0\n")
            .reconcilesStarted());
    assertThrows(IllegalStateException.class, () -> OperatorMetrics.parse("up 1.0\n"));
  }

  @Test
  void readsCpuTimeAndPeakRssOfARunningProcess() {
    long pid = ProcessHandle.current().pid();
    double cpu = ProcStats.cpuSeconds(pid);
    assertTrue(cpu > 0, "this JVM has used CPU: " + cpu);
    long rss = ProcStats.rssBytes(pid);
    long peak = ProcStats.peakRssBytes(pid); // read second: the peak only grows
    assertTrue(peak >= rss && rss > 10L * 1024 * 1024, "VmRSS " + rss + ", VmHWM " + peak);
    assertThrows(IllegalStateException.class, () -> ProcStats.cpuSeconds(Integer.MAX_VALUE));
  }

  @Test
  void runsTheOperatorWithTheEntrypointOfItsImage() {
    List<String> entrypoint =
        OperatorProcess.imageEntrypoint(
            ReconcileBenchmark.repoRoot().resolve("operator/image/pom.xml"));
    // The image's java (a property of the image's pom), which the benchmark replaces by this JDK's.
    assertEquals("${zeromesh.base.java}", entrypoint.get(0));
    assertTrue(entrypoint.contains("-XX:+ExitOnOutOfMemoryError"), entrypoint.toString());
    assertEquals(
        List.of("-jar", "/deployments/quarkus-run.jar"),
        entrypoint.subList(entrypoint.size() - 2, entrypoint.size()));
  }
}
