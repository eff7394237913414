package io.zeromesh.operator.resources;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.zeromesh.operator.api.v1alpha1.DeviceSpec;
import io.zeromesh.operator.api.v1alpha1.NetworkPolicySpec;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import java.util.ArrayList;
import java.util.List;

/**
 * Ingress to the device pod: the frontend from the peers the spec allows, the backend from this
 * resource's workers (and further allowed peers), the admin port from anywhere (scraping, probes).
 */
public final class DeviceNetworkPolicyBuilder {
  private DeviceNetworkPolicyBuilder() {}

  public static boolean wanted(DeviceSpec spec) {
    return spec.getNetworkPolicy() != null && spec.getNetworkPolicy().enabled();
  }

  public static NetworkPolicy build(ZmqDevice device) {
    DeviceSpec spec = device.deviceSpec();
    NetworkPolicySpec policy = spec.getNetworkPolicy();
    DeviceResources names = DeviceResources.of(device);
    List<NetworkPolicyIngressRule> rules = new ArrayList<>();
    List<NetworkPolicyPeer> clients = policy.getAllowFrom();
    if (!clients.isEmpty()) {
      rules.add(rule("frontend", clients));
    }
    List<NetworkPolicyPeer> backendPeers = new ArrayList<>(policy.getBackendAllowFrom());
    if (WorkerDeploymentBuilder.wanted(device)) {
      backendPeers.add(
          new NetworkPolicyPeerBuilder()
              .withNewPodSelector()
              .withMatchLabels(Labels.selector(device, Labels.COMPONENT_WORKERS))
              .endPodSelector()
              .build());
    }
    if (device.deviceKind().backendServesClients()) {
      backendPeers.addAll(clients); // a forwarder's subscribers are clients too
    }
    if (!backendPeers.isEmpty()) {
      rules.add(rule("backend", backendPeers));
    }
    rules.add(
        new NetworkPolicyIngressRuleBuilder()
            .addNewPort()
            .withProtocol("TCP")
            .withPort(new IntOrString("admin"))
            .endPort()
            .build());
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(names.networkPolicy())
        .withNamespace(names.namespace())
        .withLabels(Labels.of(device, Labels.COMPONENT_DEVICE))
        .withAnnotations(spec.getAnnotations())
        .withOwnerReferences(Owners.controller(device))
        .endMetadata()
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(Labels.selector(device, Labels.COMPONENT_DEVICE))
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .withIngress(rules)
        .endSpec()
        .build();
  }

  private static NetworkPolicyIngressRule rule(String port, List<NetworkPolicyPeer> from) {
    return new NetworkPolicyIngressRuleBuilder()
        .withFrom(from)
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(port))
        .endPort()
        .build();
  }
}
