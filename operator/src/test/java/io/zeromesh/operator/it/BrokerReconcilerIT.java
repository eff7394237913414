package io.zeromesh.operator.it;

import static io.zeromesh.operator.it.ItSupport.assertOwnedBy;
import static io.zeromesh.operator.it.ItSupport.awaitPresent;
import static io.zeromesh.operator.it.ItSupport.eventually;
import static io.zeromesh.operator.it.ItSupport.ready;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.zeromesh.operator.api.v1alpha1.CurveSpec;
import io.zeromesh.operator.api.v1alpha1.ServiceType;
import io.zeromesh.operator.api.v1alpha1.WorkersSpec;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.resources.CurveKeys;
import io.zeromesh.operator.resources.DeviceResources;
import io.zeromesh.operator.testing.TestResources;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ZmqBroker against a real API server: create, update, become ready, invalid spec, ownership. */
@Timeout(180)
class BrokerReconcilerIT {
  private KubernetesClient client;
  private String ns;

  @BeforeEach
  void setUp() {
    ClusterFixture cluster = ClusterFixture.get();
    client = cluster.client();
    ns = cluster.newNamespace("broker");
  }

  @Test
  void brokerBecomesDeviceServicesSecretAndWorkersOwnedByIt() {
    ZmqBroker created =
        client
            .resource(
                TestResources.broker(
                    ns,
                    "rr",
                    s -> {
                      s.setWorkers(TestResources.workers(3));
                      CurveSpec curve = new CurveSpec();
                      curve.setEnabled(true);
                      s.setCurve(curve);
                    }))
            .create();
    DeviceResources names = DeviceResources.of(created);

    Deployment device = awaitPresent(() -> deployment(names.deviceDeployment()), "device");
    Deployment workers = awaitPresent(() -> deployment(names.workerDeployment()), "workers");
    Service frontend = awaitPresent(() -> service(names.frontendService()), "frontend Service");
    Service backend = awaitPresent(() -> service(names.backendService()), "backend Service");
    Secret keys = awaitPresent(() -> secret(names.curveSecret()), "CURVE Secret");

    var container = device.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(java.util.List.of("queue"), container.getArgs());
    assertEquals("zeromesh/broker:it", container.getImage());
    assertEquals("5559", env(container.getEnv(), "ZEROMESH_FRONTEND_PORT"));
    assertEquals("true", env(container.getEnv(), "ZEROMESH_CURVE"));
    assertEquals("Recreate", device.getSpec().getStrategy().getType());
    assertEquals(1, device.getSpec().getReplicas());
    assertEquals(3, workers.getSpec().getReplicas());
    var worker = workers.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(
        "tcp://rr-broker-backend." + ns + ".svc:5560", env(worker.getEnv(), "ZEROMESH_BROKER"));
    assertEquals(
        names.curveSecret(),
        worker.getEnv().stream()
            .filter(e -> e.getName().equals("ZEROMESH_CURVE_SERVER_KEY"))
            .findFirst()
            .orElseThrow()
            .getValueFrom()
            .getSecretKeyRef()
            .getName());
    assertEquals(5559, frontend.getSpec().getPorts().get(0).getPort());
    assertEquals("ClusterIP", backend.getSpec().getType());
    CurveKeys generated = CurveKeys.fromSecretData(keys.getData());
    assertTrue(generated != null, "the Secret holds a Z85 keypair: " + keys.getData().keySet());

    // Deleting the broker deletes all of these: the API server's garbage collector follows
    // exactly these references (it does not run here).
    for (var child : java.util.List.of(device, workers, frontend, backend, keys)) {
      assertOwnedBy(child, created);
    }

    ZmqBroker progressing =
        eventually()
            .until(
                this::current,
                b ->
                    ready(b.getStatus())
                        .map(c -> "Progressing".equals(c.getReason()))
                        .orElse(false));
    assertEquals(
        "tcp://rr-broker." + ns + ".svc:5559",
        progressing.getStatus().getEndpoints().getFrontend());
    assertEquals("0/3", progressing.getStatus().getWorkers());
    assertEquals(
        "app.kubernetes.io/name=zeromesh-broker,app.kubernetes.io/instance=rr,app.kubernetes.io/component=workers",
        progressing.getStatus().getSelector());

    ItSupport.markAvailable(client, device);
    ItSupport.markAvailable(client, workers);
    ZmqBroker ready =
        eventually()
            .until(
                this::current,
                // Ready is the device's; the workers' count follows their own status update.
                b ->
                    ready(b.getStatus()).map(c -> "True".equals(c.getStatus())).orElse(false)
                        && "3/3".equals(b.getStatus().getWorkers()));
    Condition condition = ready(ready.getStatus()).orElseThrow();
    assertEquals("Available", condition.getReason());
    assertEquals(ready.getMetadata().getGeneration(), condition.getObservedGeneration());
    assertEquals(ready.getMetadata().getGeneration(), ready.getStatus().getObservedGeneration());
    assertEquals("3/3", ready.getStatus().getWorkers());
    eventually()
        .untilAsserted(
            () ->
                assertTrue(
                    client.v1().events().inNamespace(ns).list().getItems().stream()
                        .anyMatch(
                            e ->
                                "Ready".equals(e.getReason())
                                    && "rr".equals(e.getInvolvedObject().getName())),
                    "a Ready event on the broker"));

    // Update: the port moves in Service and device; the keypair stays the same.
    ZmqBroker changed = current();
    changed.getSpec().getFrontend().setPort(6001);
    changed.getSpec().getWorkers().setReplicas(5);
    client.resource(changed).update();
    eventually()
        .untilAsserted(
            () ->
                assertEquals(
                    6001, service(names.frontendService()).getSpec().getPorts().get(0).getPort()));
    eventually()
        .untilAsserted(
            () ->
                assertEquals(
                    "6001",
                    env(
                        deployment(names.deviceDeployment())
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getEnv(),
                        "ZEROMESH_FRONTEND_PORT")));
    eventually()
        .untilAsserted(
            () -> assertEquals(5, deployment(names.workerDeployment()).getSpec().getReplicas()));
    assertEquals(generated, CurveKeys.fromSecretData(secret(names.curveSecret()).getData()));
    eventually()
        .untilAsserted(
            () ->
                assertEquals(
                    "tcp://rr-broker." + ns + ".svc:6001",
                    current().getStatus().getEndpoints().getFrontend()));

    // Workers removed from the spec: their Deployment goes.
    ZmqBroker noWorkers = current();
    noWorkers.getSpec().setWorkers(null);
    client.resource(noWorkers).update();
    eventually().untilAsserted(() -> assertNull(deployment(names.workerDeployment())));
  }

