package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.ArrayList;
import java.util.List;

/** A NetworkPolicy limiting who reaches the device pod. */
public class NetworkPolicySpec {
  @JsonPropertyDescription("Creates a NetworkPolicy for the device pod.")
  @Default("false")
  private Boolean enabled = false;

  @JsonPropertyDescription(
      "Peers allowed to reach the frontend port (for a ZmqForwarder also the backend port, where"
          + " subscribers connect). Empty: no client reaches the frontend.")
  private List<NetworkPolicyPeer> allowFrom = new ArrayList<>();

  @JsonPropertyDescription(
      "Further peers allowed to reach the backend port. The workers of this resource are always"
          + " allowed there, and the admin port (health, metrics) is open to all.")
  private List<NetworkPolicyPeer> backendAllowFrom = new ArrayList<>();

  public boolean enabled() {
    return Boolean.TRUE.equals(enabled);
  }

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public List<NetworkPolicyPeer> getAllowFrom() {
    return allowFrom == null ? List.of() : allowFrom;
  }

  public void setAllowFrom(List<NetworkPolicyPeer> allowFrom) {
    this.allowFrom = allowFrom;
  }

  public List<NetworkPolicyPeer> getBackendAllowFrom() {
    return backendAllowFrom == null ? List.of() : backendAllowFrom;
  }

  public void setBackendAllowFrom(List<NetworkPolicyPeer> backendAllowFrom) {
    this.backendAllowFrom = backendAllowFrom;
  }
}
