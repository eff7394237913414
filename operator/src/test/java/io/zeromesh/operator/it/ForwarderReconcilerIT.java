package io.zeromesh.operator.it;

import static io.zeromesh.operator.it.BrokerReconcilerIT.env;
import static io.zeromesh.operator.it.ItSupport.assertOwnedBy;
import static io.zeromesh.operator.it.ItSupport.awaitPresent;
import static io.zeromesh.operator.it.ItSupport.eventually;
import static io.zeromesh.operator.it.ItSupport.ready;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zeromesh.operator.api.v1alpha1.NetworkPolicySpec;
import io.zeromesh.operator.api.v1alpha1.ServiceType;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.testing.TestResources;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ZmqForwarder: cascades by reference, NodePort frontends, NetworkPolicy, self references. */
@Timeout(180)
class ForwarderReconcilerIT {
  private KubernetesClient client;
  private String ns;

  @BeforeEach
  void setUp() {
    ClusterFixture cluster = ClusterFixture.get();
    client = cluster.client();
    ns = cluster.newNamespace("fwd");
  }

  @Test
  void cascadeFollowsTheUpstreamAndNodePortIsReported() {
    client
        .resource(
            TestResources.forwarder(
                ns,
                "news",
                s -> {
                  s.getFrontend().setServiceType(ServiceType.NodePort);
                  s.setLastValueCache(true);
                  NetworkPolicySpec policy = new NetworkPolicySpec();
                  policy.setEnabled(true);
                  s.setNetworkPolicy(policy);
                }))
        .create();
    ZmqForwarder regional =
        client
            .resource(
                TestResources.forwarder(
                    ns,
                    "regional",
                    s -> s.setUpstreams(List.of(TestResources.upstream("news", "alpha", "beta")))))
            .create();

    Deployment device = awaitPresent(() -> deployment("regional-forwarder"), "regional device");
    var container = device.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(List.of("forwarder"), container.getArgs());
    assertEquals(
        "tcp://news-forwarder-backend." + ns + ".svc:5558|alpha,beta",
        env(container.getEnv(), "ZEROMESH_UPSTREAMS"));
    assertOwnedBy(device, regional);

    Service frontend = awaitPresent(() -> service("news-forwarder"), "news frontend");
    assertEquals("NodePort", frontend.getSpec().getType());
    Integer nodePort = frontend.getSpec().getPorts().get(0).getNodePort();
    assertNotNull(nodePort, "the API server allocates a node port");
    eventually()
        .untilAsserted(
            () ->
                assertEquals(
                    nodePort, current("news").getStatus().getEndpoints().getFrontendNodePort()));
    NetworkPolicy policy =
        awaitPresent(
            () ->
                client.network().networkPolicies().inNamespace(ns).withName("news-forwarder").get(),
            "policy");
    assertEquals(
        "admin", policy.getSpec().getIngress().get(0).getPorts().get(0).getPort().getStrVal());

    // The upstream's backend port changes: the cascade follows.
    ZmqForwarder news = current("news");
    news.getSpec().getBackend().setPort(6100);
    client.resource(news).update();
    eventually()
        .untilAsserted(
            () ->
                assertEquals(
                    "tcp://news-forwarder-backend." + ns + ".svc:6100|alpha,beta",
                    env(
                        deployment("regional-forwarder")
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getEnv(),
                        "ZEROMESH_UPSTREAMS")));

    // The upstream goes away: the cascade reports it; its device is left serving as it was.
    client.resource(current("news")).delete();
    ZmqForwarder orphan =
        eventually()
            .until(
                () -> current("regional"),
                f ->
                    ready(f.getStatus())
                        .map(c -> "ReferenceNotFound".equals(c.getReason()))
                        .orElse(false));
    assertEquals(
        "not found: spec.upstreams[0]: ZmqForwarder " + ns + "/news",
        ready(orphan.getStatus()).orElseThrow().getMessage());
    assertNotNull(deployment("regional-forwarder"));
  }

  @Test
  void selfReferenceAndMalformedEndpointAreInvalid() {
    client
        .resource(
            TestResources.forwarder(
                ns,
                "loop",
                s ->
                    s.setUpstreams(
                        List.of(
                            TestResources.upstream("loop"),
                            TestResources.upstreamEndpoint("udp://somewhere:1")))))
        .create();
    ZmqForwarder invalid =
        eventually()
            .until(
                () -> current("loop"),
                f ->
                    ready(f.getStatus())
                        .map(c -> "InvalidSpec".equals(c.getReason()))
                        .orElse(false));
    assertEquals(
        "spec.upstreams[0].name: refers to this ZmqForwarder itself; spec.upstreams[1].endpoint:"
            + " must be tcp://host:port, got 'udp://somewhere:1'",
        ready(invalid.getStatus()).orElseThrow().getMessage());
    assertNull(deployment("loop-forwarder"));
  }

  private ZmqForwarder current(String name) {
    return client.resources(ZmqForwarder.class).inNamespace(ns).withName(name).get();
  }

  private Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  private Service service(String name) {
    return client.services().inNamespace(ns).withName(name).get();
  }
}