  @Test
  void invalidSpecIsReportedWithTheFieldAndCreatesNothing() {
    // A rule the schema does not say (the CEL rules refuse port clashes at admission already).
    WorkersSpec imageless = TestResources.workers(1);
    imageless.getTemplate().getSpec().getContainers().get(0).setImage(null);
    client.resource(TestResources.broker(ns, "clash", s -> s.setWorkers(imageless))).create();
    ZmqBroker invalid =
        eventually()
            .until(
                () -> client.resources(ZmqBroker.class).inNamespace(ns).withName("clash").get(),
                b -> ready(b.getStatus()).isPresent());
    Condition condition = ready(invalid.getStatus()).orElseThrow();
    assertEquals("False", condition.getStatus());
    assertEquals("InvalidSpec", condition.getReason());
    assertEquals(
        "spec.workers.template.spec.containers[0].image: required", condition.getMessage());
    assertNull(deployment("clash-broker"));
    assertNull(service("clash-broker"));

    // Fixed: the broker is made.
    invalid.getSpec().getWorkers().getTemplate().getSpec().getContainers().get(0).setImage("w:1");
    invalid.setStatus(null);
    client.resource(invalid).update();
    awaitPresent(() -> deployment("clash-broker"), "device after the fix");
    eventually()
        .until(
            () -> client.resources(ZmqBroker.class).inNamespace(ns).withName("clash").get(),
            b -> ready(b.getStatus()).map(c -> "Progressing".equals(c.getReason())).orElse(false));
  }

  @Test
  void crossFieldRulesRefuseTheResourceAtAdmissionNamingTheField() {
    // CEL rules in CRDs exist from Kubernetes 1.25; older servers drop them (SpecValidator's
    // InvalidSpec covers the same rules there, see
    // invalidSpecIsReportedWithTheFieldAndCreatesNothing).
    assumeTrue(
        ItSupport.serverMinor(client) >= 25,
        "the API server has no CEL validation: " + client.getKubernetesVersion().getGitVersion());
    // What kubectl apply sends: the API server answers 422 with the rule's message.
    KubernetesClientException clash =
        assertThrows(
            KubernetesClientException.class,
            () ->
                client
                    .resource(
                        TestResources.broker(
                            ns,
                            "clash",
                            s -> {
                              s.getFrontend().setPort(6000);
                              s.getBackend().setPort(6000);
                            }))
                    .serverSideApply());
    assertEquals(422, clash.getCode());
    assertTrue(
        clash.getMessage().contains("spec.backend.port: must differ from spec.frontend.port"),
        clash.getMessage());
    KubernetesClientException nodePort =
        assertThrows(
            KubernetesClientException.class,
            () ->
                client
                    .resource(
                        TestResources.broker(ns, "np", s -> s.getFrontend().setNodePort(30123)))
                    .create());
    assertTrue(
        nodePort
            .getMessage()
            .contains("spec.frontend.nodePort: only with serviceType NodePort or LoadBalancer"),
        nodePort.getMessage());
    KubernetesClientException admin =
        assertThrows(
            KubernetesClientException.class,
            () ->
                client
                    .resource(TestResources.broker(ns, "adm", s -> s.getBackend().setPort(8080)))
                    .create());
    assertTrue(admin.getMessage().contains("8080 is the device's admin port"), admin.getMessage());
    assertNull(client.resources(ZmqBroker.class).inNamespace(ns).withName("clash").get());
  }

