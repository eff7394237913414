package io.zeromesh.operator.api.v1alpha1;

/**
 * The device kinds and what sets them apart: the broker daemon's mode, the short word in object
 * names, what the workers are told, and who connects to the backend.
 */
public enum DeviceKind {
  BROKER("ZmqBroker", "queue", "broker", "ZEROMESH_BROKER", false, false),
  FORWARDER("ZmqForwarder", "forwarder", "forwarder", null, true, false),
  PIPELINE_STAGE("ZmqPipelineStage", "streamer", "stage", "ZEROMESH_INPUT", false, true);

  private final String kind;
  private final String mode;
  private final String shortName;
  private final String workerBackendEnv;
  private final boolean backendServesClients;
  private final boolean reportsIdleWorkers;

  DeviceKind(
      String kind,
      String mode,
      String shortName,
      String workerBackendEnv,
      boolean backendServesClients,
      boolean reportsIdleWorkers) {
    this.kind = kind;
    this.mode = mode;
    this.shortName = shortName;
    this.workerBackendEnv = workerBackendEnv;
    this.backendServesClients = backendServesClients;
    this.reportsIdleWorkers = reportsIdleWorkers;
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

  /**
   * The variable that tells this kind's workers where the device's backend is (ZEROMESH_BROKER,
   * ZEROMESH_INPUT); null for a kind without workers.
   */
  public String workerBackendEnv() {
    return workerBackendEnv;
  }

  /**
   * True when clients of the user's, not only this resource's workers, connect to the backend (a
   * forwarder's subscribers).
   */
  public boolean backendServesClients() {
    return backendServesClients;
  }

  /**
   * True when the status reports the worker counts and selector even while the spec asks for no
   * workers: a stage, whose /scale subresource sets spec.replicas before a template may exist.
   */
  public boolean reportsIdleWorkers() {
    return reportsIdleWorkers;
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
