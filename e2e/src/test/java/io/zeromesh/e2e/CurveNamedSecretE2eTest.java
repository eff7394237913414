package io.zeromesh.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zeromesh.e2e.support.CaseNamespace;
import io.zeromesh.e2e.support.DeviceMetrics;
import io.zeromesh.e2e.support.Devices;
import io.zeromesh.e2e.support.Probe;
import io.zeromesh.e2e.support.ProbeResult;
import io.zeromesh.e2e.support.ProbeRun;
import io.zeromesh.e2e.support.Probes;
import io.zeromesh.e2e.support.Step;
import io.zeromesh.e2e.support.Workers;
import io.zeromesh.e2e.support.ZeroMeshE2e;
import io.zeromesh.e2e.support.ZeroMeshOperator;
import io.zeromesh.e2e.support.ZmqKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.zeromq.ZMQ;

/**
 * CURVE with a keypair Secret the user makes and names ({@code spec.curve.secretName}), under the
 * chart's all-namespaces default, which does not read it ({@code curve.readSecrets=false},
 * ZEROMESH_CURVE_READ_SECRETS=false): only the kubelet reads it, for the device pod's volume and
 * the workers' {@code secretKeyRef}. Shown on a real node, which the integration tests lack:
 *
 * <ol>
 *   <li>while the Secret is missing the pods do not start and the Ready message names it and the
 *       pods to describe (the kubelet's events there name it too); creating it lets them start;
 *   <li>clients with the server key from the Secret are served, every request, by the worker that
 *       took the key through its {@code secretKeyRef};
 *   <li>a rotation (the Secret replaced by a new keypair, then the documented {@code kubectl
 *       rollout restart deployment,statefulset -l ...}) serves clients with the new key and refuses
 *       clients that still hold the old one.
 * </ol>
 */
@ZeroMeshE2e
@Order(6)
class CurveNamedSecretE2eTest {
  private static final String NAME = "keyed";
  private static final String SECRET = "keyed-curve-keys";
  private static final String PUBLIC_KEY = "server.pub";
  private static final String SECRET_KEY = "server.key";
  private static final int CLIENTS = 2;
  private static final int REQUESTS = 100;

  /** The labels of the documented restart: {@code -l app.kubernetes.io/name=...,instance=...}. */
  private static final Map<String, String> RESTART_SELECTOR =
      Map.of("app.kubernetes.io/name", "zeromesh-broker", "app.kubernetes.io/instance", NAME);

  /**
   * The operator writes the status right after it made the children: seconds on an idle node; the
   * bound covers a reconcile queued behind other cases' on the shared two cores.
   */
  private static final Duration STATUS_WRITTEN = Duration.ofMinutes(2);

  /** The kubelet's first failed mount and its first failed container start: seconds. */
  private static final Duration KUBELET_REPORTED = Duration.ofMinutes(1);

  /**
   * From creating the missing Secret to the pods ready: the kubelet retries a failed mount with an
   * exponential backoff from 0.5 s capped at 2 min 2 s and a container whose Secret was missing
   * after its pod-sync backoff (10 to 15 s); on top, the pod's start and readiness. Measured
   * 2026-12-04 (Secret created 4 to 6 s after the broker): device Ready after 6.4 s and 10.4 s,
   * worker ready after 10.9 s and 13.8 s.
   */
  private static final Duration STARTED_ONCE_THERE = Duration.ofMinutes(3);

  /**
   * A Recreate of the device and a rolling update of one worker: measured 15.1 s and 11.9 s from
   * the restart to the new worker connected; the bound as for the first start.
   */
  private static final Duration ROLLED = Duration.ofMinutes(3);

  @RegisterExtension final CaseNamespace ns = new CaseNamespace();

