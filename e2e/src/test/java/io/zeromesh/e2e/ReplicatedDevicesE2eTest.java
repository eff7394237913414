package io.zeromesh.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.e2e.support.CaseNamespace;
import io.zeromesh.e2e.support.DeviceReplicas;
import io.zeromesh.e2e.support.Devices;
import io.zeromesh.e2e.support.Probe;
import io.zeromesh.e2e.support.ProbeJobs;
import io.zeromesh.e2e.support.ProbeResult;
import io.zeromesh.e2e.support.ProbeRun;
import io.zeromesh.e2e.support.Probes;
import io.zeromesh.e2e.support.ReplicatedForwarder;
import io.zeromesh.e2e.support.RestartBudget;
import io.zeromesh.e2e.support.Step;
import io.zeromesh.e2e.support.Workers;
import io.zeromesh.e2e.support.ZeroMeshE2e;
import io.zeromesh.e2e.support.ZmqKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replicated devices ({@code spec.deviceReplicas: 2}): one device replica's pod is deleted in the
 * middle of traffic while the other keeps serving, and the StatefulSet puts a new pod under the
 * same name. The side that connects to every replica (workers, publishers) keeps its other
 * connection; the side that connects through the Service (clients, subscribers, producers) loses
 * only what was on the lost replica, within a budget derived as {@link RestartBudget} derives it.
 */
@ZeroMeshE2e
@Order(5)
class ReplicatedDevicesE2eTest {
  private static final int REPLICAS = 2;
  private static final Duration DEVICE_BACK = Duration.ofMinutes(2);
  private static final Map<String, String> FRONTEND_IN =
      Map.of("socket", "frontend", "direction", "in");
  private static final Map<String, String> BACKEND_OUT =
      Map.of("socket", "backend", "direction", "out");
  private static final Map<String, String> FRONTEND_PEERS = Map.of("socket", "frontend");
  private static final Map<String, String> BACKEND_PEERS = Map.of("socket", "backend");

  /**
   * A replica lost while another serves: nothing waits for the restart, only for the Service to
   * stop routing to the lost pod and for the peer to reconnect ({@link RestartBudget#outage} of no
   * restart: timestamp resolution, routing, reconnect interval, 3.1 s).
   */
  private static final Duration NO_RESTART = Duration.ZERO;

  @RegisterExtension final CaseNamespace ns = new CaseNamespace();

  // ---- queue ----

  private static final int BROKER_WORKERS = 3;
  private static final int CLIENTS = 3;
  private static final int REQUESTS_PER_CLIENT = 300;
  private static final int REQUEST_RATE = 15;
  private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(2500);

