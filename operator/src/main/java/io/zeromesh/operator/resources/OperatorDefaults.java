package io.zeromesh.operator.resources;

/**
 * Operator-wide settings the builders and the reconcile need.
 *
 * @param brokerImage the default device image
 * @param imagePullPolicy its pull policy
 * @param generatesCurveKeys whether the operator generates CURVE keypair Secrets
 *     (ZEROMESH_CURVE_GENERATED_KEYS): when false it never watches, lists or writes Secrets, and a
 *     resource that enables CURVE must name its own keypair Secret ({@code spec.curve.secretName})
 * @param readsCurveSecrets whether the operator reads the CURVE Secrets a resource names
 *     (ZEROMESH_CURVE_READ_SECRETS): to check them (status names a missing one or bad keys) and to
 *     hash them into the pods so that a rotation rolls them. When false it never gets them: the
 *     pods mount them and the workers take the public key through a secretKeyRef, so Kubernetes
 *     reads them, a missing one keeps the pods from starting, and a rotation needs a restart
 */
public record OperatorDefaults(
    String brokerImage,
    String imagePullPolicy,
    boolean generatesCurveKeys,
    boolean readsCurveSecrets) {
  /** The values docs/contracts.md gives as defaults. */
  public static final OperatorDefaults STANDARD =
      new OperatorDefaults("zeromesh/broker:0.1.0", "IfNotPresent");

  /** Generating CURVE keys and reading named Secrets, the operator's default outside the chart. */
  public OperatorDefaults(String brokerImage, String imagePullPolicy) {
    this(brokerImage, imagePullPolicy, true, true);
  }

  /** The same settings with the named CURVE Secrets read, or not. */
  public OperatorDefaults withReadsCurveSecrets(boolean reads) {
    return new OperatorDefaults(brokerImage, imagePullPolicy, generatesCurveKeys, reads);
  }
}