  @Test
  void aSecretOnlyThePodsReadIsReportedWhileMissingServesAndRotatesByARestart() {
    KubernetesClient kube = ns.kube();
    assertOperatorDoesNotReadNamedSecrets(kube);

    // 1. The resource names a Secret that is not there yet.
    ns.devices()
        .create(
            ZmqKind.BROKER,
            NAME,
            Map.of(
                "curve",
                Map.of("enabled", true, "secretName", SECRET),
                "workers",
                Map.of(
                    "replicas",
                    1,
                    "template",
                    Workers.asMap(
                        Workers.probeTemplate(
                            "rep", "--endpoint", "$(ZEROMESH_BROKER)", "--count", "0")))));
    String devicePods =
        "app.kubernetes.io/name=zeromesh-broker,app.kubernetes.io/instance="
            + NAME
            + ",app.kubernetes.io/component=device";
    String expectedMessage =
        "waiting for the device pod of keyed-broker to become available; its pods mount Secret "
            + SECRET
            + " (spec.curve.secretName), which the operator does not read"
            + " (ZEROMESH_CURVE_READ_SECRETS=false): a missing Secret or bad keys keep them from"
            + " starting; see kubectl describe pods -l "
            + devicePods;
    // First "creating the device", then, once the Deployment exists, the note on the Secret.
    Map<String, Object> waiting =
        awaitReady(
            "False with the note on unread Secrets",
            c ->
                "False".equals(c.get("status"))
                    && String.valueOf(c.get("message")).contains("its pods mount Secret"),
            STATUS_WRITTEN);
    assertEquals("Progressing", waiting.get("reason"), () -> "Ready condition " + waiting);
    assertEquals(expectedMessage, waiting.get("message"), "Ready message with the Secret missing");

    // Where the message says to look: its selector finds the device pod, not started, and the
    // kubelet's events on it name the Secret. The worker's secretKeyRef fails the same way.
    Pod device = awaitOnePodBySelector(kube, devicePods);
    assertFalse(ready(device), "the device pod started without its Secret");
    assertSecretVolume(device);
    Event failedMount = awaitFailedMount(kube, device.getMetadata().getName());
    Step.log(
        "device pod %s: %s %s",
        device.getMetadata().getName(), failedMount.getReason(), failedMount.getMessage());
    ContainerStateWaiting workerWaiting = awaitWorkerWaitingForTheSecret(kube);
    Step.log("worker pod: %s %s", workerWaiting.getReason(), workerWaiting.getMessage());

    // 2. The Secret is created: the kubelet starts the pods, and key holders are served.
    ZMQ.Curve.KeyPair first = ZMQ.Curve.generateKeyPair();
    Instant created = Instant.now();
    kube.secrets()
        .inNamespace(ns.name())
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(SECRET)
                .withNamespace(ns.name())
                .endMetadata()
                .withType("Opaque")
                .withData(secretData(first))
                .build())
        .create();
    Step.log("Secret %s created, server public key %s", SECRET, first.publicKey);
    GenericKubernetesResource broker = awaitReadyTrue(STARTED_ONCE_THERE);
    Step.log(
        "Ready %ss after the Secret was created",
        Duration.between(created, Instant.now()).toMillis() / 1000.0);
    String frontend = Devices.frontendEndpoint(broker);
    String firstWorker = awaitPodsOtherThan(true, Set.of(), STARTED_ONCE_THERE).get(0);
    Step.log(
        "worker %s ready %ss after the Secret was created",
        firstWorker, Duration.between(created, Instant.now()).toMillis() / 1000.0);
    awaitWorkerConnected();
    Pod workerPod = kube.pods().inNamespace(ns.name()).withName(firstWorker).get();
    assertServerKeyFromSecretKeyRef(workerPod);

    servedEveryRequest("before-rotation", frontend, firstWorker);

    // 3. Rotation: a new keypair in the same Secret, then the documented restart.
    Pod deviceBefore = ns.devices().pods(ZmqKind.BROKER, NAME, false).get(0);
    ZMQ.Curve.KeyPair second = ZMQ.Curve.generateKeyPair();
    assertNotEquals(first.publicKey, second.publicKey, "a new keypair");
    Secret stored = kube.secrets().inNamespace(ns.name()).withName(SECRET).get();
    stored.setData(secretData(second));
    kube.secrets().inNamespace(ns.name()).resource(stored).update();
    assertEquals(
        secretData(second),
        kube.secrets().inNamespace(ns.name()).withName(SECRET).get().getData(),
        "the Secret holds the new keypair");
    Step.log("Secret %s replaced, new server public key %s", SECRET, second.publicKey);