  /**
   * Three workers connected to both replicas' backends, three clients through the Service; the
   * replica most clients landed on is deleted. Every request is answered. A client on the lost
   * replica has one request in flight there: it times out and goes again on a fresh socket through
   * the Service, which by then routes to the surviving replica, so each such client resends at most
   * {@code ceil(outage / request timeout) + 1} times for the outage of no restart (3 with the 2.5 s
   * timeout); a client on the surviving replica never waits.
   */
  @Test
  void brokerReplicaLostAnswersEveryRequestWithinTheResendBudget() {
    String frontend = createReplicatedBroker("rr");
    DeviceReplicas replicas = new DeviceReplicas(ns, ZmqKind.BROKER, "rr");
    List<String> pods = replicas.awaitReady(REPLICAS, Duration.ofMinutes(2));
    Set<String> workers = awaitBrokerWorkersOnEveryReplica(replicas, "rr", pods);
    List<ProbeRun> clients = startClients(frontend, REQUESTS_PER_CLIENT);
    replicas.awaitValues(
        pods,
        "zeromesh_connected_peers",
        FRONTEND_PEERS,
        ">= " + CLIENTS + " clients in all",
        v -> DeviceReplicas.sum(v) >= CLIENTS,
        Duration.ofMinutes(2));
    awaitTrafficFlowing(replicas, pods);
    Map<String, Double> clientsOn =
        replicas.values(pods, "zeromesh_connected_peers", FRONTEND_PEERS);
    String lost = mostConnected(clientsOn);
    long clientsOnLost = Math.round(clientsOn.get(lost));
    Step.log(
        "clients per replica %s: delete %s (%d clients on it)", clientsOn, lost, clientsOnLost);
    DeviceReplicas.Replacement replaced = replicas.replace(lost, DEVICE_BACK);
    Duration restart = replaced.restart();
    // The workers connect to each replica's own address: they must find the replacement (a new
    // pod IP under the same name) within the rejoin bound, or the Service sends clients to a
    // replica without workers.
    Duration rejoin =
        replicas.awaitRejoin(
            lost, replaced.ready(), "zeromesh_connected_peers", BACKEND_PEERS, BROKER_WORKERS);

    List<ProbeResult> results = Probes.awaitAll(clients);
    long perClient = RestartBudget.resendBudget(REQUEST_TIMEOUT, NO_RESTART);
    long budget = clientsOnLost * perClient;
    long resent = results.stream().mapToLong(ProbeResult::resent).sum();
    Map<String, Long> servedBy = answeredByWorkers(results, REQUESTS_PER_CLIENT);
    Step.log(
        "request-reply across the loss of replica %s (restart %s, not waited for; workers back %s"
            + " after its Ready): %d x %d requests, all answered; resent per client %s = %d"
            + " (budget %d = %d clients on the lost replica x (ceil(%s / %s) + 1)); served per"
            + " worker %s",
        lost,
        restart,
        rejoin,
        CLIENTS,
        REQUESTS_PER_CLIENT,
        results.stream().map(ProbeResult::resent).toList(),
        resent,
        budget,
        clientsOnLost,
        RestartBudget.outage(NO_RESTART),
        REQUEST_TIMEOUT,
        servedBy);
    assertTrue(
        resent <= budget,
        () -> "resent " + resent + " requests, over the budget of " + budget + ": " + results);
    assertEquals(workers, servedBy.keySet(), "responders vs worker pods");
  }

  /** A 2-replica broker whose workers connect to {@code $(ZEROMESH_BROKER)}; its frontend. */
  private String createReplicatedBroker(String name) {
    ns.devices()
        .create(
            ZmqKind.BROKER,
            name,
            Map.of(
                "deviceReplicas",
                REPLICAS,
                "workers",
                Map.of(
                    "replicas",
                    BROKER_WORKERS,
                    "template",
                    Workers.asMap(
                        Workers.probeTemplate(
                            "rep", "--endpoint", "$(ZEROMESH_BROKER)", "--count", "0")))));
    return Devices.frontendEndpoint(
        ns.devices().awaitReady(ZmqKind.BROKER, name, Duration.ofMinutes(3)));
  }

  /**
   * Waits for the workers, and for each of them to be connected to every replica ({@code
   * ZEROMESH_BROKER} lists both replicas' backends); their pod names.
   */
  private Set<String> awaitBrokerWorkersOnEveryReplica(
      DeviceReplicas replicas, String name, List<String> pods) {
    Set<String> workers =
        Set.copyOf(
            ns
                .devices()
                .awaitPods(ZmqKind.BROKER, name, true, BROKER_WORKERS, Duration.ofMinutes(2))
                .stream()
                .map(p -> p.getMetadata().getName())
                .toList());
    replicas.awaitValues(
        pods,
        "zeromesh_connected_peers",
        BACKEND_PEERS,
        ">= " + BROKER_WORKERS + " on each",
        v -> v.values().stream().allMatch(n -> n >= BROKER_WORKERS),
        Duration.ofMinutes(2));
    return workers;
  }

  /** Until the replicas took in 20 requests per client, together (traffic flowing). */
  private static void awaitTrafficFlowing(DeviceReplicas replicas, List<String> pods) {
    replicas.awaitValues(
        pods,
        "zeromesh_messages_total",
        FRONTEND_IN,
        ">= " + 20 * CLIENTS + " in all (traffic flowing)",
        v -> DeviceReplicas.sum(v) >= 20 * CLIENTS,
        Duration.ofMinutes(2));
  }

