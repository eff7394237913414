package io.zeromesh.operator.resources;

import static io.zeromesh.operator.testing.TestResources.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.testing.TestResources;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Three device replicas: StatefulSet, headless Service, budget, and who connects where. */
class ReplicatedDeviceTest {
  private final ZmqBroker broker =
      stored(
          TestResources.broker(
              "n",
              "orders",
              s -> {
                s.setDeviceReplicas(3);
                s.setWorkers(TestResources.workers(2));
              }));

  private static final Map<String, String> DEVICE_SELECTOR =
      Map.of(
          Labels.NAME, "zeromesh-broker",
          Labels.INSTANCE, "orders",
          Labels.COMPONENT, "device");

  @Test
  void theDeviceIsAStatefulSetWhosePodIsTheDeploymentsPodSpreadOverNodes() {
    StatefulSet set =
        DeviceDeploymentBuilder.buildStatefulSet(
            broker, OperatorDefaults.STANDARD, ResolvedReferences.NONE, "");
    assertEquals("orders-broker", set.getMetadata().getName());
    assertEquals(3, set.getSpec().getReplicas());
    assertEquals("orders-broker-pods", set.getSpec().getServiceName());
    assertEquals("RollingUpdate", set.getSpec().getUpdateStrategy().getType());
    assertEquals(0, set.getSpec().getUpdateStrategy().getRollingUpdate().getPartition());
    assertEquals("Parallel", set.getSpec().getPodManagementPolicy());
    assertEquals(DEVICE_SELECTOR, set.getSpec().getSelector().getMatchLabels());
    assertEquals(Labels.of(broker, Labels.COMPONENT_DEVICE), set.getMetadata().getLabels());
    assertEquals("orders", set.getMetadata().getOwnerReferences().get(0).getName());

    // The same pod as one replica's, plus the preference for distinct nodes.
    ZmqBroker single =
        stored(TestResources.broker("n", "orders", s -> s.setWorkers(TestResources.workers(2))));
    Deployment one =
        DeviceDeploymentBuilder.build(
            single, OperatorDefaults.STANDARD, ResolvedReferences.NONE, "");
    PodSpec replicaPod = set.getSpec().getTemplate().getSpec();
    var antiAffinity =
        replicaPod
            .getAffinity()
            .getPodAntiAffinity()
            .getPreferredDuringSchedulingIgnoredDuringExecution();
    assertEquals(1, antiAffinity.size());
    assertEquals(100, antiAffinity.get(0).getWeight());
    assertEquals(
        "kubernetes.io/hostname", antiAffinity.get(0).getPodAffinityTerm().getTopologyKey());
    assertEquals(
        DEVICE_SELECTOR,
        antiAffinity.get(0).getPodAffinityTerm().getLabelSelector().getMatchLabels());
    assertEquals(
        one.getSpec().getTemplate().getSpec(),
        new PodSpecBuilder(replicaPod).withAffinity(null).build());
    assertEquals(
        one.getSpec().getTemplate().getMetadata(), set.getSpec().getTemplate().getMetadata());
  }

  @Test
  void aUserAffinityIsKeptAsItIs() {
    var affinity =
        new io.fabric8.kubernetes.api.model.AffinityBuilder()
            .withNewNodeAffinity()
            .endNodeAffinity()
            .build();
    broker.getSpec().setAffinity(affinity);
    StatefulSet set =
        DeviceDeploymentBuilder.buildStatefulSet(
            broker, OperatorDefaults.STANDARD, ResolvedReferences.NONE, "");
    assertEquals(affinity, set.getSpec().getTemplate().getSpec().getAffinity());
  }

  @Test
  void oneReplicaHasNoAntiAffinity() {
    ZmqBroker single = stored(TestResources.broker("n", "orders", s -> {}));
    assertNull(
        DeviceDeploymentBuilder.build(
                single, OperatorDefaults.STANDARD, ResolvedReferences.NONE, "")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getAffinity());
    assertFalse(DeviceDisruptionBudgetBuilder.wanted(single));
  }

  @Test
  void theHeadlessServiceNamesEveryReadyReplica() {
    Service headless = DeviceServiceBuilder.headless(broker);
    assertEquals("orders-broker-pods", headless.getMetadata().getName());
    assertEquals("None", headless.getSpec().getClusterIP());
    assertFalse(Boolean.TRUE.equals(headless.getSpec().getPublishNotReadyAddresses()));
    assertEquals(DEVICE_SELECTOR, headless.getSpec().getSelector());
    assertEquals(
        List.of("frontend:5559", "backend:5560"),
        headless.getSpec().getPorts().stream().map(p -> p.getName() + ":" + p.getPort()).toList());
  }

