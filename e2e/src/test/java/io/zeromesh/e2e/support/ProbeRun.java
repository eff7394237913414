package io.zeromesh.e2e.support;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A probe Job that was started; ends in a {@link ProbeResult}. */
public final class ProbeRun {
  static final List<String> FATAL_WAITING_REASONS =
      List.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "ErrImageNeverPull",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError");

  private final KubernetesClient kube;
  private final String namespace;
  private final Probe probe;

  ProbeRun(KubernetesClient kube, String namespace, Probe probe) {
    this.kube = kube;
    this.namespace = namespace;
    this.probe = probe;
  }

  public String name() {
    return probe.name();
  }

  /** The default bound of {@link #awaitResult()}: the probe's timeout plus pod scheduling. */
  public Duration defaultBound() {
    return Duration.ofSeconds(probe.timeoutSeconds() + 120L);
  }

  /** Waits until the probe container runs (the probe has started connecting). */
  public ProbeRun awaitRunning(Duration atMost) {
    Step.log("wait up to %ss for probe %s to run", atMost.toSeconds(), name());
    await("probe " + name() + " running")
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .failFast("probe " + name() + " cannot start", () -> cannotStart().isPresent())
        .until(
            () ->
                probeContainer()
                    .map(
                        c ->
                            c.getState().getRunning() != null
                                || c.getState().getTerminated() != null)
                    .orElse(false));
    return this;
  }

  public ProbeResult awaitResult() {
    return awaitResult(defaultBound());
  }

  /** Waits for the Job to finish, then reads the pod's exit code and summary line. */
  public ProbeResult awaitResult(Duration atMost) {
    await("probe " + name() + " finished")
        .atMost(atMost)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .failFast("probe " + name() + " cannot start", () -> cannotStart().isPresent())
        .until(this::finished);
    Pod pod = pod().orElseThrow(() -> new AssertionError("probe " + name() + " has no pod"));
    String log =
        kube.pods()
            .inNamespace(namespace)
            .withName(pod.getMetadata().getName())
            .inContainer("probe")
            .getLog();
    int exitCode =
        probeContainer()
            .map(c -> c.getState().getTerminated())
            .map(t -> t.getExitCode())
            .orElse(-1);
    Map<String, Object> summary =
        ProbeResult.parseSummary(log)
            .orElseThrow(
                () ->
                    new AssertionError(
                        "probe "
                            + name()
                            + " (exit "
                            + exitCode
                            + ") printed no summary:\n"
                            + log));
    ProbeResult result = new ProbeResult(name(), exitCode, summary, log);
    Step.log("probe %s", result);
    return result;
  }

  private boolean finished() {
    Job job = kube.batch().v1().jobs().inNamespace(namespace).withName(name()).get();
    if (job == null || job.getStatus() == null) {
      return false;
    }
    Integer succeeded = job.getStatus().getSucceeded();
    Integer failed = job.getStatus().getFailed();
    boolean done = (succeeded != null && succeeded > 0) || (failed != null && failed > 0);
    // The Job counts the pod before the kubelet has always reported the exit code: wait for both.
    return done && probeContainer().map(c -> c.getState().getTerminated() != null).orElse(false);
  }

  /**
   * Why the probe container can never start (image missing, bad configuration), if so: a wait that
   * would only run into its bound stops at once instead, with the reason in the log.
   */
  private Optional<String> cannotStart() {
    Optional<ContainerStatus> container;
    try {
      container = probeContainer();
    } catch (RuntimeException unreadable) {
      return Optional.empty(); // the wait itself polls again
    }
    Optional<String> reason =
        container
            .map(c -> c.getState().getWaiting())
            .map(w -> w.getReason() + ": " + w.getMessage())
            .filter(r -> FATAL_WAITING_REASONS.stream().anyMatch(r::startsWith));
    reason.ifPresent(r -> Step.log("probe %s cannot start: %s", name(), r));
    return reason;
  }

  Optional<Pod> pod() {
    List<Pod> pods =
        kube.pods().inNamespace(namespace).withLabel(Probe.PROBE_LABEL, name()).list().getItems();
    return pods.stream().findFirst();
  }

  private Optional<ContainerStatus> probeContainer() {
    return pod()
        .map(p -> p.getStatus().getContainerStatuses())
        .flatMap(
            statuses -> statuses.stream().filter(s -> "probe".equals(s.getName())).findFirst());
  }
}