  /** {@link #CLIENTS} lazy-pirate clients through the Service, paced at {@link #REQUEST_RATE}. */
  private List<ProbeRun> startClients(String frontend, int requests) {
    return IntStream.rangeClosed(1, CLIENTS)
        .mapToObj(
            i ->
                ns.probes()
                    .start(
                        ProbeJobs.client(
                            "client-" + i, frontend, requests, REQUEST_RATE, REQUEST_TIMEOUT, 150)))
        .toList();
  }

  /**
   * Asserts every client got every reply, none lost after the retries; the replies per responder.
   */
  private static Map<String, Long> answeredByWorkers(List<ProbeResult> results, int requests) {
    Map<String, Long> servedBy = new TreeMap<>();
    for (ProbeResult r : results) {
      assertEquals(0, r.exitCode(), () -> r + "\n" + r.log());
      assertEquals(requests, r.received(), () -> "replies to " + r);
      assertEquals(0, r.lost(), () -> "requests lost after every retry: " + r);
      r.peers().forEach((worker, n) -> servedBy.merge(worker, n, Long::sum));
    }
    return servedBy;
  }

  // ---- forwarder ----

  private static final int PUBLISHERS = 2;
  private static final int PER_PUBLISHER = 1000;
  private static final int PUBLISHED = PUBLISHERS * PER_PUBLISHER;
  private static final int PUBLISH_RATE = 25;
  private static final int SERVICE_SUBSCRIBERS = 4;

  /** Each subscriber subscribes to its own prefix of it, so the forwarders count each one. */
  private static final String TOPIC = "replicated-ticks";

