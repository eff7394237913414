package io.zeromesh.e2e.support;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The one client of the run, for the cluster in {@link E2eSettings#kubeconfig()}. */
public final class Kube {
  private static KubernetesClient client;

  private Kube() {}

  public static synchronized KubernetesClient client() {
    if (client == null) {
      try {
        Config config = Config.fromKubeconfig(Files.readString(E2eSettings.kubeconfig()));
        client = new KubernetesClientBuilder().withConfig(config).build();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return client;
  }

  static synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
