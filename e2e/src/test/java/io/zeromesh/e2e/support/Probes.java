package io.zeromesh.e2e.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** Starts probe Jobs in one case namespace. */
public final class Probes {
  private final KubernetesClient kube;
  private final String namespace;

  Probes(KubernetesClient kube, String namespace) {
    this.kube = kube;
    this.namespace = namespace;
  }

  public ProbeRun start(Probe probe) {
    Step.log("start probe job %s: %s", probe.name(), String.join(" ", probe.args()));
    kube.batch().v1().jobs().inNamespace(namespace).resource(probe.toJob(namespace)).create();
    return new ProbeRun(kube, namespace, probe);
  }

  /** Starts a probe and waits for its result, within its own timeout plus scheduling. */
  public ProbeResult run(Probe probe) {
    return start(probe).awaitResult();
  }

  /** Waits for each run in turn; all of them run in parallel meanwhile. */
  public static List<ProbeResult> awaitAll(List<ProbeRun> runs) {
    return runs.stream().map(ProbeRun::awaitResult).toList();
  }
}
