package io.zeromesh.operator.it;

import static io.zeromesh.operator.it.ItSupport.eventually;
import static io.zeromesh.operator.it.ItSupport.ready;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.zeromesh.operator.api.v1alpha1.CurveSpec;
import io.zeromesh.operator.api.v1alpha1.DeviceStatus;
import io.zeromesh.operator.api.v1alpha1.DisruptionBudgetSpec;
import io.zeromesh.operator.api.v1alpha1.NetworkPolicySpec;
import io.zeromesh.operator.api.v1alpha1.WorkersSpec;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import io.zeromesh.operator.bench.ApiRequests;
import io.zeromesh.operator.testing.TestResources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No update loop under server-side apply on the current API server: once one resource of each kind
 * (with a replicated device, workers, disruption budgets, generated CURVE keys, a network policy
 * and a reference) has converged, a minute of wall time with reconciles going on all the time
 * brings no write at all.
 *
 * <p>The reconciles: a periodic resync every {@value #RESYNC_SECONDS} s (the controllers' own
 * maxReconciliationInterval, shortened), and every {@value #POKE_SECONDS} s a status update of a
 * child that changes nothing the operator reports, as the Deployment, StatefulSet and disruption
 * controllers make all day. Each is a reconcile (JOSDK's own count, through its Metrics hook).
 *
 * <p>The writes, counted three ways, each of which sees what the others may not:
 *
 * <ul>
 *   <li>watch events on every child kind, on Events and on the three resources (so their status): a
 *       write that changed something;
 *   <li>the API server's {@code apiserver_request_total} for the write verbs (POST, APPLY, PATCH,
 *       PUT, DELETE) of the kinds the operator writes (children, Events, its resources and their
 *       status): a no-op apply or a refused write changes nothing, so no watch sees it, but it is a
 *       request;
 *   <li>the operator's client's own requests other than GET (the fixture's interceptor).
 * </ul>
 *
 * The API server, etcd and the operator are the test's own ({@link ClusterFixture#isolated}): on
 * the shared cluster the counter would also count the other tests' resources. The test makes its
 * own changes with another client, and the counter must see exactly those: proof that it counts.
 */
@Timeout(300)
class SteadyStateIT {
  static final int RESYNC_SECONDS = 2;
  static final int POKE_SECONDS = 5;
  static final Duration WINDOW = Duration.ofSeconds(60);

  /** Resyncs alone give about WINDOW / RESYNC per resource: ask for a third of that. */
  static final int MIN_RECONCILES_PER_RESOURCE = (int) (WINDOW.toSeconds() / RESYNC_SECONDS / 3);

  /**
   * What the operator may write, as resources of apiserver_request_total: its children, Events, and
   * its resources (their status). The API server's own writes (it keeps its Service, its endpoints,
   * its flow-control objects) are reported, not asserted.
   */
  static final Set<String> OPERATOR_WRITES =
      Set.of(
          "deployments",
          "statefulsets",
          "services",
          "secrets",
          "poddisruptionbudgets",
          "networkpolicies",
          "events",
          "zmqbrokers",
          "zmqforwarders",
          "zmqpipelinestages");

  /** The status updates the test makes, as resources of apiserver_request_total. */
  static final Set<String> POKED =
      Set.of("deployments/status", "statefulsets/status", "poddisruptionbudgets/status");

  private static final Reconciles RECONCILES = new Reconciles();
  private static ClusterFixture cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster =
        ClusterFixture.isolated(o -> o.withMetrics(RECONCILES), Duration.ofSeconds(RESYNC_SECONDS));
    client = cluster.newClient();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aConvergedResourceOfEachKindWritesNothingForAMinuteOfReconciles() throws Exception {
    String ns = cluster.newNamespace("steady");
    Events events = new Events(client, ns);
    try {
      client.resource(broker(ns)).create();
      client.resource(forwarder(ns)).create();
      client.resource(stage(ns)).create();

      // Plays the controllers that are not running: every Deployment, StatefulSet and budget
      // reports its pods ready, so each resource ends Ready=True, its workers too.
      List<Poke> pokes =
          List.of(
              statefulSet(ns, "hub-broker", 3),
              deployment(ns, "hub-broker-workers", 2),
              budget(ns, "hub-broker", 3),
              budget(ns, "hub-broker-workers", 2),
              deployment(ns, "fanout-forwarder", 1),
              deployment(ns, "work-stage", 1),
              deployment(ns, "work-stage-workers", 2),
              budget(ns, "work-stage-workers", 2));
      int tick = 0;
      eventually()
          .alias("Ready=True with every worker ready, for the latest generation")
          .ignoreExceptions()
          .until(
              () -> {
                boolean present = true;
                for (Poke poke : pokes) {
                  // (again if the operator changed the child's spec since)
                  present &= poke.ensureReported();
                }
                return present && converged(ns);
              });

      // The window: counters now, a minute of resyncs and status updates, counters again.
      Map<String, Long> requestsBefore = writeRequests(client);
      int operatorCallsBefore = cluster.apiCalls().writes().size();
      Map<String, Integer> reconcilesBefore = RECONCILES.finished();
      int failedBefore = RECONCILES.failed.get();
      Instant windowStart = Instant.now();
      events.startCounting();
      long deadline = System.nanoTime() + WINDOW.toNanos();
      int made = 0;
      while (System.nanoTime() < deadline) {
        Thread.sleep(
            Math.min(
                POKE_SECONDS * 1000L, Math.max(0, (deadline - System.nanoTime()) / 1_000_000)));
        if (System.nanoTime() >= deadline) {
          break;
        }
        Poke poke = pokes.get(made % pokes.size());
        HasMetadata after = poke.at(++tick);
        events.own(after);
        made++;
      }
      events.stopCounting();
      Duration window = Duration.between(windowStart, Instant.now());
      Map<String, Long> requests = minus(writeRequests(client), requestsBefore);
      List<ApiCalls.Call> operatorCalls =
          cluster
              .apiCalls()
              .writes()
              .subList(operatorCallsBefore, cluster.apiCalls().writes().size());
      Map<String, Integer> reconciles = minus(RECONCILES.finished(), reconcilesBefore);
      int failed = RECONCILES.failed.get() - failedBefore;

      Map<String, Long> operatorRequests = new TreeMap<>();
      Map<String, Long> otherRequests = new TreeMap<>();
      long pokeRequests = 0;
      for (Map.Entry<String, Long> e : requests.entrySet()) {
        if (POKED.contains(e.getKey())) {
          pokeRequests += e.getValue();
        } else if (OPERATOR_WRITES.contains(e.getKey().replaceAll("/.*", ""))) {
          operatorRequests.put(e.getKey(), e.getValue());
        } else {
          otherRequests.put(e.getKey(), e.getValue());
        }
      }
      List<String> operatorWrites =
          operatorCalls.stream().map(c -> c.method() + " " + c.path() + " " + c.code()).toList();
      String summary =
          "in %d s: %d reconciles %s, %d failed; %d status updates by the test, %d counted;"
                  .formatted(
                      window.toSeconds(), sum(reconciles), reconciles, failed, made, pokeRequests)
              + " watch events %s; write requests %s (others: %s); operator's client %s"
                  .formatted(
                      some(events.foreign()),
                      operatorRequests,
                      otherRequests,
                      some(operatorWrites));
      System.out.println("SteadyStateIT: " + summary);
      final int pokesMade = made;
      final long pokesCounted = pokeRequests;
      assertAll(
          () -> assertTrue(events.foreign().isEmpty(), "watch events of writes: " + summary),
          () -> assertTrue(operatorRequests.isEmpty(), "write requests: " + summary),
          () -> assertTrue(operatorWrites.isEmpty(), "the operator's writes: " + summary),
          () ->
              assertEquals(
                  pokesMade, pokesCounted, "the counter sees the test's own writes: " + summary),
          () -> assertEquals(0, failed, "failed reconciles: " + summary),
          () ->
              assertTrue(
                  Set.of("ZmqBroker/hub", "ZmqForwarder/fanout", "ZmqPipelineStage/work").stream()
                      .allMatch(r -> reconciles.getOrDefault(r, 0) >= MIN_RECONCILES_PER_RESOURCE),
                  "at least " + MIN_RECONCILES_PER_RESOURCE + " reconciles each: " + summary),
          () -> assertEquals(0, events.errors.get(), "watches closed: " + summary));
    } finally {
      events.close();
    }
  }

  /** A replicated broker (StatefulSet, headless Service, budget) with workers and their budget. */
  private static ZmqBroker broker(String ns) {
    return TestResources.broker(
        ns,
        "hub",
        s -> {
          s.setDeviceReplicas(3);
          WorkersSpec workers = TestResources.workers(2);
          DisruptionBudgetSpec budget = new DisruptionBudgetSpec();
          budget.setMaxUnavailable(new IntOrString(1));
          workers.setPodDisruptionBudget(budget);
          s.setWorkers(workers);
          s.setCurve(curve());
          NetworkPolicySpec policy = new NetworkPolicySpec();
          policy.setEnabled(true);
          s.setNetworkPolicy(policy);
        });
  }

  private static ZmqForwarder forwarder(String ns) {
    return TestResources.forwarder(
        ns,
        "fanout",
        s -> {
          s.setCurve(curve());
          s.setUpstreams(
              List.of(TestResources.upstreamEndpoint("tcp://origin.example:5556", "a.")));
        });
  }

  /** A stage with workers and their budget, sending its output to the forwarder (a reference). */
  private static ZmqPipelineStage stage(String ns) {
    return TestResources.stage(
        ns,
        "work",
        s -> {
          s.setReplicas(2);
          s.setTemplate(
              TestResources.workerTemplate("probe", "pull", "--endpoint", "$(ZEROMESH_INPUT)"));
          s.setOutput(TestResources.output("ZmqForwarder", "fanout"));
          s.setCurve(curve());
          DisruptionBudgetSpec budget = new DisruptionBudgetSpec();
          budget.setMinAvailable(new IntOrString(1));
          s.setPodDisruptionBudget(budget);
        });
  }

  private static CurveSpec curve() {
    CurveSpec curve = new CurveSpec();
    curve.setEnabled(true);
    return curve;
  }

  private static boolean converged(String ns) {
    ZmqBroker hub = client.resources(ZmqBroker.class).inNamespace(ns).withName("hub").get();
    ZmqForwarder fanout =
        client.resources(ZmqForwarder.class).inNamespace(ns).withName("fanout").get();
    ZmqPipelineStage work =
        client.resources(ZmqPipelineStage.class).inNamespace(ns).withName("work").get();
    return hub != null
        && fanout != null
        && work != null
        && settled(hub, hub.getStatus())
        && settled(fanout, fanout.getStatus())
        && settled(work, work.getStatus());
  }

  /** The status is of the latest generation and every condition is True (Ready, WorkersReady). */
  private static boolean settled(HasMetadata resource, DeviceStatus s) {
    return s != null
        && resource.getMetadata().getGeneration().equals(s.getObservedGeneration())
        && ready(s).map(c -> "True".equals(c.getStatus())).orElse(false)
        && s.getConditions().stream().allMatch(c -> "True".equals(c.getStatus()));
  }

  /** A status update of one child, as its controller would make: tick 0 first, then others. */
  private abstract static class Poke {
    final String what;

    Poke(String what) {
      this.what = what;
    }

    /** The child now, or null. */
    abstract HasMetadata get();

    /** The generation its status reports, or null. */
    abstract Long observedGeneration(HasMetadata child);

    /** Writes the status of this tick; returns the object written. */
    abstract HasMetadata at(int tick);

    /**
     * Whether the child exists, after writing tick 0's status if its status is not for its spec.
     */
    boolean ensureReported() {
      HasMetadata child = get();
      if (child == null) {
        return false;
      }
      if (!child.getMetadata().getGeneration().equals(observedGeneration(child))) {
        at(0);
      }
      return true;
    }
  }

  /** RFC 3339 seconds that differ per tick, and nothing else does. */
  private static String time(int tick) {
    return Instant.parse("2026-01-01T00:00:00Z").plusSeconds(tick).toString();
  }

  private static Poke deployment(String ns, String name, int replicas) {
    var op = client.apps().deployments().inNamespace(ns).withName(name);
    return new Poke("Deployment " + name) {
      @Override
      HasMetadata get() {
        return op.get();
      }

      @Override
      Long observedGeneration(HasMetadata child) {
        var s = ((Deployment) child).getStatus();
        return s == null ? null : s.getObservedGeneration();
      }

      @Override
      HasMetadata at(int tick) {
        return op.editStatus(
            d -> {
              d.setStatus(
                  new DeploymentStatusBuilder()
                      .withObservedGeneration(d.getMetadata().getGeneration())
                      .withReplicas(replicas)
                      .withUpdatedReplicas(replicas)
                      .withReadyReplicas(replicas)
                      .withAvailableReplicas(replicas)
                      .withConditions(
                          new DeploymentConditionBuilder()
                              .withType("Available")
                              .withStatus("True")
                              .withReason("MinimumReplicasAvailable")
                              .withMessage("Deployment has minimum availability.")
                              .withLastTransitionTime(time(0))
                              .withLastUpdateTime(time(tick))
                              .build(),
                          new DeploymentConditionBuilder()
                              .withType("Progressing")
                              .withStatus("True")
                              .withReason("NewReplicaSetAvailable")
                              .withMessage("ReplicaSet has successfully progressed.")
                              .withLastTransitionTime(time(0))
                              .withLastUpdateTime(time(tick))
                              .build())
                      .build());
              return d;
            });
      }
    };
  }

  private static Poke statefulSet(String ns, String name, int replicas) {
    var op = client.apps().statefulSets().inNamespace(ns).withName(name);
    return new Poke("StatefulSet " + name) {
      @Override
      HasMetadata get() {
        return op.get();
      }

      @Override
      Long observedGeneration(HasMetadata child) {
        var s = ((StatefulSet) child).getStatus();
        return s == null ? null : s.getObservedGeneration();
      }

      @Override
      HasMetadata at(int tick) {
        return op.editStatus(
            s -> {
              s.setStatus(
                  new StatefulSetStatusBuilder()
                      .withObservedGeneration(s.getMetadata().getGeneration())
                      .withReplicas(replicas)
                      .withCurrentReplicas(replicas)
                      .withUpdatedReplicas(replicas)
                      .withReadyReplicas(replicas)
                      .withAvailableReplicas(replicas)
                      .withCurrentRevision("r1")
                      .withUpdateRevision("r1")
                      .withConditions(
                          new StatefulSetConditionBuilder()
                              .withType("zeromesh.io/Tick")
                              .withStatus("True")
                              .withReason("Tick")
                              .withMessage("tick " + tick)
                              .withLastTransitionTime(time(tick))
                              .build())
                      .build());
              return s;
            });
      }
    };
  }

  private static Poke budget(String ns, String name, int pods) {
    var op = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName(name);
    return new Poke("PodDisruptionBudget " + name) {
      @Override
      HasMetadata get() {
        return op.get();
      }

      @Override
      Long observedGeneration(HasMetadata child) {
        var s = ((PodDisruptionBudget) child).getStatus();
        return s == null ? null : s.getObservedGeneration();
      }

      @Override
      HasMetadata at(int tick) {
        return op.editStatus(
            b -> {
              b.setStatus(
                  new PodDisruptionBudgetStatusBuilder()
                      .withObservedGeneration(b.getMetadata().getGeneration())
                      .withCurrentHealthy(pods)
                      .withDesiredHealthy(pods - 1)
                      .withExpectedPods(pods)
                      .withDisruptionsAllowed(1)
                      .withConditions(
                          new ConditionBuilder()
                              .withType("DisruptionAllowed")
                              .withStatus("True")
                              .withReason("SufficientPods")
                              .withMessage("")
                              .withObservedGeneration(b.getMetadata().getGeneration())
                              .withLastTransitionTime(time(tick))
                              .build())
                      .build());
              return b;
            });
      }
    };
  }

  /**
   * Every watch event in the namespace on the children's kinds, Events and the three resources,
   * from before the first create; those in the counting window whose resourceVersion is not one the
   * test wrote are the operator's writes.
   */
  private static final class Events implements AutoCloseable {
    private final List<Watch> watches = new ArrayList<>();
    private final List<String> counted = new CopyOnWriteArrayList<>();
    private final Set<String> own = ConcurrentHashMap.newKeySet();
    private final AtomicInteger errors = new AtomicInteger();
    private volatile boolean counting;

    Events(KubernetesClient client, String ns) {
      watches.add(client.apps().deployments().inNamespace(ns).watch(watcher()));
      watches.add(client.apps().statefulSets().inNamespace(ns).watch(watcher()));
      watches.add(client.services().inNamespace(ns).watch(watcher()));
      watches.add(client.secrets().inNamespace(ns).watch(watcher()));
      watches.add(client.policy().v1().podDisruptionBudget().inNamespace(ns).watch(watcher()));
      watches.add(client.network().networkPolicies().inNamespace(ns).watch(watcher()));
      watches.add(client.v1().events().inNamespace(ns).watch(watcher()));
      watches.add(client.resources(ZmqBroker.class).inNamespace(ns).watch(watcher()));
      watches.add(client.resources(ZmqForwarder.class).inNamespace(ns).watch(watcher()));
      watches.add(client.resources(ZmqPipelineStage.class).inNamespace(ns).watch(watcher()));
    }

    void startCounting() {
      counting = true;
    }

    void stopCounting() {
      counting = false;
    }

    /** A write of the test's own. */
    void own(HasMetadata written) {
      own.add(written.getMetadata().getResourceVersion());
    }

    /** The events counted that are not the test's own writes. */
    List<String> foreign() {
      return counted.stream()
          .filter(e -> !own.contains(e.substring(e.lastIndexOf('@') + 1)))
          .toList();
    }

    private <T extends HasMetadata> Watcher<T> watcher() {
      return new Watcher<>() {
        @Override
        public void eventReceived(Action action, T resource) {
          if (counting && action != Action.BOOKMARK) {
            counted.add(
                action
                    + " "
                    + resource.getKind()
                    + " "
                    + resource.getMetadata().getName()
                    + "@"
                    + resource.getMetadata().getResourceVersion());
          }
        }

        @Override
        public void onClose(WatcherException cause) {
          errors.incrementAndGet();
        }
      };
    }

    @Override
    public void close() {
      watches.forEach(Watch::close);
    }
  }

  /**
   * The API server's write requests so far by resource (and subresource), whatever their answer,
   * from its own counter. Leases are left out: nothing here elects a leader, and the API server
   * renews its own.
   */
  static Map<String, Long> writeRequests(KubernetesClient client) {
    Map<String, Long> counts = new TreeMap<>();
    for (ApiRequests.Write w : ApiRequests.writes(client.raw("/metrics"))) {
      if (!"leases".equals(w.resource())) {
        counts.merge(w.path(), w.count(), Long::sum);
      }
    }
    return counts;
  }

  private static <N extends Number> Map<String, N> minus(
      Map<String, N> after, Map<String, N> before) {
    Map<String, N> diff = new TreeMap<>();
    after.forEach(
        (k, v) -> {
          long d = v.longValue() - (before.containsKey(k) ? before.get(k).longValue() : 0);
          if (d != 0) {
            @SuppressWarnings("unchecked")
            N n = (N) (v instanceof Integer ? (Number) (int) d : (Number) d);
            diff.put(k, n);
          }
        });
    return diff;
  }

  /** How many, and the first few. */
  private static String some(List<String> items) {
    return items.size()
        + (items.isEmpty() ? "" : " " + items.subList(0, Math.min(6, items.size())))
        + (items.size() > 6 ? "..." : "");
  }

  private static int sum(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** JOSDK's reconciles, by resource (kind/name), through its Metrics hook. */
  static final class Reconciles implements Metrics {
    private final Map<String, AtomicInteger> finished = new ConcurrentHashMap<>();
    final AtomicInteger failed = new AtomicInteger();

    @Override
    public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
      finished
          .computeIfAbsent(
              resource.getKind() + "/" + resource.getMetadata().getName(), k -> new AtomicInteger())
          .incrementAndGet();
    }

    @Override
    public void failedReconciliation(
        HasMetadata resource, Exception exception, Map<String, Object> metadata) {
      failed.incrementAndGet();
    }

    Map<String, Integer> finished() {
      Map<String, Integer> copy = new TreeMap<>();
      finished.forEach((k, v) -> copy.put(k, v.get()));
      return copy;
    }
  }
}
