package io.zeromesh.operator.resources;

/** Operator-wide settings the builders need: the default device image and its pull policy. */
public record OperatorDefaults(String brokerImage, String imagePullPolicy) {
  /** The values docs/contracts.md gives as defaults. */
  public static final OperatorDefaults STANDARD =
      new OperatorDefaults("zeromesh/broker:0.1.0", "IfNotPresent");
}
