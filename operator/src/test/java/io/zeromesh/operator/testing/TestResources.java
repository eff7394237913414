package io.zeromesh.operator.testing;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.zeromesh.operator.api.v1alpha1.OutputSpec;
import io.zeromesh.operator.api.v1alpha1.UpstreamSpec;
import io.zeromesh.operator.api.v1alpha1.WorkersSpec;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqBrokerSpec;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarderSpec;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStageSpec;
import java.util.List;
import java.util.function.Consumer;

/** Custom resources for tests, built in code with the API types. */
public final class TestResources {
  public static final String UID = "0b0e0c0a-1111-2222-3333-444455556666";

  private TestResources() {}

  public static ZmqBroker broker(String namespace, String name, Consumer<ZmqBrokerSpec> spec) {
    ZmqBroker b = new ZmqBroker();
    b.setMetadata(meta(namespace, name));
    ZmqBrokerSpec s = new ZmqBrokerSpec();
    spec.accept(s);
    b.setSpec(s);
    return b;
  }

  public static ZmqForwarder forwarder(
      String namespace, String name, Consumer<ZmqForwarderSpec> spec) {
    ZmqForwarder f = new ZmqForwarder();
    f.setMetadata(meta(namespace, name));
    ZmqForwarderSpec s = new ZmqForwarderSpec();
    spec.accept(s);
    f.setSpec(s);
    return f;
  }

  public static ZmqPipelineStage stage(
      String namespace, String name, Consumer<ZmqPipelineStageSpec> spec) {
    ZmqPipelineStage st = new ZmqPipelineStage();
    st.setMetadata(meta(namespace, name));
    ZmqPipelineStageSpec s = new ZmqPipelineStageSpec();
    spec.accept(s);
    st.setSpec(s);
    return st;
  }

  /** A worker template: one container named worker running the broker image's probe. */
  public static PodTemplateSpec workerTemplate(String... args) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .addToLabels("team", "payments")
        .endMetadata()
        .withNewSpec()
        .withContainers(
            new ContainerBuilder()
                .withName("worker")
                .withImage("zeromesh/broker:0.1.0")
                .withArgs(args)
                .addNewEnv()
                .withName("WORKER_OWN")
                .withValue("kept")
                .endEnv()
                .build())
        .endSpec()
        .build();
  }

  public static WorkersSpec workers(int replicas) {
    WorkersSpec w = new WorkersSpec();
    w.setReplicas(replicas);
    w.setTemplate(workerTemplate("probe", "rep", "--endpoint", "$(ZEROMESH_BROKER)"));
    return w;
  }

  public static UpstreamSpec upstream(String name, String... topics) {
    UpstreamSpec u = new UpstreamSpec();
    u.setName(name);
    u.setTopics(List.of(topics));
    return u;
  }

  public static UpstreamSpec upstreamEndpoint(String endpoint, String... topics) {
    UpstreamSpec u = new UpstreamSpec();
    u.setEndpoint(endpoint);
    u.setTopics(List.of(topics));
    return u;
  }

  public static OutputSpec output(String kind, String name) {
    OutputSpec o = new OutputSpec();
    o.setKind(kind);
    o.setName(name);
    return o;
  }

  public static OutputSpec outputEndpoint(String endpoint) {
    OutputSpec o = new OutputSpec();
    o.setEndpoint(endpoint);
    return o;
  }

  /** Marks a resource as stored: a uid and a generation, as the API server would set. */
  public static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T stored(T resource) {
    resource.getMetadata().setUid(UID);
    resource.getMetadata().setGeneration(3L);
    return resource;
  }

  private static io.fabric8.kubernetes.api.model.ObjectMeta meta(String namespace, String name) {
    return new ObjectMetaBuilder().withNamespace(namespace).withName(name).build();
  }
}
