package io.zeromesh.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.zeromesh.operator.api.v1alpha1.CurveSpec;
import io.zeromesh.operator.api.v1alpha1.DisruptionBudgetSpec;
import io.zeromesh.operator.api.v1alpha1.OutputSpec;
import io.zeromesh.operator.api.v1alpha1.WorkersSpec;
import io.zeromesh.operator.testing.TestResources;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {
  @Test
  void defaultsAreValid() {
    assertEquals(List.of(), SpecValidator.validate(TestResources.broker("n", "b", s -> {})));
    assertEquals(List.of(), SpecValidator.validate(TestResources.forwarder("n", "f", s -> {})));
    assertEquals(List.of(), SpecValidator.validate(TestResources.stage("n", "s", s -> {})));
  }

  @Test
  void samePortTwiceNamesBothFields() {
    assertEquals(
        List.of("spec.backend.port: must differ from spec.frontend.port (5559)"),
        SpecValidator.validate(TestResources.broker("n", "b", s -> s.getBackend().setPort(5559))));
  }

  @Test
  void theAdminPortIsTaken() {
    assertEquals(
        List.of("spec.frontend.port: 8080 is the device's admin port"),
        SpecValidator.validate(
            TestResources.forwarder("n", "f", s -> s.getFrontend().setPort(8080))));
  }

  @Test
  void nodePortNeedsANodePortService() {
    assertEquals(
        List.of("spec.frontend.nodePort: only with serviceType NodePort or LoadBalancer"),
        SpecValidator.validate(
            TestResources.broker("n", "b", s -> s.getFrontend().setNodePort(30000))));
  }

  @Test
  void nameTooLongForItsServices() {
    String name =
        "x"
            .repeat(
                DeviceResources.maxNameLength(io.zeromesh.operator.api.v1alpha1.DeviceKind.BROKER)
                    + 1);
    assertEquals(
        List.of(
            "metadata.name: at most 48 characters for a ZmqBroker (its Service names derive from it), got 49"),
        SpecValidator.validate(TestResources.broker("n", name, s -> {})));
  }

  @Test
  void workersNeedAContainer() {
    WorkersSpec workers = new WorkersSpec();
    workers.setTemplate(new PodTemplateSpec());
    DisruptionBudgetSpec budget = new DisruptionBudgetSpec();
    budget.setMinAvailable(new IntOrString(1));
    budget.setMaxUnavailable(new IntOrString(1));
    workers.setPodDisruptionBudget(budget);
    assertEquals(
        List.of(
            "spec.workers.template.spec.containers: at least one container is needed",
            "spec.workers.podDisruptionBudget: set at most one of minAvailable and maxUnavailable"),
        SpecValidator.validate(TestResources.broker("n", "b", s -> s.setWorkers(workers))));
  }

  @Test
  void everyWorkerContainerNeedsAnImage() {
    var template = TestResources.workerTemplate("probe");
    template.getSpec().getContainers().get(0).setImage(" ");
    template
        .getSpec()
        .getContainers()
        .add(new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("side").build());
    assertEquals(
        List.of(
            "spec.template.spec.containers[0].image: required",
            "spec.template.spec.containers[1].image: required"),
        SpecValidator.validate(TestResources.stage("n", "s", s -> s.setTemplate(template))));
  }

  @Test
  void curveSecretNamesNeedCurveOn() {
    CurveSpec curve = new CurveSpec();
    curve.setSecretName("keys");
    assertEquals(
        List.of("spec.curve.enabled: must be true when a CURVE Secret is named"),
        SpecValidator.validate(TestResources.broker("n", "b", s -> s.setCurve(curve))));
  }

  @Test
  void curveWithoutASecretNeedsAnOperatorThatGeneratesKeys() {
    CurveSpec generated = new CurveSpec();
    generated.setEnabled(true);
    var keyless = TestResources.stage("n", "s", s -> s.setCurve(generated));
    assertEquals(List.of(), SpecValidator.validate(keyless, true));
    List<String> problems = SpecValidator.validate(keyless, false);
    assertEquals(1, problems.size(), problems::toString);
    assertTrue(
        problems.get(0).startsWith("spec.curve.secretName: required: this operator does not"),
        problems.get(0));

    CurveSpec named = new CurveSpec();
    named.setEnabled(true);
    named.setSecretName("keys");
    assertEquals(
        List.of(),
        SpecValidator.validate(TestResources.stage("n", "s", s -> s.setCurve(named)), false));
  }

  @Test
  void upstreamsNeedExactlyOneTargetAWellFormedEndpointAndCleanTopics() {
    var both = TestResources.upstream("a");
    both.setEndpoint("tcp://a:1");
    assertEquals(
        List.of(
            "spec.upstreams[0]: exactly one of name and endpoint must be set",
            "spec.upstreams[1].endpoint: must be tcp://host:port, got 'tcp://host'",
            "spec.upstreams[2].endpoint: port must be 1-65535, got 70000",
            "spec.upstreams[3].topics[0]: must be non-empty without commas, '|' or whitespace, got 'a,b'"),
        SpecValidator.validate(
            TestResources.forwarder(
                "n",
                "f",
                s ->
                    s.setUpstreams(
                        List.of(
                            both,
                            TestResources.upstreamEndpoint("tcp://host"),
                            TestResources.upstreamEndpoint("tcp://host:70000"),
                            TestResources.upstream("g", "a,b"))))));
  }

  @Test
  void aReferenceToItselfIsInvalidButTheSameNameElsewhereIsNot() {
    assertEquals(
        List.of("spec.upstreams[0].name: refers to this ZmqForwarder itself"),
        SpecValidator.validate(
            TestResources.forwarder(
                "n", "f", s -> s.setUpstreams(List.of(TestResources.upstream("f"))))));
    var elsewhere = TestResources.upstream("f");
    elsewhere.setNamespace("other");
    assertEquals(
        List.of(),
        SpecValidator.validate(
            TestResources.forwarder("n", "f", s -> s.setUpstreams(List.of(elsewhere)))));
    assertEquals(
        List.of(),
        SpecValidator.validate(
            TestResources.stage(
                "n", "f", s -> s.setOutput(TestResources.output("ZmqForwarder", "f")))),
        "a stage may send to a forwarder of its own name");
  }

  @Test
  void outputKindMustBeKnown() {
    OutputSpec output = TestResources.output("ZmqBroker", "b");
    assertEquals(
        List.of("spec.output.kind: must be ZmqPipelineStage or ZmqForwarder, got 'ZmqBroker'"),
        SpecValidator.validate(TestResources.stage("n", "s", s -> s.setOutput(output))));
    assertEquals(
        List.of(
            "spec.output.kind: required with spec.output.name (ZmqPipelineStage or ZmqForwarder)"),
        SpecValidator.validate(
            TestResources.stage("n", "s", s -> s.setOutput(TestResources.output(null, "x")))));
    assertEquals(
        List.of("spec.output.endpoint: must be tcp://host:port, got 'http://x:1'"),
        SpecValidator.validate(
            TestResources.stage(
                "n", "s", s -> s.setOutput(TestResources.outputEndpoint("http://x:1")))));
  }
}
