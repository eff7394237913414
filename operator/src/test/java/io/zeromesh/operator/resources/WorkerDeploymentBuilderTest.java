package io.zeromesh.operator.resources;

import static io.zeromesh.operator.testing.TestResources.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.zeromesh.operator.api.v1alpha1.CurveSpec;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.testing.TestResources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerDeploymentBuilderTest {
  @Test
  void brokerWorkersGetTheBackendEndpointFirstAndKeepTheirOwnEnv() {
    ZmqBroker broker =
        stored(TestResources.broker("prod", "orders", s -> s.setWorkers(TestResources.workers(3))));
    Deployment d = WorkerDeploymentBuilder.build(broker, ResolvedReferences.NONE, "");
    assertEquals("orders-broker-workers", d.getMetadata().getName());
    assertEquals(3, d.getSpec().getReplicas());
    var c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals("worker", c.getName());
    assertEquals(
        List.of("ZEROMESH_BROKER", "WORKER_OWN"),
        c.getEnv().stream().map(EnvVar::getName).toList());
    assertEquals("tcp://orders-broker-backend.prod.svc:5560", c.getEnv().get(0).getValue());
    assertEquals(List.of("probe", "rep", "--endpoint", "$(ZEROMESH_BROKER)"), c.getArgs());
    Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
    assertEquals("payments", labels.get("team"), "the template's labels stay");
    assertEquals("workers", labels.get(Labels.COMPONENT));
    assertEquals(
        Labels.selector(broker, Labels.COMPONENT_WORKERS),
        d.getSpec().getSelector().getMatchLabels());
    assertEquals(TestResources.UID, d.getMetadata().getOwnerReferences().get(0).getUid());
    // The user's template object is not changed by the build.
    assertEquals(
        1,
        broker
            .getSpec()
            .getWorkers()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getEnv()
            .size());
  }

  @Test
  void aUserVariableOfTheSameNameIsReplaced() {
    ZmqBroker broker =
        stored(TestResources.broker("prod", "orders", s -> s.setWorkers(TestResources.workers(1))));
    broker
        .getSpec()
        .getWorkers()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .add(new EnvVar("ZEROMESH_BROKER", "tcp://elsewhere:1", null));
    var env =
        WorkerDeploymentBuilder.build(broker, ResolvedReferences.NONE, "")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getEnv();
    assertEquals(1, env.stream().filter(e -> e.getName().equals("ZEROMESH_BROKER")).count());
    assertEquals("tcp://orders-broker-backend.prod.svc:5560", env.get(0).getValue());
  }

  @Test
  void curveWorkersGetTheServerKeyFromTheSecretAndRollWithIt() {
    ZmqBroker broker =
        stored(
            TestResources.broker(
                "prod",
                "orders",
                s -> {
                  s.setWorkers(TestResources.workers(1));
                  CurveSpec curve = new CurveSpec();
                  curve.setEnabled(true);
                  s.setCurve(curve);
                }));
    Deployment d = WorkerDeploymentBuilder.build(broker, ResolvedReferences.NONE, "k1");
    EnvVar key =
        d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
            .filter(e -> e.getName().equals("ZEROMESH_CURVE_SERVER_KEY"))
            .findFirst()
            .orElseThrow();
    assertEquals("orders-broker-curve", key.getValueFrom().getSecretKeyRef().getName());
    assertEquals("server.pub", key.getValueFrom().getSecretKeyRef().getKey());
    String hash =
        d.getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);
    String rotated =
        WorkerDeploymentBuilder.build(broker, ResolvedReferences.NONE, "k2")
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get(ConfigHash.ANNOTATION);
    assertNotEquals(hash, rotated);
  }

  /**
   * The key of a Secret the user names reaches the workers as a secretKeyRef, never as a literal
   * value: the kubelet reads it, so an operator that does not read Secrets
   * (ZEROMESH_CURVE_READ_SECRETS=false, secretsVersion "") gives the same env as one that does.
   */
  @Test
  void aNamedSecretsPublicKeyComesThroughASecretKeyRefWhetherTheOperatorReadsItOrNot() {
    ZmqBroker broker =
        stored(
            TestResources.broker(
                "prod",
                "orders",
                s -> {
                  s.setWorkers(TestResources.workers(1));
                  CurveSpec curve = new CurveSpec();
                  curve.setEnabled(true);
                  curve.setSecretName("orders-keys");
                  s.setCurve(curve);
                }));
    Deployment unread = WorkerDeploymentBuilder.build(broker, ResolvedReferences.NONE, "");
    Deployment read = WorkerDeploymentBuilder.build(broker, ResolvedReferences.NONE, "hash-of-k");
    for (Deployment d : List.of(unread, read)) {
      EnvVar key =
          d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
              .filter(e -> e.getName().equals("ZEROMESH_CURVE_SERVER_KEY"))
              .findFirst()
              .orElseThrow();
      assertEquals(null, key.getValue(), "no literal key in the pod template");
      assertEquals("orders-keys", key.getValueFrom().getSecretKeyRef().getName());
      assertEquals("server.pub", key.getValueFrom().getSecretKeyRef().getKey());
    }
    assertEquals(
        unread.getSpec().getTemplate().getSpec(),
        read.getSpec().getTemplate().getSpec(),
        "the pods are the same; only the hash annotation tells a read Secret's content");
    assertEquals(
        unread.getSpec().getTemplate().getMetadata().getAnnotations(),
        WorkerDeploymentBuilder.build(broker, ResolvedReferences.NONE, "")
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations(),
        "unread, the template does not change by itself: a rotation needs a restart");
  }

  @Test
  void stageWorkersGetInputAndOutputAndFollowSpecReplicas() {
    ZmqPipelineStage stage =
        stored(
            TestResources.stage(
                "prod",
                "resize",
                s -> {
                  s.setReplicas(4);
                  s.setTemplate(TestResources.workerTemplate("probe", "worker"));
                }));
    assertTrue(WorkerDeploymentBuilder.wanted(stage));
    Deployment d =
        WorkerDeploymentBuilder.build(stage, new ResolvedReferences(List.of(), "tcp://sink:9"), "");
    assertEquals(4, d.getSpec().getReplicas());
    assertEquals("resize-stage-workers", d.getMetadata().getName());
    var env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertEquals(
        new EnvVar("ZEROMESH_INPUT", "tcp://resize-stage-backend.prod.svc:5558", null), env.get(0));
    assertEquals(new EnvVar("ZEROMESH_OUTPUT", "tcp://sink:9", null), env.get(1));
  }

  @Test
  void noTemplateNoWorkers() {
    assertFalse(WorkerDeploymentBuilder.wanted(TestResources.stage("prod", "sink", s -> {})));
    assertFalse(WorkerDeploymentBuilder.wanted(TestResources.broker("prod", "b", s -> {})));
    assertEquals(0, WorkerDeploymentBuilder.replicas(TestResources.stage("prod", "sink", s -> {})));
  }
}
