package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** CURVE encryption and authentication of both device sockets. */
public class CurveSpec {
  @JsonPropertyDescription("Turns CURVE on: the device is a CURVE server on both sockets.")
  @Default("false")
  private Boolean enabled = false;

  @JsonPropertyDescription(
      "An existing Secret in the same namespace with keys server.key and server.pub (Z85). Empty:"
          + " the operator generates a keypair once into a Secret it owns, <name>-<kind>-curve, and"
          + " never regenerates it.")
  private String secretName;

  @JsonPropertyDescription(
      "A Secret in the same namespace whose values list the Z85 public keys of the allowed"
          + " clients, one per line. Empty: any client that knows the server public key is"
          + " served.")
  private String allowedClientsSecretName;

  public boolean enabled() {
    return Boolean.TRUE.equals(enabled);
  }

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getAllowedClientsSecretName() {
    return allowedClientsSecretName;
  }

  public void setAllowedClientsSecretName(String allowedClientsSecretName) {
    this.allowedClientsSecretName = allowedClientsSecretName;
  }
}
