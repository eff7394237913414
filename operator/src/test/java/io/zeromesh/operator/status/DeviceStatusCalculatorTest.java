package io.zeromesh.operator.status;

import static io.zeromesh.operator.testing.TestResources.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.zeromesh.operator.api.v1alpha1.Endpoints;
import io.zeromesh.operator.api.v1alpha1.WorkersStatus;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.testing.TestResources;
import org.junit.jupiter.api.Test;

class DeviceStatusCalculatorTest {
  private static final String T0 = "2026-01-01T00:00:00Z";
  private static final String T1 = "2026-01-01T00:05:00Z";

  private final ZmqBroker broker =
      stored(TestResources.broker("n", "b", s -> s.setWorkers(TestResources.workers(2))));

  private static Deployment deployment(
      int replicas, int available, long generation, long observed) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("d")
        .withGeneration(generation)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .endSpec()
        .withNewStatus()
        .withObservedGeneration(observed)
        .withReplicas(replicas)
        .withUpdatedReplicas(replicas)
        .withReadyReplicas(available)
        .withAvailableReplicas(available)
        .endStatus()
        .build();
  }

  private Condition ready(StatusValues v) {
    return Conditions.find(v.conditions(), Conditions.READY).orElseThrow();
  }

  @Test
  void noDeviceYetIsProgressingWithEndpointsAlready() {
    StatusValues v =
        DeviceStatusCalculator.compute(broker, Verdict.OK, ObservedChildren.NONE, null, T0);
    assertEquals("False", ready(v).getStatus());
    assertEquals("Progressing", ready(v).getReason());
    assertEquals(3L, ready(v).getObservedGeneration());
    assertEquals(T0, ready(v).getLastTransitionTime());
    assertEquals(
        new Endpoints("tcp://b-broker.n.svc:5559", "tcp://b-broker-backend.n.svc:5560", null),
        v.endpoints());
    assertEquals(3L, v.observedGeneration());
    assertEquals("0/2", v.workers());
    assertEquals("0/1", v.devices());
  }

  @Test
  void aRejectedChildIsNotReadyButEndpointsAndWorkersAreReported() {
    StatusValues v =
        DeviceStatusCalculator.compute(
            broker,
            Verdict.childRejected("the API server rejected Service b-broker: no"),
            new ObservedChildren(deployment(1, 1, 2, 2), deployment(2, 2, 5, 5), null),
            null,
            T0);
    assertEquals("False", ready(v).getStatus());
    assertEquals("ChildRejected", ready(v).getReason());
    assertEquals("the API server rejected Service b-broker: no", ready(v).getMessage());
    assertEquals(
        new Endpoints("tcp://b-broker.n.svc:5559", "tcp://b-broker-backend.n.svc:5560", null),
        v.endpoints());
    assertEquals("2/2", v.workers());
    assertEquals(
        "True",
        Conditions.find(v.conditions(), Conditions.WORKERS_READY).orElseThrow().getStatus());
  }

  @Test
  void replicatedDevicesReportEveryReplicaAndAreReadyWithOneAvailable() {
    ZmqBroker replicated =
        stored(
            TestResources.broker(
                "n",
                "b",
                s -> {
                  s.setDeviceReplicas(3);
                  s.setWorkers(TestResources.workers(2));
                }));
    var set =
        new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder()
            .withNewMetadata()
            .withName("b-broker")
            .withGeneration(4L)
            .endMetadata()
            .withNewSpec()
            .withReplicas(3)
            .endSpec()
            .withNewStatus()
            .withObservedGeneration(4L)
            .withReplicas(3)
            .withUpdatedReplicas(3)
            .withReadyReplicas(2)
            .withAvailableReplicas(2)
            .withCurrentRevision("r1")
            .withUpdateRevision("r1")
            .endStatus()
            .build();
    StatusValues v =
        DeviceStatusCalculator.compute(
            replicated,
            Verdict.OK,
            new ObservedChildren(null, deployment(2, 2, 5, 5), null, set),
            null,
            T0);
    assertEquals("True", ready(v).getStatus());
    assertEquals(
        "device serving at tcp://b-broker.n.svc:5559 (2 of 3 replicas available)",
        ready(v).getMessage());
    assertEquals("2/3", v.devices());
    assertEquals(
        java.util.List.of(
            "tcp://b-broker-0.b-broker-pods.n.svc:5559",
            "tcp://b-broker-1.b-broker-pods.n.svc:5559",
            "tcp://b-broker-2.b-broker-pods.n.svc:5559"),
        v.endpoints().getFrontendReplicas());
    assertEquals(
        "tcp://b-broker-2.b-broker-pods.n.svc:5560", v.endpoints().getBackendReplicas().get(2));
    assertEquals("b-broker-pods.n.svc", v.endpoints().getReplicasHost());

    // A rolling update in flight (revisions differ): not rolled out yet.
    set.getStatus().setUpdateRevision("r2");
    set.getStatus().setUpdatedReplicas(1);
    StatusValues rolling =
        DeviceStatusCalculator.compute(
            replicated,
            Verdict.OK,
            new ObservedChildren(null, deployment(2, 2, 5, 5), null, set),
            null,
            T0);
    assertEquals("Progressing", ready(rolling).getReason());
    assertEquals(
        "waiting for the device pods of b-broker to become available", ready(rolling).getMessage());
  }

  @Test
  void availableDeviceIsReadyAndWorkersAreCounted() {
    StatusValues v =
        DeviceStatusCalculator.compute(
            broker,
            Verdict.OK,
            new ObservedChildren(deployment(1, 1, 2, 2), deployment(2, 1, 5, 5), null),
            null,
            T0);
    assertEquals("True", ready(v).getStatus());
    assertEquals("Available", ready(v).getReason());
    assertEquals("device serving at tcp://b-broker.n.svc:5559", ready(v).getMessage());
    assertEquals(2, v.replicas());
    assertEquals(1, v.readyReplicas());
    assertEquals("1/2", v.workers());
    Condition workers = Conditions.find(v.conditions(), Conditions.WORKERS_READY).orElseThrow();
    assertEquals("False", workers.getStatus());
    assertEquals("1 of 2 workers ready", workers.getMessage());
  }

  @Test
  void aDeviceNotYetRolledOutIsNotReady() {
    StatusValues v =
        DeviceStatusCalculator.compute(
            broker, Verdict.OK, new ObservedChildren(deployment(1, 1, 3, 2), null, null), null, T0);
    assertEquals("Progressing", ready(v).getReason());
  }

  @Test
  void aReadyDeviceThatLosesItsPodIsUnavailable() {
    StatusValues before =
        DeviceStatusCalculator.compute(
            broker, Verdict.OK, new ObservedChildren(deployment(1, 1, 2, 2), null, null), null, T0);
    WorkersStatus stored = before.applyTo(new WorkersStatus());
    StatusValues after =
        DeviceStatusCalculator.compute(
            broker,
            Verdict.OK,
            new ObservedChildren(deployment(1, 0, 2, 2), null, null),
            stored,
            T1);
    assertEquals("DeviceUnavailable", ready(after).getReason());
    assertEquals(T1, ready(after).getLastTransitionTime(), "the status flipped");
  }

  @Test
  void progressDeadlineExceededIsUnavailable() {
    Deployment stuck = deployment(1, 0, 2, 2);
    stuck
        .getStatus()
        .setConditions(
            java.util.List.of(
                new DeploymentConditionBuilder()
                    .withType("Progressing")
                    .withStatus("False")
                    .withReason("ProgressDeadlineExceeded")
                    .build()));
    StatusValues v =
        DeviceStatusCalculator.compute(
            broker, Verdict.OK, new ObservedChildren(stuck, null, null), null, T0);
    assertEquals("DeviceUnavailable", ready(v).getReason());
  }

  @Test
  void aNoteOnWhatTheOperatorCannotCheckIsAddedOnlyWhileTheDeviceIsNotAvailable() {
    String note = "its pods mount Secret k (spec.curve.secretName)";
    StatusValues waiting =
        DeviceStatusCalculator.compute(
            broker,
            Verdict.OK,
            new ObservedChildren(deployment(1, 0, 2, 2), null, null),
            null,
            T0,
            note);
    assertEquals("Progressing", ready(waiting).getReason());
    assertEquals(
        "waiting for the device pod of b-broker to become available; " + note,
        ready(waiting).getMessage());
    Deployment stuck = deployment(1, 0, 2, 2);
    stuck
        .getStatus()
        .setConditions(
            java.util.List.of(
                new DeploymentConditionBuilder()
                    .withType("Progressing")
                    .withStatus("False")
                    .withReason("ProgressDeadlineExceeded")
                    .build()));
    StatusValues unavailable =
        DeviceStatusCalculator.compute(
            broker, Verdict.OK, new ObservedChildren(stuck, null, null), null, T0, note);
    assertEquals("DeviceUnavailable", ready(unavailable).getReason());
    assertEquals(
        "the device pod of b-broker is not available; " + note, ready(unavailable).getMessage());
    StatusValues serving =
        DeviceStatusCalculator.compute(
            broker,
            Verdict.OK,
            new ObservedChildren(deployment(1, 1, 2, 2), null, null),
            null,
            T0,
            note);
    assertEquals("device serving at tcp://b-broker.n.svc:5559", ready(serving).getMessage());
    StatusValues invalid =
        DeviceStatusCalculator.compute(
            broker, Verdict.invalidSpec("spec.x: bad"), ObservedChildren.NONE, null, T0, note);
    assertEquals("spec.x: bad", ready(invalid).getMessage());
  }

  @Test
  void lastTransitionTimeStaysWhileTheStatusHolds() {
    WorkersStatus stored =
        DeviceStatusCalculator.compute(broker, Verdict.OK, ObservedChildren.NONE, null, T0)
            .applyTo(new WorkersStatus());
    StatusValues later =
        DeviceStatusCalculator.compute(
            broker, Verdict.invalidSpec("spec.x: bad"), ObservedChildren.NONE, stored, T1);
    assertEquals(T0, ready(later).getLastTransitionTime(), "False stays False: no transition");
    assertEquals("InvalidSpec", ready(later).getReason());
    assertEquals("spec.x: bad", ready(later).getMessage());
  }

  @Test
  void invalidSpecKeepsThePreviousEndpointsAndHasNoWorkersCondition() {
    WorkersStatus stored =
        DeviceStatusCalculator.compute(broker, Verdict.OK, ObservedChildren.NONE, null, T0)
            .applyTo(new WorkersStatus());
    broker.getSpec().getFrontend().setPort(9999);
    StatusValues v =
        DeviceStatusCalculator.compute(
            broker, Verdict.referenceNotFound("gone"), ObservedChildren.NONE, stored, T1);
    assertEquals("tcp://b-broker.n.svc:5559", v.endpoints().getFrontend());
    assertEquals(1, v.conditions().size());
    assertEquals("ReferenceNotFound", ready(v).getReason());
  }

  @Test
  void nodePortIsReportedFromTheService() {
    var service =
        new ServiceBuilder()
            .withNewSpec()
            .addNewPort()
            .withName("frontend")
            .withPort(5559)
            .withNodePort(31000)
            .endPort()
            .endSpec()
            .build();
    StatusValues v =
        DeviceStatusCalculator.compute(
            broker, Verdict.OK, new ObservedChildren(null, null, service), null, T0);
    assertEquals(31000, v.endpoints().getFrontendNodePort());
  }

  @Test
  void aStageWithoutWorkersStillReportsASelectorForScale() {
    ZmqPipelineStage sink = stored(TestResources.stage("n", "sink", s -> {}));
    StatusValues v =
        DeviceStatusCalculator.compute(sink, Verdict.OK, ObservedChildren.NONE, null, T0);
    assertEquals(0, v.replicas());
    assertEquals(
        "app.kubernetes.io/name=zeromesh-stage,app.kubernetes.io/instance=sink,app.kubernetes.io/component=workers",
        v.selector());
    assertEquals(1, v.conditions().size(), "no WorkersReady without workers");
    ZmqBroker plain = stored(TestResources.broker("n", "p", s -> {}));
    assertNull(
        DeviceStatusCalculator.compute(plain, Verdict.OK, ObservedChildren.NONE, null, T0)
            .workers());
  }
}