  @Test
  void aBudgetLetsOneReplicaGoAtATime() {
    PodDisruptionBudget pdb = DeviceDisruptionBudgetBuilder.build(broker);
    assertEquals("orders-broker", pdb.getMetadata().getName());
    assertEquals(new IntOrString(1), pdb.getSpec().getMaxUnavailable());
    assertNull(pdb.getSpec().getMinAvailable());
    assertEquals(DEVICE_SELECTOR, pdb.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void onAServerWithoutPolicyV1TheBudgetIsTheSameInV1beta1() {
    PodDisruptionBudget v1 = DeviceDisruptionBudgetBuilder.build(broker);
    var v1beta1 = PolicyV1beta1.of(v1);
    assertEquals("policy/v1beta1", v1beta1.getApiVersion());
    assertEquals(v1.getMetadata(), v1beta1.getMetadata());
    assertEquals(v1.getSpec().getMaxUnavailable(), v1beta1.getSpec().getMaxUnavailable());
    assertEquals(v1.getSpec().getMinAvailable(), v1beta1.getSpec().getMinAvailable());
    assertEquals(v1.getSpec().getSelector(), v1beta1.getSpec().getSelector());
  }

  @Test
  void queueWorkersConnectToEveryReplicasBackend() {
    assertEquals(
        "tcp://orders-broker-0.orders-broker-pods.n.svc:5560,"
            + "tcp://orders-broker-1.orders-broker-pods.n.svc:5560,"
            + "tcp://orders-broker-2.orders-broker-pods.n.svc:5560",
        env(WorkerDeploymentBuilder.env(broker, ResolvedReferences.NONE), "ZEROMESH_BROKER"));
  }

  @Test
  void streamerWorkersTakeFromEveryReplicaAndSendIntoEveryReplicaOfTheNextStage() {
    ZmqPipelineStage sink = TestResources.stage("n", "sink", s -> s.setDeviceReplicas(2));
    ZmqPipelineStage work =
        TestResources.stage(
            "n",
            "work",
            s -> {
              s.setDeviceReplicas(2);
              s.setTemplate(TestResources.workerTemplate("probe"));
              s.setOutput(TestResources.output("ZmqPipelineStage", "sink"));
            });
    var resolved = ReferenceResolver.resolve(work, lookup(null, sink));
    var references = ((ReferenceResolver.Resolved) resolved).references();
    List<EnvVar> env = WorkerDeploymentBuilder.env(work, references);
    assertEquals(
        "tcp://work-stage-0.work-stage-pods.n.svc:5558,tcp://work-stage-1.work-stage-pods.n.svc:5558",
        env(env, "ZEROMESH_INPUT"));
    assertEquals(
        "tcp://sink-stage-0.sink-stage-pods.n.svc:5557,tcp://sink-stage-1.sink-stage-pods.n.svc:5557",
        env(env, "ZEROMESH_OUTPUT"));
  }

  @Test
  void publishersReachEveryForwarderReplicaButADownstreamForwarderSubscribesAtOne() {
    ZmqForwarder news = TestResources.forwarder("n", "news", s -> s.setDeviceReplicas(3));
    ZmqPipelineStage producer =
        TestResources.stage(
            "n",
            "p",
            s -> {
              s.setTemplate(TestResources.workerTemplate("probe"));
              s.setOutput(TestResources.output("ZmqForwarder", "news"));
            });
    assertEquals(
        "tcp://news-forwarder-0.news-forwarder-pods.n.svc:5557,"
            + "tcp://news-forwarder-1.news-forwarder-pods.n.svc:5557,"
            + "tcp://news-forwarder-2.news-forwarder-pods.n.svc:5557",
        ((ReferenceResolver.Resolved) ReferenceResolver.resolve(producer, lookup(news, null)))
            .references()
            .output());
    ZmqForwarder regional =
        TestResources.forwarder(
            "n", "regional", s -> s.setUpstreams(List.of(TestResources.upstream("news"))));
    assertEquals(
        List.of("tcp://news-forwarder-backend.n.svc:5558"),
        ((ReferenceResolver.Resolved) ReferenceResolver.resolve(regional, lookup(news, null)))
            .references()
            .upstreams(),
        "through the Service: one replica, each message once");
  }

  @Test
  void aReplicatedNameLeavesRoomForThePodsRevisionLabel() {
    String name = "a".repeat(DeviceResources.maxReplicatedNameLength(broker.deviceKind()) + 1);
    ZmqBroker longName = TestResources.broker("n", name, s -> s.setDeviceReplicas(2));
    assertEquals(
        List.of(
            "metadata.name: at most 45 characters for a ZmqBroker with spec.deviceReplicas > 1"
                + " (the StatefulSet's pod labels derive from it), got 46"),
        SpecValidator.validate(longName));
    // <name>-broker-<10 character hash> is exactly a label value's 63 characters.
    assertEquals(63, (name.substring(1) + "-broker-" + "0123456789").length());
  }

  private static String env(List<EnvVar> env, String name) {
    return env.stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow().getValue();
  }

  private static ReferenceResolver.Lookup lookup(ZmqForwarder forwarder, ZmqPipelineStage stage) {
    return new ReferenceResolver.Lookup() {
      @Override
      public Optional<ZmqForwarder> forwarder(String namespace, String name) {
        return Optional.ofNullable(forwarder).filter(f -> f.getMetadata().getName().equals(name));
      }

      @Override
      public Optional<ZmqPipelineStage> stage(String namespace, String name) {
        return Optional.ofNullable(stage).filter(s -> s.getMetadata().getName().equals(name));
      }
    };
  }
}
