package io.zeromesh.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.e2e.support.CaseNamespace;
import io.zeromesh.e2e.support.DeviceMetrics;
import io.zeromesh.e2e.support.Devices;
import io.zeromesh.e2e.support.Probe;
import io.zeromesh.e2e.support.ProbeResult;
import io.zeromesh.e2e.support.ProbeRun;
import io.zeromesh.e2e.support.Step;
import io.zeromesh.e2e.support.Workers;
import io.zeromesh.e2e.support.ZeroMeshE2e;
import io.zeromesh.e2e.support.ZmqKind;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pipeline: a ventilator pushes tasks into a ZmqPipelineStage, its workers pass each on to a sink
 * stage, a sink pulls them all. The stage is scaled from 1 to 4 workers through {@code /scale}
 * during the run, and the new workers take a share.
 */
@ZeroMeshE2e
@Order(3)
class PipelineE2eTest {
  private static final int TASKS = 1000;
  private static final int SCALED = 4;

  @RegisterExtension final CaseNamespace ns = new CaseNamespace();

  @Test
  void allTasksReachTheSinkAndScalingSpreadsTheLoad() {
    // The sink: a stage without workers, the collecting end of the pipeline.
    ns.devices().create(ZmqKind.PIPELINE_STAGE, "sink", Map.of());
    String sinkBackend =
        Devices.backendEndpoint(
            ns.devices().awaitReady(ZmqKind.PIPELINE_STAGE, "sink", Duration.ofMinutes(3)));
    ns.devices()
        .create(
            ZmqKind.PIPELINE_STAGE,
            "work",
            Map.of(
                "output",
                Map.of("kind", ZmqKind.PIPELINE_STAGE.kind(), "name", "sink"),
                "replicas",
                1,
                "template",
                // The worker pulls from its stage and pushes each task on, its identity (the pod
                // name) in front, which the sink counts per worker.
                Workers.asMap(
                    Workers.probeTemplate(
                        "worker",
                        "--endpoint",
                        "$(ZEROMESH_INPUT)",
                        "--output",
                        "$(ZEROMESH_OUTPUT)"))));
    String workFrontend =
        Devices.frontendEndpoint(
            ns.devices().awaitReady(ZmqKind.PIPELINE_STAGE, "work", Duration.ofMinutes(3)));
    ns.devices().awaitPods(ZmqKind.PIPELINE_STAGE, "work", true, 1, Duration.ofMinutes(2));
    DeviceMetrics work = new DeviceMetrics(ns, ZmqKind.PIPELINE_STAGE, "work");
    work.await(
        "zeromesh_connected_peers",
        Map.of("socket", "backend"),
        ">= 1",
        v -> v >= 1,
        Duration.ofMinutes(1));

    ProbeRun sink =
        ns.probes()
            .start(
                Probe.job("sink", "pull")
                    .endpoint(sinkBackend)
                    .flag("count", Integer.toString(TASKS))
                    .flag("expect", Integer.toString(TASKS))
                    .timeoutSeconds(150));
    sink.awaitRunning(Duration.ofMinutes(1));
    // 1000 tasks at 40/s: 25 s of work, long enough to scale in the middle of it.
    ProbeRun ventilator =
        ns.probes()
            .start(
                Probe.job("ventilator", "push")
                    .endpoint(workFrontend)
                    .flag("count", Integer.toString(TASKS))
                    .flag("rate", "40")
                    .timeoutSeconds(90));
    work.await(
        "zeromesh_messages_total",
        Map.of("socket", "frontend", "direction", "in"),
        ">= 100 (tasks flowing)",
        v -> v >= 100,
        Duration.ofMinutes(2));
    ns.devices().scale(ZmqKind.PIPELINE_STAGE, "work", SCALED);
    Set<String> workers =
        ns
            .devices()
            .awaitPods(ZmqKind.PIPELINE_STAGE, "work", true, SCALED, Duration.ofMinutes(2))
            .stream()
            .map(p -> p.getMetadata().getName())
            .collect(java.util.stream.Collectors.toSet());
    work.await(
        "zeromesh_connected_peers",
        Map.of("socket", "backend"),
        ">= " + SCALED,
        v -> v >= SCALED,
        Duration.ofMinutes(1));

    ProbeResult pushed = ventilator.awaitResult();
    assertEquals(0, pushed.exitCode(), () -> pushed + "\n" + pushed.log());
    ProbeResult collected = sink.awaitResult();
    assertEquals(0, collected.exitCode(), () -> collected + "\n" + collected.log());
    assertEquals(TASKS, collected.received(), () -> "tasks at the sink: " + collected);

    Map<String, Long> perWorker = collected.peers();
    Step.log("%d tasks at the sink; per worker: %s", collected.received(), perWorker);
    assertEquals(workers, perWorker.keySet(), "workers seen by the sink vs worker pods");
    assertTrue(
        perWorker.values().stream().allMatch(n -> n > 0),
        () -> "every worker, also those added by scaling, took tasks: " + perWorker);
    assertEquals(
        TASKS, perWorker.values().stream().mapToLong(Long::longValue).sum(), "tasks per worker");
  }
}