    Instant restarted = Instant.now();
    List<String> rolled = rolloutRestart(kube);
    assertEquals(
        List.of("deployment/keyed-broker", "deployment/keyed-broker-workers"),
        rolled,
        "what the documented selector restarts: the device and its workers");
    String deviceAfter =
        awaitPodsOtherThan(false, Set.of(deviceBefore.getMetadata().getUid()), ROLLED).get(0);
    String secondWorker =
        awaitPodsOtherThan(true, Set.of(workerPod.getMetadata().getUid()), ROLLED).get(0);
    awaitReadyTrue(ROLLED);
    awaitWorkerConnected();
    Step.log(
        "rolled in %ss: device %s -> %s, worker %s -> %s",
        Duration.between(restarted, Instant.now()).toMillis() / 1000.0,
        deviceBefore.getMetadata().getName(),
        deviceAfter,
        firstWorker,
        secondWorker);
    // The operator kept the restart annotation (not one of its fields) instead of undoing it.
    for (String deployment : List.of("keyed-broker", "keyed-broker-workers")) {
      Map<String, String> annotations =
          kube.apps()
              .deployments()
              .inNamespace(ns.name())
              .withName(deployment)
              .get()
              .getSpec()
              .getTemplate()
              .getMetadata()
              .getAnnotations();
      assertTrue(
          annotations.containsKey("kubectl.kubernetes.io/restartedAt"),
          () -> deployment + " pod template annotations after the restart: " + annotations);
    }

