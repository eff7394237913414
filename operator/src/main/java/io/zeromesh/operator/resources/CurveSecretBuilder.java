package io.zeromesh.operator.resources;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.zeromesh.operator.api.v1alpha1.DeviceSpec;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;

/**
 * The Secret with the device's CURVE keypair, when the operator generates it. The keys are made
 * once: given the keys already in the cluster, the desired Secret keeps them.
 */
public final class CurveSecretBuilder {
  private CurveSecretBuilder() {}

  /** True when the operator makes the keypair Secret (CURVE on, no Secret named by the user). */
  public static boolean generated(DeviceSpec spec) {
    return spec.curveEnabled() && spec.getCurve().getSecretName() == null;
  }

  /** The Secret the device's keys are in: the user's, or the generated one. */
  public static String secretName(DeviceSpec spec, DeviceResources names) {
    return generated(spec) ? names.curveSecret() : spec.getCurve().getSecretName();
  }

  /**
   * @param existing the keys now in the cluster, or null: then a new pair is generated
   */
  public static Secret build(ZmqDevice device, CurveKeys existing) {
    DeviceResources names = DeviceResources.of(device);
    CurveKeys keys = existing != null ? existing : CurveKeys.generate();
    return new SecretBuilder()
        .withNewMetadata()
        .withName(names.curveSecret())
        .withNamespace(names.namespace())
        .withLabels(Labels.of(device, Labels.COMPONENT_DEVICE))
        .withAnnotations(device.deviceSpec().getAnnotations())
        .withOwnerReferences(Owners.controller(device))
        .endMetadata()
        .withType("Opaque")
        .withData(keys.secretData())
        .build();
  }
}