  @Test
  void aChildTheApiServerRejectsIsReportedAndTheRestIsReconciled() {
    // A Service of the user's holds a node port; a broker asking for the same one is refused by
    // the API server (the schema cannot know which ports are taken).
    Service squatter =
        client
            .services()
            .inNamespace(ns)
            .resource(
                new io.fabric8.kubernetes.api.model.ServiceBuilder()
                    .withNewMetadata()
                    .withName("squatter")
                    .endMetadata()
                    .withNewSpec()
                    .withType("NodePort")
                    .addToSelector("app", "none")
                    .addNewPort()
                    .withName("p")
                    .withProtocol("TCP")
                    .withPort(80)
                    .endPort()
                    .endSpec()
                    .build())
            .create();
    int taken = squatter.getSpec().getPorts().get(0).getNodePort();
    client
        .resource(
            TestResources.broker(
                ns,
                "squat",
                s -> {
                  s.getFrontend().setServiceType(ServiceType.NodePort);
                  s.getFrontend().setNodePort(taken);
                  s.setWorkers(TestResources.workers(1));
                }))
        .create();
    ZmqBroker rejected =
        eventually()
            .until(
                () -> client.resources(ZmqBroker.class).inNamespace(ns).withName("squat").get(),
                b ->
                    ready(b.getStatus())
                        .map(c -> "ChildRejected".equals(c.getReason()))
                        .orElse(false));
    Condition condition = ready(rejected.getStatus()).orElseThrow();
    assertEquals("False", condition.getStatus());
    assertTrue(
        condition.getMessage().startsWith("the API server rejected Service squat-broker: "),
        condition.getMessage());
    assertTrue(
        condition.getMessage().contains("provided port is already allocated"),
        "the server's words: " + condition.getMessage());
    // Everything else was made all the same.
    awaitPresent(() -> deployment("squat-broker"), "device");
    awaitPresent(() -> deployment("squat-broker-workers"), "workers");
    awaitPresent(() -> service("squat-broker-backend"), "backend Service");
    assertNull(service("squat-broker"));
    assertEquals(
        "tcp://squat-broker." + ns + ".svc:5559",
        rejected.getStatus().getEndpoints().getFrontend());
    eventually()
        .untilAsserted(
            () ->
                assertTrue(
                    client.v1().events().inNamespace(ns).list().getItems().stream()
                        .anyMatch(
                            e ->
                                "ChildRejected".equals(e.getReason())
                                    && "Warning".equals(e.getType())
                                    && "squat".equals(e.getInvolvedObject().getName())
                                    && e.getMessage().contains("squat-broker")),
                    "a ChildRejected warning on the broker"));

    // Fixed (let the cluster allocate a port): the Service is made and the broker progresses.
    ZmqBroker fixed = client.resources(ZmqBroker.class).inNamespace(ns).withName("squat").get();
    fixed.getSpec().getFrontend().setNodePort(null);
    client.resource(fixed).update();
    awaitPresent(() -> service("squat-broker"), "frontend Service after the fix");
    eventually()
        .until(
            () -> client.resources(ZmqBroker.class).inNamespace(ns).withName("squat").get(),
            b -> ready(b.getStatus()).map(c -> "Progressing".equals(c.getReason())).orElse(false));
  }

  private ZmqBroker current() {
    return client.resources(ZmqBroker.class).inNamespace(ns).withName("rr").get();
  }

  private Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  private Service service(String name) {
    return client.services().inNamespace(ns).withName(name).get();
  }

  private Secret secret(String name) {
    return client.secrets().inNamespace(ns).withName(name).get();
  }

  static String env(java.util.List<EnvVar> env, String name) {
    return env.stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse(null);
  }
}
