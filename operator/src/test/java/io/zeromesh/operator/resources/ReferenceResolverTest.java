package io.zeromesh.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.resources.ReferenceResolver.Cyclic;
import io.zeromesh.operator.resources.ReferenceResolver.Missing;
import io.zeromesh.operator.resources.ReferenceResolver.Resolved;
import io.zeromesh.operator.testing.TestResources;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReferenceResolverTest {
  private final Map<String, ZmqDevice> cluster = new HashMap<>();
  private final ReferenceResolver.Lookup lookup =
      new ReferenceResolver.Lookup() {
        @Override
        public Optional<ZmqForwarder> forwarder(String namespace, String name) {
          return Optional.ofNullable((ZmqForwarder) cluster.get("F " + namespace + "/" + name));
        }

        @Override
        public Optional<ZmqPipelineStage> stage(String namespace, String name) {
          return Optional.ofNullable((ZmqPipelineStage) cluster.get("S " + namespace + "/" + name));
        }
      };

  private <T extends ZmqDevice> T add(T device) {
    String prefix = device instanceof ZmqForwarder ? "F " : "S ";
    cluster.put(
        prefix + device.getMetadata().getNamespace() + "/" + device.getMetadata().getName(),
        device);
    return device;
  }

  @Test
  void upstreamsResolveToTheBackendOfEachForwarderWithTopics() {
    add(TestResources.forwarder("n", "news", s -> s.getBackend().setPort(6000)));
    var other = TestResources.upstream("prices", "eur");
    other.setNamespace("markets");
    add(TestResources.forwarder("markets", "prices", s -> {}));
    ZmqForwarder regional =
        TestResources.forwarder(
            "n",
            "regional",
            s ->
                s.setUpstreams(
                    List.of(
                        TestResources.upstream("news", "a", "b"),
                        other,
                        TestResources.upstreamEndpoint("tcp://10.0.0.1:9000"))));
    var outcome = ReferenceResolver.resolve(regional, lookup);
    assertEquals(
        new Resolved(
            new ResolvedReferences(
                List.of(
                    "tcp://news-forwarder-backend.n.svc:6000|a,b",
                    "tcp://prices-forwarder-backend.markets.svc:5558|eur",
                    "tcp://10.0.0.1:9000"),
                null)),
        outcome);
  }

  @Test
  void missingUpstreamsAreAllNamed() {
    ZmqForwarder f =
        TestResources.forwarder(
            "n",
            "f",
            s -> s.setUpstreams(List.of(TestResources.upstream("a"), TestResources.upstream("b"))));
    assertEquals(
        new Missing(
            "not found: spec.upstreams[0]: ZmqForwarder n/a, spec.upstreams[1]: ZmqForwarder n/b"),
        ReferenceResolver.resolve(f, lookup));
  }

  @Test
  void aCascadeLoopIsFound() {
    add(
        TestResources.forwarder(
            "n", "a", s -> s.setUpstreams(List.of(TestResources.upstream("b")))));
    add(
        TestResources.forwarder(
            "n", "b", s -> s.setUpstreams(List.of(TestResources.upstream("c")))));
    ZmqForwarder c =
        add(
            TestResources.forwarder(
                "n", "c", s -> s.setUpstreams(List.of(TestResources.upstream("a")))));
    assertEquals(
        new Cyclic(
            "spec.upstreams: the cascade leads back to this ZmqForwarder: n/c -> n/a -> n/b -> n/c"),
        ReferenceResolver.resolve(c, lookup));
  }

  @Test
  void stageOutputResolvesToTheInputOfAStageOrTheFrontendOfAForwarder() {
    add(TestResources.stage("n", "sink", s -> s.getFrontend().setPort(6001)));
    add(TestResources.forwarder("n", "results", s -> {}));
    assertEquals(
        new Resolved(new ResolvedReferences(List.of(), "tcp://sink-stage.n.svc:6001")),
        ReferenceResolver.resolve(
            TestResources.stage(
                "n", "w", s -> s.setOutput(TestResources.output("ZmqPipelineStage", "sink"))),
            lookup));
    assertEquals(
        new Resolved(new ResolvedReferences(List.of(), "tcp://results-forwarder.n.svc:5557")),
        ReferenceResolver.resolve(
            TestResources.stage(
                "n", "w", s -> s.setOutput(TestResources.output("ZmqForwarder", "results"))),
            lookup));
    assertEquals(
        new Resolved(new ResolvedReferences(List.of(), "tcp://external:1")),
        ReferenceResolver.resolve(
            TestResources.stage(
                "n", "w", s -> s.setOutput(TestResources.outputEndpoint("tcp://external:1"))),
            lookup));
  }

  @Test
  void aPipelineLoopIsFoundAndAChainIsNot() {
    add(
        TestResources.stage(
            "n", "b", s -> s.setOutput(TestResources.output("ZmqPipelineStage", "c"))));
    add(
        TestResources.stage(
            "n", "c", s -> s.setOutput(TestResources.output("ZmqPipelineStage", "a"))));
    ZmqPipelineStage a =
        add(
            TestResources.stage(
                "n", "a", s -> s.setOutput(TestResources.output("ZmqPipelineStage", "b"))));
    var outcome = ReferenceResolver.resolve(a, lookup);
    assertInstanceOf(Cyclic.class, outcome);
    assertEquals(
        "spec.output: the pipeline leads back to this ZmqPipelineStage: n/a -> n/b -> n/c -> n/a",
        ((Cyclic) outcome).message());
    cluster.put("S n/c", TestResources.stage("n", "c", s -> {}));
    assertInstanceOf(Resolved.class, ReferenceResolver.resolve(a, lookup));
  }

  @Test
  void missingOutput() {
    assertEquals(
        new Missing("not found: spec.output: ZmqForwarder n/nope"),
        ReferenceResolver.resolve(
            TestResources.stage(
                "n", "w", s -> s.setOutput(TestResources.output("ZmqForwarder", "nope"))),
            lookup));
  }
}
