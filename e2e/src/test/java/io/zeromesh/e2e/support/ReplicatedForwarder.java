package io.zeromesh.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A replicated forwarder ({@code spec.deviceReplicas} > 1) under traffic, laid out as the
 * replicated-device cases lay it out, both when a replica is lost and when a change rolls them: one
 * subscriber on each replica's own backend ({@code status.endpoints.backendReplicas}, probe {@code
 * sub-on-<ordinal>}) so that each replica surely has one, more through the Service ({@code
 * sub-<i>}), each subscribed to its own prefix of the topic so that the replicas' {@code
 * zeromesh_subscriptions} count each one, and publishers ({@code pub-<i>}) connected to every
 * replica's own frontend ({@code frontendReplicas}).
 */
public final class ReplicatedForwarder {
  private static final Map<String, String> FRONTEND_IN =
      Map.of("socket", "frontend", "direction", "in");

  private final CaseNamespace ns;
  private final String topic;
  private final String backend;
  private final List<String> frontends;
  private final List<String> backends;
  private final DeviceReplicas replicas;
  private final List<String> pods;
  private final Map<String, ProbeRun> subscribers = new LinkedHashMap<>();
  private final Map<String, String> pinnedTo = new LinkedHashMap<>();

  private ReplicatedForwarder(
      CaseNamespace ns,
      String topic,
      GenericKubernetesResource forwarder,
      DeviceReplicas replicas,
      List<String> pods) {
    this.ns = ns;
    this.topic = topic;
    this.backend = Devices.backendEndpoint(forwarder);
    this.frontends = Devices.frontendReplicaEndpoints(forwarder);
    this.backends = Devices.backendReplicaEndpoints(forwarder);
    this.replicas = replicas;
    this.pods = pods;
  }

  /**
   * Creates the forwarder {@code name} with {@code deviceReplicas} replicas and waits until it is
   * Ready, each replica's pod too, and its status names each replica's own endpoints.
   */
  public static ReplicatedForwarder create(
      CaseNamespace ns, String name, int deviceReplicas, String topic) {
    ns.devices().create(ZmqKind.FORWARDER, name, Map.of("deviceReplicas", deviceReplicas));
    GenericKubernetesResource forwarder =
        ns.devices().awaitReady(ZmqKind.FORWARDER, name, Duration.ofMinutes(3));
    DeviceReplicas replicas = new DeviceReplicas(ns, ZmqKind.FORWARDER, name);
    List<String> pods = replicas.awaitReady(deviceReplicas, Duration.ofMinutes(2));
    ReplicatedForwarder f = new ReplicatedForwarder(ns, topic, forwarder, replicas, pods);
    assertEquals(deviceReplicas, f.frontends.size(), () -> "frontendReplicas " + f.frontends);
    assertEquals(deviceReplicas, f.backends.size(), () -> "backendReplicas " + f.backends);
    return f;
  }

  /** The replicas, for their metrics, their replacement or a rolling change. */
  public DeviceReplicas replicas() {
    return replicas;
  }

  /** The replicas' pod names, sorted. */
  public List<String> pods() {
    return pods;
  }

  /** Probe name -> pod, for the subscribers of a replica's own backend. */
  public Map<String, String> pinnedTo() {
    return pinnedTo;
  }

  /**
   * Starts the subscribers, each listening {@code timeoutSeconds}: one on each replica's own
   * backend, then {@code throughService} through the Service; and waits until every subscription is
   * in, at least one on each replica (publishers started after that lose nothing to slow joining).
   */
  public void subscribe(int throughService, int timeoutSeconds) {
    for (String replicaBackend : backends) {
      String pod = DeviceReplicas.podOf(replicaBackend, pods);
      String probe = "sub-on-" + pod.substring(pod.lastIndexOf('-') + 1);
      pinnedTo.put(probe, pod);
      subscribers.put(probe, startSubscriber(probe, replicaBackend, timeoutSeconds));
    }
    for (int i = 1; i <= throughService; i++) {
      subscribers.put("sub-" + i, startSubscriber("sub-" + i, backend, timeoutSeconds));
    }
    int subscriptions = subscribers.size();
    replicas.awaitValues(
        pods,
        "zeromesh_subscriptions",
        Map.of(),
        "== " + subscriptions + " in all, >= 1 on each",
        v -> DeviceReplicas.sum(v) >= subscriptions && v.values().stream().allMatch(n -> n >= 1),
        Duration.ofMinutes(3));
  }

  /** The next subscriber, to a prefix of the topic as long as the subscribers so far, plus one. */
  private ProbeRun startSubscriber(String name, String endpoint, int timeoutSeconds) {
    String prefix = topic.substring(0, subscribers.size() + 1);
    return ns.probes().start(ProbeJobs.subscriber(name, endpoint, prefix, timeoutSeconds));
  }

  /** Starts {@code publishers} publishers of {@code count} at {@code rate}/s to every replica. */
  public List<ProbeRun> startPublishers(int publishers, int count, int rate) {
    return IntStream.rangeClosed(1, publishers)
        .mapToObj(
            i ->
                ns.probes()
                    .start(ProbeJobs.publisher("pub-" + i, frontends, topic, count, rate, 150)))
        .toList();
  }

  /** Waits until each replica took in at least {@code messages} (traffic flowing). */
  public void awaitTakenInOnEach(int messages) {
    replicas.awaitValues(
        pods,
        "zeromesh_messages_total",
        FRONTEND_IN,
        ">= " + messages + " on each (traffic flowing)",
        v -> v.values().stream().allMatch(n -> n >= messages),
        Duration.ofMinutes(2));
  }

  /** Waits for the publishers; asserts each exited 0 having sent {@code count}. */
  public static void awaitPublished(List<ProbeRun> publishers, int count) {
    for (ProbeResult p : Probes.awaitAll(publishers)) {
      assertEquals(0, p.exitCode(), () -> p + "\n" + p.log());
      assertEquals(count, p.sent(), () -> "publisher: " + p);
    }
  }

  /** Waits for every subscriber's result; by probe name, in the order they started. */
  public Map<String, ProbeResult> awaitSubscribers() {
    Map<String, ProbeResult> got = new LinkedHashMap<>();
    subscribers.forEach((probe, run) -> got.put(probe, run.awaitResult()));
    return got;
  }
}
