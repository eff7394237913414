package io.zeromesh.operator.bench;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.zeromesh.operator.api.v1alpha1.CurveSpec;
import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.OutputSpec;
import io.zeromesh.operator.api.v1alpha1.UpstreamSpec;
import io.zeromesh.operator.api.v1alpha1.WorkersSpec;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqBrokerSpec;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarderSpec;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStageSpec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The custom resources of one run: 40% ZmqBroker, 30% ZmqForwarder, 30% ZmqPipelineStage, spread
 * round-robin over the namespaces, in the order they are created. Deterministic, so two runs with
 * the same settings load the operator the same way.
 *
 * <ul>
 *   <li>brokers: every second one runs 2 workers; every fifth has CURVE on (generated keypair);
 *   <li>forwarders: every second one cascades from the forwarder created before it in its namespace
 *       (an upstream by name); every fifth has CURVE on;
 *   <li>stages: every one runs 1 worker and has an output: the stage created before it in its
 *       namespace, or (the first of each namespace) a raw endpoint.
 * </ul>
 *
 * References only point at resources created earlier, and the load generator creates a resource
 * only once the create of the one it names has returned ({@link #referenced}), so a correct
 * operator never has to wait for one to appear.
 */
record Workload(List<String> namespaces, List<ZmqDevice> resources) {
  static final String NAMESPACE_PREFIX = "zeromesh-bench-";
  static final String WORKER_IMAGE = "zeromesh/broker:0.1.0";

  static Workload of(int count, int namespaceCount) {
    List<String> namespaces =
        IntStream.rangeClosed(1, namespaceCount).mapToObj(i -> NAMESPACE_PREFIX + i).toList();
    int brokers = count * 4 / 10;
    int forwarders = count * 3 / 10;
    int stages = count - brokers - forwarders;
    Map<DeviceKind, Integer> created = new EnumMap<>(DeviceKind.class);
    // The last forwarder and stage created in each namespace, for references.
    Map<String, String> lastForwarder = new HashMap<>();
    Map<String, String> lastStage = new HashMap<>();
    List<ZmqDevice> resources = new ArrayList<>(count);
    // Interleave the kinds (B B F S B F S B B F ...) so every controller is busy from the start.
    int b = 0;
    int f = 0;
    int s = 0;
    for (int i = 0; i < count; i++) {
      String namespace = namespaces.get(i % namespaceCount);
      long owedB = (long) (i + 1) * brokers / count - b;
      long owedF = (long) (i + 1) * forwarders / count - f;
      DeviceKind kind;
      if (owedB > 0 && b < brokers) {
        kind = DeviceKind.BROKER;
      } else if (owedF > 0 && f < forwarders) {
        kind = DeviceKind.FORWARDER;
      } else if (s < stages) {
        kind = DeviceKind.PIPELINE_STAGE;
      } else if (b < brokers) {
        kind = DeviceKind.BROKER;
      } else {
        kind = DeviceKind.FORWARDER;
      }
      int n = created.merge(kind, 1, Integer::sum);
      switch (kind) {
        case BROKER -> {
          resources.add(broker(namespace, n));
          b++;
        }
        case FORWARDER -> {
          ZmqForwarder forwarder = forwarder(namespace, n, lastForwarder.get(namespace));
          lastForwarder.put(namespace, forwarder.getMetadata().getName());
          resources.add(forwarder);
          f++;
        }
        case PIPELINE_STAGE -> {
          ZmqPipelineStage stage = stage(namespace, n, lastStage.get(namespace));
          lastStage.put(namespace, stage.getMetadata().getName());
          resources.add(stage);
          s++;
        }
      }
    }
    return new Workload(namespaces, List.copyOf(resources));
  }

  /** The names of the resources (in its namespace) that a resource of a workload names. */
  static List<String> referenced(ZmqDevice device) {
    List<String> names = new ArrayList<>();
    if (device instanceof ZmqForwarder f) {
      f.getSpec().getUpstreams().stream()
          .filter(u -> u.getName() != null)
          .forEach(u -> names.add(u.getName()));
    } else if (device instanceof ZmqPipelineStage st
        && st.getSpec().getOutput() != null
        && st.getSpec().getOutput().getName() != null) {
      names.add(st.getSpec().getOutput().getName());
    }
    return names;
  }

  long count(DeviceKind kind) {
    return resources.stream().filter(r -> r.deviceKind() == kind).count();
  }

  static ZmqBroker broker(String namespace, int n) {
    ZmqBroker broker = new ZmqBroker();
    broker.setMetadata(meta(namespace, "broker-%04d".formatted(n)));
    ZmqBrokerSpec spec = new ZmqBrokerSpec();
    if (n % 2 == 0) {
      WorkersSpec workers = new WorkersSpec();
      workers.setReplicas(2);
      workers.setTemplate(worker("rep", "$(ZEROMESH_BROKER)"));
      spec.setWorkers(workers);
    }
    if (n % 5 == 0) {
      spec.setCurve(curve());
    }
    broker.setSpec(spec);
    return broker;
  }

  static ZmqForwarder forwarder(String namespace, int n, String previous) {
    ZmqForwarder forwarder = new ZmqForwarder();
    forwarder.setMetadata(meta(namespace, "forwarder-%04d".formatted(n)));
    ZmqForwarderSpec spec = new ZmqForwarderSpec();
    if (n % 2 == 0 && previous != null) {
      UpstreamSpec upstream = new UpstreamSpec();
      upstream.setName(previous);
      upstream.setTopics(List.of("metrics.", "events."));
      spec.setUpstreams(List.of(upstream));
    }
    if (n % 5 == 0) {
      spec.setCurve(curve());
    }
    forwarder.setSpec(spec);
    return forwarder;
  }

  static ZmqPipelineStage stage(String namespace, int n, String previous) {
    ZmqPipelineStage stage = new ZmqPipelineStage();
    stage.setMetadata(meta(namespace, "stage-%04d".formatted(n)));
    ZmqPipelineStageSpec spec = new ZmqPipelineStageSpec();
    spec.setReplicas(1);
    spec.setTemplate(worker("pull", "$(ZEROMESH_INPUT)"));
    OutputSpec output = new OutputSpec();
    if (previous != null) {
      output.setKind(DeviceKind.PIPELINE_STAGE.kind());
      output.setName(previous);
    } else {
      output.setEndpoint("tcp://sink.example.svc:5557");
    }
    spec.setOutput(output);
    stage.setSpec(spec);
    return stage;
  }

  private static ObjectMeta meta(String namespace, String name) {
    return new ObjectMetaBuilder().withNamespace(namespace).withName(name).build();
  }

  private static CurveSpec curve() {
    CurveSpec curve = new CurveSpec();
    curve.setEnabled(true);
    return curve;
  }

  /** A worker that never runs here (no kubelet): only its Deployment is counted. */
  private static PodTemplateSpec worker(String mode, String endpoint) {
    return new PodTemplateSpecBuilder()
        .withNewSpec()
        .addNewContainer()
        .withName("worker")
        .withImage(WORKER_IMAGE)
        .withArgs("probe", mode, "--endpoint", endpoint)
        .endContainer()
        .endSpec()
        .build();
  }
}
