package io.zeromesh.operator.reconciler;

import static io.zeromesh.operator.testing.TestResources.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zeromesh.operator.api.v1alpha1.CurveSpec;
import io.zeromesh.operator.api.v1alpha1.DisruptionBudgetSpec;
import io.zeromesh.operator.api.v1alpha1.NetworkPolicySpec;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.resources.CurveKeys;
import io.zeromesh.operator.testing.TestResources;
import org.junit.jupiter.api.Test;

/** Every dependent's desired() works without a Context: it is the pure builder's output. */
class DependentsDesiredTest {
  private final ZmqBroker broker =
      stored(
          TestResources.broker(
              "n",
              "b",
              s -> {
                s.setWorkers(TestResources.workers(2));
                s.getWorkers().setPodDisruptionBudget(new DisruptionBudgetSpec());
                CurveSpec curve = new CurveSpec();
                curve.setEnabled(true);
                s.setCurve(curve);
                NetworkPolicySpec policy = new NetworkPolicySpec();
                policy.setEnabled(true);
                s.setNetworkPolicy(policy);
              }));

  @Test
  void brokerDependents() {
    assertEquals(
        "b-broker",
        new BrokerReconciler.DeviceDeployment().desired(broker, null).getMetadata().getName());
    assertEquals(
        "zeromesh/broker:0.1.0",
        new BrokerReconciler.DeviceDeployment()
            .desired(broker, null)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getImage(),
        "the contract's default image without a context");
    assertEquals(
        2, new BrokerReconciler.WorkerDeployment().desired(broker, null).getSpec().getReplicas());
    assertEquals(
        "b-broker",
        new BrokerReconciler.FrontendService().desired(broker, null).getMetadata().getName());
    assertEquals(
        "b-broker-backend",
        new BrokerReconciler.BackendService().desired(broker, null).getMetadata().getName());
    assertEquals(
        40,
        CurveKeys.fromSecretData(new BrokerReconciler.CurveSecret().desired(broker, null).getData())
            .publicKey()
            .length());
    assertEquals(
        "b-broker-workers",
        new BrokerReconciler.WorkerDisruptionBudget()
            .desired(broker, null)
            .getMetadata()
            .getName());
    assertEquals(
        "b-broker",
        new BrokerReconciler.DeviceNetworkPolicy().desired(broker, null).getMetadata().getName());
  }

  @Test
  void stageAndForwarderDependents() {
    ZmqPipelineStage stage =
        stored(
            TestResources.stage(
                "n",
                "s",
                x -> {
                  x.setTemplate(TestResources.workerTemplate("probe"));
                  x.setOutput(TestResources.outputEndpoint("tcp://out:1"));
                }));
    var workers = new StageReconciler.WorkerDeployment().desired(stage, null);
    assertEquals("s-stage-workers", workers.getMetadata().getName());
    var forwarder = stored(TestResources.forwarder("n", "f", x -> {}));
    assertEquals(
        "f-forwarder",
        new ForwarderReconciler.DeviceDeployment()
            .desired(forwarder, null)
            .getMetadata()
            .getName());
  }

  @Test
  void dependentsAreAddressedByNameEvenWhenNotWanted() {
    ZmqBroker plain = stored(TestResources.broker("n", "p", s -> {}));
    assertEquals(
        "p-broker-workers",
        new BrokerReconciler.WorkerDeployment().targetSecondaryResourceID(plain, null).getName());
    assertEquals(
        "p-broker-curve",
        new BrokerReconciler.CurveSecret().targetSecondaryResourceID(plain, null).getName());
  }
}
