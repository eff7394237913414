package io.zeromesh.operator.it;

import static io.zeromesh.operator.it.BrokerReconcilerIT.env;
import static io.zeromesh.operator.it.ItSupport.assertOwnedBy;
import static io.zeromesh.operator.it.ItSupport.awaitPresent;
import static io.zeromesh.operator.it.ItSupport.eventually;
import static io.zeromesh.operator.it.ItSupport.ready;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.resources.DeviceResources;
import io.zeromesh.operator.testing.TestResources;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ZmqPipelineStage: workers wired to input and output, /scale, late references, cycles. */
@Timeout(180)
class StageReconcilerIT {
  private KubernetesClient client;
  private String ns;

  @BeforeEach
  void setUp() {
    ClusterFixture cluster = ClusterFixture.get();
    client = cluster.client();
    ns = cluster.newNamespace("stage");
  }

  @Test
  void workersGetInputAndOutputAndFollowTheScaleSubresource() {
    ZmqPipelineStage sink = client.resource(TestResources.stage(ns, "sink", s -> {})).create();
    ZmqPipelineStage work =
        client
            .resource(
                TestResources.stage(
                    ns,
                    "work",
                    s -> {
                      s.setReplicas(1);
                      s.setTemplate(
                          TestResources.workerTemplate(
                              "probe", "worker", "--endpoint", "$(ZEROMESH_INPUT)"));
                      s.setOutput(TestResources.output("ZmqPipelineStage", "sink"));
                    }))
            .create();
    DeviceResources names = DeviceResources.of(work);

    Deployment workers = awaitPresent(() -> deployment(names.workerDeployment()), "workers");
    Deployment device = awaitPresent(() -> deployment(names.deviceDeployment()), "device");
    var worker = workers.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(
        "tcp://work-stage-backend." + ns + ".svc:5558", env(worker.getEnv(), "ZEROMESH_INPUT"));
    assertEquals("tcp://sink-stage." + ns + ".svc:5557", env(worker.getEnv(), "ZEROMESH_OUTPUT"));
    assertEquals("kept", env(worker.getEnv(), "WORKER_OWN"));
    assertEquals(
        java.util.List.of("streamer"),
        device.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs());
    assertOwnedBy(workers, work);
    assertOwnedBy(device, work);
    // The sink has no template: no worker Deployment.
    awaitPresent(() -> deployment(DeviceResources.of(sink).deviceDeployment()), "sink device");
    assertNull(deployment(DeviceResources.of(sink).workerDeployment()));

    // kubectl scale: through the /scale subresource, which maps to spec.replicas.
    client.resources(ZmqPipelineStage.class).inNamespace(ns).withName("work").scale(4);
    eventually()
        .untilAsserted(
            () -> assertEquals(4, deployment(names.workerDeployment()).getSpec().getReplicas()));
    assertEquals(4, current("work").getSpec().getReplicas());
    ItSupport.markAvailable(client, deployment(names.workerDeployment()));
    ZmqPipelineStage scaled =
        eventually()
            .until(
                () -> current("work"),
                s ->
                    s.getStatus() != null
                        && Integer.valueOf(4).equals(s.getStatus().getReplicas()));
    assertEquals(4, scaled.getStatus().getReadyReplicas());
    assertEquals("4/4", scaled.getStatus().getWorkers());
    // The scale subresource reads status.replicas and status.selector back.
    var scale = client.resources(ZmqPipelineStage.class).inNamespace(ns).withName("work").scale();
    assertEquals(4, scale.getStatus().getReplicas());
    assertEquals(scaled.getStatus().getSelector(), scale.getStatus().getSelector());
  }

  @Test
  void missingOutputIsReportedAndHealsWhenItAppears() {
    client
        .resource(
            TestResources.stage(
                ns,
                "early",
                s -> {
                  s.setTemplate(TestResources.workerTemplate("probe", "worker"));
                  s.setOutput(TestResources.output("ZmqPipelineStage", "later"));
                }))
        .create();
    ZmqPipelineStage waiting =
        eventually()
            .until(
                () -> current("early"),
                s ->
                    ready(s.getStatus())
                        .map(c -> "ReferenceNotFound".equals(c.getReason()))
                        .orElse(false));
    Condition condition = ready(waiting.getStatus()).orElseThrow();
    assertEquals(
        "not found: spec.output: ZmqPipelineStage " + ns + "/later", condition.getMessage());
    assertNull(deployment("early-stage-workers"));

    client.resource(TestResources.stage(ns, "later", s -> {})).create();
    Deployment workers =
        awaitPresent(() -> deployment("early-stage-workers"), "workers once the output exists");
    assertEquals(
        "tcp://later-stage." + ns + ".svc:5557",
        env(
            workers.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv(),
            "ZEROMESH_OUTPUT"));
    eventually()
        .until(
            () -> current("early"),
            s -> ready(s.getStatus()).map(c -> "Progressing".equals(c.getReason())).orElse(false));

    // The output's input port changes: the workers follow.
    ZmqPipelineStage later = current("later");
    later.getSpec().getFrontend().setPort(7001);
    client.resource(later).update();
    eventually()
        .untilAsserted(
            () ->
                assertEquals(
                    "tcp://later-stage." + ns + ".svc:7001",
                    env(
                        deployment("early-stage-workers")
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getEnv(),
                        "ZEROMESH_OUTPUT")));
  }

  @Test
  void aPipelineLoopIsAnInvalidSpec() {
    client
        .resource(
            TestResources.stage(
                ns, "a", s -> s.setOutput(TestResources.output("ZmqPipelineStage", "b"))))
        .create();
    client
        .resource(
            TestResources.stage(
                ns, "b", s -> s.setOutput(TestResources.output("ZmqPipelineStage", "a"))))
        .create();
    for (String name : java.util.List.of("a", "b")) {
      ZmqPipelineStage looped =
          eventually()
              .until(
                  () -> current(name),
                  s ->
                      ready(s.getStatus())
                          .map(c -> "InvalidSpec".equals(c.getReason()))
                          .orElse(false));
      String message = ready(looped.getStatus()).orElseThrow().getMessage();
      assertTrue(message.startsWith("spec.output: the pipeline leads back"), message);
    }
  }

  private ZmqPipelineStage current(String name) {
    return client.resources(ZmqPipelineStage.class).inNamespace(ns).withName(name).get();
  }

  private Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }
}
