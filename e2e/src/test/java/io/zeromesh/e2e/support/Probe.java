package io.zeromesh.e2e.support;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of the broker image's {@code probe} as a Kubernetes Job: the client side of every case,
 * under the security context the project promises its users can run with.
 */
public final class Probe {
  /** Label on each probe pod, value the Job name: how the suite finds the pod of a Job. */
  public static final String PROBE_LABEL = "e2e.zeromesh.io/probe";

  public static final String PART_OF = "zeromesh-e2e";

  private final String name;
  private final List<String> args = new ArrayList<>();
  private final List<EnvVar> env = new ArrayList<>();
  private int timeoutSeconds = 60;

  private Probe(String name, String mode) {
    this.name = name;
    args.add("probe");
    args.add(mode);
  }

  /** A probe Job {@code name} in the given mode (pub, sub, req, rep, push, pull). */
  public static Probe job(String name, String mode) {
    return new Probe(name, mode);
  }

  public String name() {
    return name;
  }

  public Probe endpoint(String endpoint) {
    return flag("endpoint", endpoint);
  }

  /**
   * The probe's own bound ({@code --timeout-s}); the Job's deadline is set above it, so the probe
   * always ends by itself and prints its summary.
   */
  public Probe timeoutSeconds(int seconds) {
    this.timeoutSeconds = seconds;
    return flag("timeout-s", Integer.toString(seconds));
  }

  public Probe flag(String flag, String value) {
    args.add("--" + flag);
    args.add(value);
    return this;
  }

  public Probe flag(String flag) {
    args.add("--" + flag);
    return this;
  }

  public Probe env(String variable, String value) {
    env.add(new EnvVar(variable, value, null));
    return this;
  }

  /** An environment variable from a key of a Secret, as an application would take a key. */
  public Probe envFromSecret(String variable, String secret, String key) {
    env.add(
        new EnvVarBuilder()
            .withName(variable)
            .withNewValueFrom()
            .withNewSecretKeyRef(key, secret, false)
            .endValueFrom()
            .build());
    return this;
  }

  int timeoutSeconds() {
    return timeoutSeconds;
  }

  List<String> args() {
    return List.copyOf(args);
  }

  /** The restricted security context of a ZeroMesh container (user 65532, nothing writable). */
  public static SecurityContext restrictedSecurityContext() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(65532L)
        .withRunAsGroup(65532L)
        .withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  Job toJob(String namespace) {
    Container container =
        new ContainerBuilder()
            .withName("probe")
            .withImage(E2eSettings.brokerImage())
            .withImagePullPolicy(E2eSettings.imagePullPolicy())
            .withArgs(args)
            .withEnv(env)
            .withSecurityContext(restrictedSecurityContext())
            .withNewResources()
            .withRequests(Map.of("cpu", new Quantity("10m"), "memory", new Quantity("64Mi")))
            .withLimits(Map.of("memory", new Quantity("256Mi")))
            .endResources()
            .addNewVolumeMount()
            .withName("tmp")
            .withMountPath("/tmp")
            .endVolumeMount()
            .build();
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels("app.kubernetes.io/part-of", PART_OF)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        // Above the probe's own timeout plus pod start on a busy node: the probe, not the
        // deadline, ends the run, so its summary line is always there to read.
        .withActiveDeadlineSeconds((long) timeoutSeconds + 180)
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels(PROBE_LABEL, name)
        .addToLabels("app.kubernetes.io/part-of", PART_OF)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withSecurityContext(
            new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(65532L)
                .withFsGroup(65532L)
                .build())
        .withContainers(container)
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