  /**
   * Two publishers connected to both replicas' frontends ({@code status.endpoints
   * .frontendReplicas}), subscribers through the Service, and one subscriber on each replica's own
   * backend ({@code backendReplicas}) so that each replica surely has one. The replica with more
   * subscribers is deleted while publishing. Every subscriber of the surviving replica gets exactly
   * what that replica took in, without a gap; no subscriber gets more than was published, nor more
   * than the sequence numbers it saw allow (a duplicate would show as {@code received + gaps} over
   * the published count); and a subscriber of the lost replica misses at most what was published
   * during the restart's outage ({@link RestartBudget#lossBudget}).
   */
  @Test
  void forwarderReplicaLostCostsItsSurvivingSubscribersNothingAndNobodyADuplicate() {
    ReplicatedForwarder feed = ReplicatedForwarder.create(ns, "feed", REPLICAS, TOPIC);
    DeviceReplicas replicas = feed.replicas();
    List<String> pods = feed.pods();
    Map<String, String> pinnedTo = feed.pinnedTo();
    // Publishers start only once every subscription is in (no slow-joiner loss).
    feed.subscribe(SERVICE_SUBSCRIBERS, 130);

    List<ProbeRun> publishers = feed.startPublishers(PUBLISHERS, PER_PUBLISHER, PUBLISH_RATE);
    feed.awaitTakenInOnEach(150);
    Map<String, Double> subscribersOn =
        replicas.values(pods, "zeromesh_connected_peers", BACKEND_PEERS);
    String lost = mostConnected(subscribersOn);
    String survivor = pods.stream().filter(p -> !p.equals(lost)).findFirst().orElseThrow();
    long survivorSubscribers = Math.round(subscribersOn.get(survivor));
    Step.log(
        "subscribers per replica %s: delete %s, %d subscribers stay on %s",
        subscribersOn, lost, survivorSubscribers, survivor);
    DeviceReplicas.Replacement replaced = replicas.replace(lost, DEVICE_BACK);
    Duration restart = replaced.restart();
    // The publishers connect to each replica's own address: back on the replacement in time.
    Duration rejoin =
        replicas.awaitRejoin(
            lost, replaced.ready(), "zeromesh_connected_peers", FRONTEND_PEERS, PUBLISHERS);

    ReplicatedForwarder.awaitPublished(publishers, PER_PUBLISHER);
    Map<String, ProbeResult> got = feed.awaitSubscribers();
    long survivorTookIn =
        Math.round(replicas.metrics(survivor).value("zeromesh_messages_total", FRONTEND_IN));
    long lossBudget = RestartBudget.lossBudget(PUBLISHERS * PUBLISH_RATE, restart);
    long pinnedBudget = RestartBudget.lossBudget(PUBLISHERS * PUBLISH_RATE, restart.plus(rejoin));
    List<String> lossless = new ArrayList<>();
    for (Map.Entry<String, ProbeResult> e : got.entrySet()) {
      ProbeResult r = e.getValue();
      assertEquals(0, r.exitCode(), () -> r + "\n" + r.log());
      assertEquals(0, r.duplicates(), () -> "received twice: " + r);
      assertTrue(
          r.received() + r.number("gaps") <= PUBLISHED,
          () -> "received more than was published (received + gaps over " + PUBLISHED + "): " + r);
      // The subscriber of the lost replica's own address waits for the replacement and for its
      // publishers to find it (restart + rejoin); the others only for the Service (outage).
      long gapBudget = lost.equals(pinnedTo.get(e.getKey())) ? pinnedBudget : lossBudget;
      assertTrue(
          r.number("gaps") <= gapBudget,
          () -> "missed more than the loss budget " + gapBudget + ": " + r);
      if (r.received() == survivorTookIn && r.number("gaps") == 0) {
        lossless.add(e.getKey());
      }
    }
    Step.log(
        "pub-sub across the loss of replica %s (restart %s, publishers back %s after its Ready):"
            + " %d published, %d taken in by the survivor %s; per subscriber received/gaps %s; %d"
            + " with all of the survivor's messages %s (%d subscribers were on it); loss budget %d"
            + " = ceil(%d/s x %s); none twice",
        lost,
        restart,
        rejoin,
        PUBLISHED,
        survivorTookIn,
        survivor,
        got.entrySet().stream()
            .map(
                e -> e.getKey() + "=" + e.getValue().received() + "/" + e.getValue().number("gaps"))
            .toList(),
        lossless.size(),
        lossless,
        survivorSubscribers,
        lossBudget,
        PUBLISHERS * PUBLISH_RATE,
        RestartBudget.outage(restart));
    assertTrue(survivorTookIn <= PUBLISHED, () -> "survivor took in " + survivorTookIn);
    String onSurvivor =
        pinnedTo.entrySet().stream()
            .filter(e -> e.getValue().equals(survivor))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow();
    assertTrue(
        lossless.contains(onSurvivor),
        () ->
            "the subscriber on the survivor's own address lost messages: "
                + got.get(onSurvivor)
                + ", the survivor took in "
                + survivorTookIn);
    assertTrue(
        lossless.size() >= survivorSubscribers,
        () ->
            "only "
                + lossless
                + " got every one of the survivor's "
                + survivorTookIn
                + " messages, "
                + survivorSubscribers
                + " subscribers were on it: "
                + got.values());
    // Missed at the end too (no gap shows for messages that never came after the last one): at
    // most the outage's worth beyond what the survivor itself missed when publishing began; the
    // subscriber of the lost replica's own address can only wait for the replacement, and its
    // publishers to find it: the restart and the rejoin.
    long shortfall = PUBLISHED - survivorTookIn;
    for (Map.Entry<String, ProbeResult> e : got.entrySet()) {
      ProbeResult r = e.getValue();
      long allowed = lost.equals(pinnedTo.get(e.getKey())) ? pinnedBudget : lossBudget;
      assertTrue(
          PUBLISHED - r.received() <= allowed + shortfall,
          () ->
              "missed "
                  + (PUBLISHED - r.received())
                  + ", over the loss budget "
                  + allowed
                  + " + the survivor's start-up shortfall "
                  + shortfall
                  + ": "
                  + r);
    }
  }

  // ---- streamer ----