    ProbeRun oldKey =
        ns.probes()
            .start(
                Probe.job("client-old-key", "req")
                    .endpoint(frontend)
                    .env("ZEROMESH_CURVE_SERVER_KEY", first.publicKey)
                    .flag("count", "5")
                    .flag("expect", "1")
                    .timeoutSeconds(20));
    servedEveryRequest("after-rotation", frontend, secondWorker);
    ProbeResult refused = oldKey.awaitResult();
    assertEquals(0, refused.received(), () -> "a client with the old key got replies: " + refused);
    assertNotEquals(0, refused.exitCode(), () -> "the old-key probe reported success: " + refused);
    Step.log("client with the old key got %d replies within its 20 s: refused", refused.received());
  }

  /**
   * The run's operator is installed not to read named Secrets (the chart's all-namespaces default).
   */
  private static void assertOperatorDoesNotReadNamedSecrets(KubernetesClient kube) {
    List<Pod> operators = ZeroMeshOperator.pods(kube);
    assertFalse(operators.isEmpty(), "no operator pod");
    for (Pod operator : operators) {
      Optional<String> setting =
          operator.getSpec().getContainers().stream()
              .flatMap(c -> c.getEnv().stream())
              .filter(e -> "ZEROMESH_CURVE_READ_SECRETS".equals(e.getName()))
              .map(EnvVar::getValue)
              .findFirst();
      assertEquals(
          Optional.of("false"),
          setting,
          () -> "ZEROMESH_CURVE_READ_SECRETS of operator pod " + operator.getMetadata().getName());
    }
  }

  /**
   * {@code CLIENTS} clients, each taking the server key from the Secret as an application would,
   * each get every reply at the first try, from the one worker.
   */
  private void servedEveryRequest(String phase, String frontend, String worker) {
    List<ProbeRun> runs =
        IntStream.rangeClosed(1, CLIENTS)
            .mapToObj(
                i ->
                    ns.probes()
                        .start(
                            Probe.job("client-" + phase + "-" + i, "req")
                                .endpoint(frontend)
                                .envFromSecret("ZEROMESH_CURVE_SERVER_KEY", SECRET, PUBLIC_KEY)
                                .flag("count", Integer.toString(REQUESTS))
                                .flag("expect", Integer.toString(REQUESTS))
                                .flag("retries", "3")
                                .timeoutSeconds(90)))
            .toList();
    Map<String, Long> servedBy = new TreeMap<>();
    long replies = 0;
    for (ProbeResult r : Probes.awaitAll(runs)) {
      assertEquals(0, r.exitCode(), () -> r + "\n" + r.log());
      assertEquals(REQUESTS, r.received(), () -> "replies to " + r);
      assertEquals(0, r.resent(), () -> "requests resent with no restart: " + r + "\n" + r.log());
      replies += r.received();
      r.peers().forEach((w, n) -> servedBy.merge(w, n, Long::sum));
    }
    assertEquals((long) CLIENTS * REQUESTS, replies, phase + ": replies in all");
    assertEquals(
        Map.of(worker, replies), servedBy, phase + ": replies by responder (the worker pod)");
    Step.log(
        "%s: %d of %d replies, all from worker %s", phase, replies, CLIENTS * REQUESTS, worker);
  }

  /** The keypair as Secret data: Z85 strings, base64 as the API stores them. */
  private static Map<String, String> secretData(ZMQ.Curve.KeyPair pair) {
    Base64.Encoder b64 = Base64.getEncoder();
    assertEquals(40, pair.publicKey.length(), "Z85 public key");
    assertEquals(40, pair.secretKey.length(), "Z85 secret key");
    return Map.of(
        PUBLIC_KEY,
        b64.encodeToString(pair.publicKey.getBytes(StandardCharsets.US_ASCII)),
        SECRET_KEY,
        b64.encodeToString(pair.secretKey.getBytes(StandardCharsets.US_ASCII)));
  }

  /**
   * {@code kubectl rollout restart deployment,statefulset -l
   * app.kubernetes.io/name=zeromesh-broker, app.kubernetes.io/instance=keyed}, through the client:
   * each Deployment and StatefulSet the selector finds gets the pod-template annotation {@code
   * kubectl.kubernetes.io/restartedAt}. Returns what it restarted, {@code kind/name}, sorted.
   */
  private List<String> rolloutRestart(KubernetesClient kube) {
    List<String> restarted = new ArrayList<>();
    for (Deployment d :
        kube.apps()
            .deployments()
            .inNamespace(ns.name())
            .withLabels(RESTART_SELECTOR)
            .list()
            .getItems()) {
      kube.apps()
          .deployments()
          .inNamespace(ns.name())
          .withName(d.getMetadata().getName())
          .rolling()
          .restart();
      restarted.add("deployment/" + d.getMetadata().getName());
    }
    for (StatefulSet s :
        kube.apps()
            .statefulSets()
            .inNamespace(ns.name())
            .withLabels(RESTART_SELECTOR)
            .list()
            .getItems()) {
      kube.apps()
          .statefulSets()
          .inNamespace(ns.name())
          .withName(s.getMetadata().getName())
          .rolling()
          .restart();
      restarted.add("statefulset/" + s.getMetadata().getName());
    }
    restarted.sort(null);
    Step.log("rollout restart -l %s: %s", RESTART_SELECTOR, restarted);
    return restarted;
  }

  /**
   * The Ready condition of the current generation once it satisfies {@code condition}. Unlike
   * {@link Devices#awaitCondition} it does not stop at a pod that cannot start: here one may, for a
   * while, by design.
   */
  private Map<String, Object> awaitReady(
      String what, Predicate<Map<String, Object>> condition, Duration atMost) {
    Step.log("wait up to %ss for ZmqBroker/%s Ready %s", atMost.toSeconds(), NAME, what);
    AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
    await("ZmqBroker/" + NAME + " Ready " + what)
        .atMost(atMost)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              GenericKubernetesResource current = ns.devices().get(ZmqKind.BROKER, NAME);
              Object observed = Devices.status(current).get("observedGeneration");
              if (observed == null
                  || ((Number) observed).longValue() < current.getMetadata().getGeneration()) {
                return false;
              }
              Optional<Map<String, Object>> ready = Devices.condition(current, "Ready");
              ready.ifPresent(seen::set);
              return ready.map(condition::test).orElse(false);
            });
    Step.log("ZmqBroker/%s Ready: %s", NAME, seen.get());
    return seen.get();
  }

  private GenericKubernetesResource awaitReadyTrue(Duration atMost) {
    awaitReady("True", c -> "True".equals(c.get("status")), atMost);
    return ns.devices().get(ZmqKind.BROKER, NAME);
  }

  /**
   * Waits for exactly one running, ready device or worker pod of the broker that is none of {@code
   * replaced} (uids); returns its name. Tolerates a pod that cannot start yet (see above).
   */
  private List<String> awaitPodsOtherThan(boolean workers, Set<String> replaced, Duration atMost) {
    String what = workers ? "worker" : "device";
    Step.log("wait up to %ss for a new ready %s pod of %s", atMost.toSeconds(), what, NAME);
    AtomicReference<List<Pod>> seen = new AtomicReference<>(List.of());
    await("one new ready " + what + " pod of " + NAME)
        .atMost(atMost)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              List<Pod> pods = ns.devices().pods(ZmqKind.BROKER, NAME, workers);
              seen.set(pods);
              return pods.size() == 1
                  && !replaced.contains(pods.get(0).getMetadata().getUid())
                  && ready(pods.get(0));
            });
    return seen.get().stream().map(p -> p.getMetadata().getName()).toList();
  }

  /** The worker completed its CURVE handshake with the device: the backend counts it. */
  private void awaitWorkerConnected() {
    new DeviceMetrics(ns, ZmqKind.BROKER, NAME)
        .await(
            "zeromesh_connected_peers",
            Map.of("socket", "backend"),
            "= 1",
            v -> v == 1,
            Duration.ofMinutes(1));
  }

  /**
   * The one pod that the selector of the Ready message finds (the status may be written before the
   * ReplicaSet made the pod, so this waits for it).
   */
  private Pod awaitOnePodBySelector(KubernetesClient kube, String selector) {
    Map<String, String> labels =
        Arrays.stream(selector.split(","))
            .map(kv -> kv.split("=", 2))
            .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
    AtomicReference<List<Pod>> seen = new AtomicReference<>(List.of());
    await("one pod of -l " + selector)
        .atMost(KUBELET_REPORTED)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              seen.set(kube.pods().inNamespace(ns.name()).withLabels(labels).list().getItems());
              return seen.get().size() == 1;
            });
    Step.log("-l %s: pod %s", selector, seen.get().get(0).getMetadata().getName());
    return seen.get().get(0);
  }

  /** The kubelet's FailedMount event on the device pod, naming the Secret it could not find. */
  private Event awaitFailedMount(KubernetesClient kube, String pod) {
    Step.log("wait up to %ss for a FailedMount event on %s", KUBELET_REPORTED.toSeconds(), pod);
    AtomicReference<Event> seen = new AtomicReference<>();
    await("FailedMount naming " + SECRET + " on " + pod)
        .atMost(KUBELET_REPORTED)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              Optional<Event> event =
                  kube.v1().events().inNamespace(ns.name()).list().getItems().stream()
                      .filter(e -> pod.equals(e.getInvolvedObject().getName()))
                      .filter(e -> "FailedMount".equals(e.getReason()))
                      .filter(e -> e.getMessage().contains("\"" + SECRET + "\" not found"))
                      .findFirst();
              event.ifPresent(seen::set);
              return event.isPresent();
            });
    return seen.get();
  }

  /** The worker container waits: its secretKeyRef names a Secret the kubelet cannot find. */
  private ContainerStateWaiting awaitWorkerWaitingForTheSecret(KubernetesClient kube) {
    Step.log(
        "wait up to %ss for the worker to wait for Secret %s",
        KUBELET_REPORTED.toSeconds(), SECRET);
    AtomicReference<ContainerStateWaiting> seen = new AtomicReference<>();
    await("worker of " + NAME + " waiting for Secret " + SECRET)
        .atMost(KUBELET_REPORTED)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              Optional<ContainerStateWaiting> waiting =
                  kube
                      .pods()
                      .inNamespace(ns.name())
                      .withLabels(
                          Map.of(
                              "app.kubernetes.io/name",
                              "zeromesh-broker",
                              "app.kubernetes.io/instance",
                              NAME,
                              "app.kubernetes.io/component",
                              "workers"))
                      .list()
                      .getItems()
                      .stream()
                      .flatMap(p -> p.getStatus().getContainerStatuses().stream())
                      .filter(c -> "worker".equals(c.getName()))
                      .map(c -> c.getState().getWaiting())
                      .filter(w -> w != null && "CreateContainerConfigError".equals(w.getReason()))
                      .filter(w -> w.getMessage().contains("\"" + SECRET + "\" not found"))
                      .findFirst();
              waiting.ifPresent(seen::set);
              return waiting.isPresent();
            });
    return seen.get();
  }

  /** The device pod mounts the named Secret itself. */
  private static void assertSecretVolume(Pod device) {
    List<String> secrets =
        device.getSpec().getVolumes().stream()
            .filter(v -> v.getSecret() != null)
            .map(Volume::getSecret)
            .map(s -> s.getSecretName())
            .toList();
    assertEquals(List.of(SECRET), secrets, "Secret volumes of the device pod");
  }

  /** The worker got the server key from the Secret through a secretKeyRef, not as a literal. */
  private static void assertServerKeyFromSecretKeyRef(Pod worker) {
    EnvVar key =
        worker.getSpec().getContainers().stream()
            .filter(c -> "worker".equals(c.getName()))
            .flatMap(c -> c.getEnv().stream())
            .filter(e -> "ZEROMESH_CURVE_SERVER_KEY".equals(e.getName()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("worker without ZEROMESH_CURVE_SERVER_KEY"));
    assertNull(key.getValue(), "a literal server key in the worker pod");
    assertEquals(SECRET, key.getValueFrom().getSecretKeyRef().getName(), "secretKeyRef Secret");
    assertEquals(PUBLIC_KEY, key.getValueFrom().getSecretKeyRef().getKey(), "secretKeyRef key");
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
