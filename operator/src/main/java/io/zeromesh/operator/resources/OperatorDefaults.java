package io.zeromesh.operator.resources;

/**
 * Operator-wide settings the builders and the reconcile need.
 *
 * @param brokerImage the default device image
 * @param imagePullPolicy its pull policy
 * @param generatesCurveKeys whether the operator generates CURVE keypair Secrets
 *     (ZEROMESH_CURVE_GENERATED_KEYS): when false it never watches, lists or writes Secrets, and a
 *     resource that enables CURVE must name its own keypair Secret ({@code spec.curve.secretName})
 */
public record OperatorDefaults(
    String brokerImage, String imagePullPolicy, boolean generatesCurveKeys) {
  /** The values docs/contracts.md gives as defaults. */
  public static final OperatorDefaults STANDARD =
      new OperatorDefaults("zeromesh/broker:0.1.0", "IfNotPresent");

  /** With generated CURVE keys, the operator's default outside the chart. */
  public OperatorDefaults(String brokerImage, String imagePullPolicy) {
    this(brokerImage, imagePullPolicy, true);
  }
}