  private static final int TASKS = 1000;
  private static final int TASK_RATE = 40;
  private static final int STAGE_WORKERS = 2;

  /**
   * A 2-replica work stage between a ventilator (through the Service: one replica) and a sink
   * stage; its two workers pull from both replicas. The replica the ventilator is connected to is
   * deleted mid-run. The surviving replica passes on everything it took in (frontend in = backend
   * out), the sink gets no task twice, and what is lost is what the deleted replica held: on
   * SIGTERM it stops reading its frontend and lingers its backend out to the workers, so the loss
   * is the tasks the ventilator wrote into its connection to that replica after the replica stopped
   * reading and before the connection closed and the ventilator reconnected through the Service: at
   * most the task rate times the outage of no restart ({@link RestartBudget#lossBudget}).
   */
  @Test
  void pipelineReplicaLostDeliversEveryTaskThatReachedALiveStreamerOnce() {
    ns.devices().create(ZmqKind.PIPELINE_STAGE, "sink", Map.of());
    String sinkBackend =
        Devices.backendEndpoint(
            ns.devices().awaitReady(ZmqKind.PIPELINE_STAGE, "sink", Duration.ofMinutes(3)));
    ns.devices()
        .create(
            ZmqKind.PIPELINE_STAGE,
            "work",
            Map.of(
                "deviceReplicas",
                REPLICAS,
                "output",
                Map.of("kind", ZmqKind.PIPELINE_STAGE.kind(), "name", "sink"),
                "replicas",
                STAGE_WORKERS,
                "template",
                Workers.asMap(
                    Workers.probeTemplate(
                        "worker",
                        "--endpoint",
                        "$(ZEROMESH_INPUT)",
                        "--output",
                        "$(ZEROMESH_OUTPUT)"))));
    String workFrontend =
        Devices.frontendEndpoint(
            ns.devices().awaitReady(ZmqKind.PIPELINE_STAGE, "work", Duration.ofMinutes(3)));
    DeviceReplicas replicas = new DeviceReplicas(ns, ZmqKind.PIPELINE_STAGE, "work");
    List<String> pods = replicas.awaitReady(REPLICAS, Duration.ofMinutes(2));
    ns.devices()
        .awaitPods(ZmqKind.PIPELINE_STAGE, "work", true, STAGE_WORKERS, Duration.ofMinutes(2));
    replicas.awaitValues(
        pods,
        "zeromesh_connected_peers",
        BACKEND_PEERS,
        ">= " + STAGE_WORKERS + " on each",
        v -> v.values().stream().allMatch(n -> n >= STAGE_WORKERS),
        Duration.ofMinutes(2));

    ProbeRun sink =
        ns.probes()
            .start(
                Probe.job("sink", "pull")
                    .endpoint(sinkBackend)
                    // No --count or --expect: it listens to the end, so a surplus would show.
                    .timeoutSeconds(110));
    sink.awaitRunning(Duration.ofMinutes(1));
    ProbeRun ventilator =
        ns.probes()
            .start(
                Probe.job("ventilator", "push")
                    .endpoint(workFrontend)
                    .flag("count", Integer.toString(TASKS))
                    .flag("rate", Integer.toString(TASK_RATE))
                    .timeoutSeconds(90));
    replicas.awaitValues(
        pods,
        "zeromesh_messages_total",
        FRONTEND_IN,
        ">= 200 in all (tasks flowing)",
        v -> DeviceReplicas.sum(v) >= 200,
        Duration.ofMinutes(2));
    Map<String, Double> ventilatorOn =
        replicas.values(pods, "zeromesh_connected_peers", FRONTEND_PEERS);
    String lost = mostConnected(ventilatorOn);
    String survivor = pods.stream().filter(p -> !p.equals(lost)).findFirst().orElseThrow();
    assertEquals(1.0, ventilatorOn.get(lost), () -> "the ventilator's connection: " + ventilatorOn);
    Step.log("ventilator on %s (%s): delete it", lost, ventilatorOn);
    DeviceReplicas.Replacement replaced = replicas.replace(lost, DEVICE_BACK);
    Duration restart = replaced.restart();

    ProbeResult pushed = ventilator.awaitResult();
    assertEquals(0, pushed.exitCode(), () -> pushed + "\n" + pushed.log());
    assertEquals(TASKS, pushed.sent(), () -> "ventilator: " + pushed);
    ProbeResult collected = sink.awaitResult();
    assertEquals(0, collected.exitCode(), () -> collected + "\n" + collected.log());
    // Both replicas now running passed on all they took in (the replaced one since its restart).
    Map<String, Double> in = replicas.values(pods, "zeromesh_messages_total", FRONTEND_IN);
    Map<String, Double> out = replicas.values(pods, "zeromesh_messages_total", BACKEND_OUT);
    long lostTasks = TASKS - collected.received();
    long budget = RestartBudget.lossBudget(TASK_RATE, NO_RESTART);
    Step.log(
        "pipeline across the loss of replica %s (restart %s): %d pushed, %d at the sink (gaps %d),"
            + " %d lost (budget %d = ceil(%d/s x %s)); per worker %s; replicas now in %s, out %s",
        lost,
        restart,
        TASKS,
        collected.received(),
        collected.number("gaps"),
        lostTasks,
        budget,
        TASK_RATE,
        RestartBudget.outage(NO_RESTART),
        collected.peers(),
        in,
        out);
    assertEquals(in.get(survivor), out.get(survivor), () -> "survivor in vs out: " + in + out);
    assertEquals(in.get(lost), out.get(lost), () -> "replaced replica in vs out: " + in + out);
    assertEquals(0, collected.duplicates(), () -> "tasks at the sink twice: " + collected);
    assertTrue(
        collected.received() + collected.number("gaps") <= TASKS,
        () ->
            "more at the sink than was pushed (received + gaps over " + TASKS + "): " + collected);
    assertTrue(
        lostTasks <= budget,
        () -> lostTasks + " tasks lost, over the budget of " + budget + ": " + collected);
  }

