package io.zeromesh.operator.api.v1alpha1;

/** The device kinds and what the broker daemon calls each (its mode). */
public enum DeviceKind {
  BROKER("ZmqBroker", "queue", "broker"),
  FORWARDER("ZmqForwarder", "forwarder", "forwarder"),
  PIPELINE_STAGE("ZmqPipelineStage", "streamer", "stage");

  private final String kind;
  private final String mode;
  private final String shortName;

  DeviceKind(String kind, String mode, String shortName) {
    this.kind = kind;
    this.mode = mode;
    this.shortName = shortName;
  }

  /** The Kubernetes kind. */
  public String kind() {
    return kind;
  }

  /** The broker daemon's mode argument. */
  public String mode() {
    return mode;
  }

  /** A short word for object names and labels: broker, forwarder, stage. */
  public String shortName() {
    return shortName;
  }

  /** The kind with this Kubernetes kind name, or null. */
  public static DeviceKind ofKind(String kind) {
    for (DeviceKind k : values()) {
      if (k.kind.equals(kind)) {
        return k;
      }
    }
    return null;
  }
}