  // ---- rolling changes ----

  /** A change of the device pods' annotations: the StatefulSet rolls them one at a time. */
  private static final Map<String, Object> ROLLING_CHANGE =
      Map.of("annotations", Map.of("e2e.zeromesh.io/rolled", "once"));

  private static final int ROLL_REQUESTS_PER_CLIENT = 900;

  /**
   * A spec change that rolls both replicas of a broker (the StatefulSet replaces the highest
   * ordinal first and the next only once that one is Ready again) while 3 clients send 900 requests
   * each at 15/s through the Service. Every request is answered; the workers (connected to each
   * replica's own address) find each replacement within {@link RestartBudget#REJOIN} of its Ready;
   * and the resends stay within what the measured roll allows: a client on a replica that goes
   * resends its request in flight until the Service routes it to a replica with workers, at most
   * {@code ceil((3.1 s + rejoin) / 2.5 s) + 1} times per replica, counted for every client.
   */
  @Test
  void rollingChangeOfAReplicatedBrokerAnswersEveryRequestWithinTheResendBudget() {
    String frontend = createReplicatedBroker("rr");
    DeviceReplicas replicas = new DeviceReplicas(ns, ZmqKind.BROKER, "rr");
    List<String> pods = replicas.awaitReady(REPLICAS, Duration.ofMinutes(2));
    Set<String> workers = awaitBrokerWorkersOnEveryReplica(replicas, "rr", pods);
    Instant trafficFrom = Instant.now();
    List<ProbeRun> clients = startClients(frontend, ROLL_REQUESTS_PER_CLIENT);
    awaitTrafficFlowing(replicas, pods);
    DeviceReplicas.Roll roll =
        replicas.change(
            pods,
            ROLLING_CHANGE,
            "zeromesh_connected_peers",
            BACKEND_PEERS,
            BROKER_WORKERS,
            Duration.ofMinutes(3));
    List<DeviceReplicas.Rolled> rolled = roll.rolled();

    List<ProbeResult> results = Probes.awaitAll(clients);
    Map<String, Long> servedBy = answeredByWorkers(results, ROLL_REQUESTS_PER_CLIENT);
    long perClient = 0;
    for (DeviceReplicas.Rolled r : rolled) {
      perClient += RestartBudget.resendBudget(REQUEST_TIMEOUT, r.rejoin());
    }
    long budget = CLIENTS * perClient;
    long resent = results.stream().mapToLong(ProbeResult::resent).sum();
    Duration traffic = Duration.ofMillis(1000L * ROLL_REQUESTS_PER_CLIENT / REQUEST_RATE);
    Step.log(
        "request-reply across a rolling change of %s (change %s, done %s, %s after the change): %s;"
            + " %d x %d requests, all answered; resent per client %s = %d (budget %d = %d clients"
            + " x sum over the replicas of (ceil((3.1 s + rejoin) / %s) + 1)); latency max per"
            + " client %s us; served per worker %s",
        pods,
        roll.changed(),
        roll.done(),
        roll.took(),
        rolled,
        CLIENTS,
        ROLL_REQUESTS_PER_CLIENT,
        results.stream().map(ProbeResult::resent).toList(),
        resent,
        budget,
        CLIENTS,
        REQUEST_TIMEOUT,
        results.stream().map(r -> r.number("latencyMaxUs")).toList(),
        servedBy);
    roll.assertUnderTrafficAndRejoined(trafficFrom, traffic, "the clients' traffic", "workers");
    assertTrue(
        resent <= budget,
        () -> "resent " + resent + " requests, over the budget of " + budget + ": " + results);
    assertEquals(workers, servedBy.keySet(), "responders vs worker pods");
  }

  private static final int ROLL_PER_PUBLISHER = 1500;
  private static final int ROLL_PUBLISHED = PUBLISHERS * ROLL_PER_PUBLISHER;

  /**
   * A spec change that rolls both replicas of a forwarder while 2 publishers (connected to each
   * replica's own frontend) publish 1,500 messages each at 25/s; a subscriber on each replica's own
   * backend and 4 through the Service. The publishers find each replacement within {@link
   * RestartBudget#REJOIN} of its Ready. Every gap a subscriber saw (placed in time by the send
   * times around it) lies in the outage of a replica it was on: from the replica's going to its
   * publishers' return plus the rejoin bound. So the subscriber on the replica not yet rolled loses
   * nothing while the other rolls, and the one on the replica rolled first loses nothing once it is
   * back, also while the second rolls. Nobody gets a message twice.
   */
  @Test
  void rollingChangeOfAReplicatedForwarderCostsTheReplicaNotYetRolledNothingAndNobodyADuplicate() {
    ReplicatedForwarder feed = ReplicatedForwarder.create(ns, "rollfeed", REPLICAS, TOPIC);
    DeviceReplicas replicas = feed.replicas();
    List<String> pods = feed.pods();
    Map<String, String> pinnedTo = feed.pinnedTo();
    feed.subscribe(SERVICE_SUBSCRIBERS, 170);
    Instant trafficFrom = Instant.now();
    List<ProbeRun> publishers = feed.startPublishers(PUBLISHERS, ROLL_PER_PUBLISHER, PUBLISH_RATE);
    feed.awaitTakenInOnEach(150);
    DeviceReplicas.Roll roll =
        replicas.change(
            pods,
            ROLLING_CHANGE,
            "zeromesh_connected_peers",
            FRONTEND_PEERS,
            PUBLISHERS,
            Duration.ofMinutes(3));
    List<DeviceReplicas.Rolled> rolled = roll.rolled();

    ReplicatedForwarder.awaitPublished(publishers, ROLL_PER_PUBLISHER);
    Map<String, ProbeResult> got = feed.awaitSubscribers();

    // Each replica's outage: from its going (a second early: whole-second timestamps) to its
    // publishers' return plus the rejoin bound (a subscriber of it may come back a little later).
    Map<String, Instant[]> outage = new LinkedHashMap<>();
    for (DeviceReplicas.Rolled r : rolled) {
      outage.put(
          r.pod(),
          new Instant[] {
            r.went().minus(RestartBudget.TIMESTAMP_RESOLUTION), r.back().plus(RestartBudget.REJOIN)
          });
    }
    int rate = PUBLISHERS * PUBLISH_RATE;
    Map<String, String> perSubscriber = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ProbeResult> e : got.entrySet()) {
      String probe = e.getKey();
      ProbeResult r = e.getValue();
      assertEquals(0, r.exitCode(), () -> r + "\n" + r.log());
      // The outages this subscriber may have lost in: its own replica's, or any for one that
      // connected through the Service (it moves to another replica when its own goes).
      List<String> mayLoseIn =
          pinnedTo.containsKey(probe) ? List.of(pinnedTo.get(probe)) : List.copyOf(outage.keySet());
      List<String> spans = new ArrayList<>();
      for (long[] g : r.gapSpans()) {
        Instant after = micros(g[2]);
        Instant upTo = micros(g[3]);
        String span = (g[1] - g[0] - 1) + " missed between " + after + " and " + upTo;
        spans.add(span);
        boolean inAnOutage =
            mayLoseIn.stream()
                .map(outage::get)
                .anyMatch(w -> !after.isBefore(w[0]) && !upTo.isAfter(w[1]));
        if (!inAnOutage) {
          problems.add(
              probe
                  + ": "
                  + span
                  + ", outside the outages of "
                  + mayLoseIn
                  + " "
                  + windows(outage));
        }
      }
      if (r.duplicates() != 0) {
        problems.add(probe + ": " + r.duplicates() + " received twice");
      }
      if (r.received() + r.number("gaps") > ROLL_PUBLISHED) {
        problems.add(probe + ": received + gaps over the " + ROLL_PUBLISHED + " published: " + r);
      }
      // Not in a gap: missed before the first message (a subscription reaching a replica a moment
      // after the publishers began) or after the last; at most a second's worth.
      long unplaced = ROLL_PUBLISHED - r.received() - r.number("gaps");
      if (unplaced > rate) {
        problems.add(probe + ": " + unplaced + " missed outside any gap (over " + rate + ")");
      }
      perSubscriber.put(
          probe,
          r.received()
              + " received, "
              + r.number("gaps")
              + " gaps "
              + spans
              + ", "
              + r.duplicates()
              + " twice"
              + (pinnedTo.containsKey(probe) ? " (on " + pinnedTo.get(probe) + ")" : ""));
    }
    Duration traffic = Duration.ofMillis(1000L * ROLL_PER_PUBLISHER / PUBLISH_RATE);
    Step.log(
        "pub-sub across a rolling change of %s (change %s, done %s, %s after the change): %s;"
            + " outages %s; %d published; per subscriber %s",
        pods,
        roll.changed(),
        roll.done(),
        roll.took(),
        rolled,
        windows(outage),
        ROLL_PUBLISHED,
        perSubscriber);
    roll.assertUnderTrafficAndRejoined(trafficFrom, traffic, "the publishing", "publishers");
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems) + "\n" + perSubscriber);
  }

  private static Instant micros(long epochMicros) {
    return Instant.ofEpochSecond(epochMicros / 1_000_000, (epochMicros % 1_000_000) * 1000);
  }

  private static String windows(Map<String, Instant[]> outage) {
    StringBuilder b = new StringBuilder();
    outage.forEach(
        (pod, w) -> b.append(pod).append(' ').append(w[0]).append("..").append(w[1]).append(' '));
    return b.toString().trim();
  }

  /** The replica with the most connected peers (of the later replica on a tie). */
  private static String mostConnected(Map<String, Double> peersPerReplica) {
    String most = null;
    for (Map.Entry<String, Double> e : peersPerReplica.entrySet()) {
      if (most == null || e.getValue() >= peersPerReplica.get(most)) {
        most = e.getKey();
      }
    }
    return most;
  }
}
