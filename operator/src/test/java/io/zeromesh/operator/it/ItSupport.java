package io.zeromesh.operator.it;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zeromesh.operator.api.v1alpha1.DeviceStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Assertions;

/** Waits and assertions shared by the reconciler integration tests. */
final class ItSupport {
  private ItSupport() {}

  static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250));
  }

  /** Waits until the object exists and returns it. */
  static <T> T awaitPresent(Supplier<T> get, String what) {
    return eventually().alias(what).until(get::get, o -> o != null);
  }

  static Optional<Condition> ready(DeviceStatus status) {
    return status == null
        ? Optional.empty()
        : status.getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
  }

  /** The object has exactly one owner reference: the controller reference to the resource. */
  static void assertOwnedBy(HasMetadata child, HasMetadata owner) {
    List<OwnerReference> refs = child.getMetadata().getOwnerReferences();
    Assertions.assertEquals(
        1, refs.size(), () -> "owner references of " + child.getMetadata().getName() + ": " + refs);
    OwnerReference ref = refs.get(0);
    Assertions.assertEquals(owner.getMetadata().getUid(), ref.getUid());
    Assertions.assertEquals(owner.getKind(), ref.getKind());
    Assertions.assertEquals(owner.getApiVersion(), ref.getApiVersion());
    Assertions.assertEquals(owner.getMetadata().getName(), ref.getName());
    Assertions.assertEquals(Boolean.TRUE, ref.getController());
    Assertions.assertEquals(Boolean.TRUE, ref.getBlockOwnerDeletion());
  }

  /**
   * A PodDisruptionBudget in the version the server serves (policy/v1, or policy/v1beta1 on
   * Kubernetes 1.20), or null.
   */
  static HasMetadata budget(KubernetesClient client, String namespace, String name) {
    if (client.supports(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class)) {
      return client.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(name).get();
    }
    return client
        .policy()
        .v1beta1()
        .podDisruptionBudget()
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  /** The maxUnavailable of a budget from {@link #budget}. */
  static io.fabric8.kubernetes.api.model.IntOrString maxUnavailable(HasMetadata budget) {
    return budget instanceof io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget v1
        ? v1.getSpec().getMaxUnavailable()
        : ((io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget) budget)
            .getSpec()
            .getMaxUnavailable();
  }

  /** The server's minor version, e.g. 37 for 1.37.2. */
  static int serverMinor(KubernetesClient client) {
    return Integer.parseInt(client.getKubernetesVersion().getMinor().replaceAll("[^0-9].*", ""));
  }

  /** Plays the Deployment controller, absent here: all wanted pods updated, ready, available. */
  static void markAvailable(KubernetesClient client, Deployment deployment) {
    int replicas = deployment.getSpec().getReplicas();
    client
        .apps()
        .deployments()
        .inNamespace(deployment.getMetadata().getNamespace())
        .withName(deployment.getMetadata().getName())
        .editStatus(
            d -> {
              d.setStatus(
                  new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                      .withObservedGeneration(d.getMetadata().getGeneration())
                      .withReplicas(replicas)
                      .withUpdatedReplicas(replicas)
                      .withReadyReplicas(replicas)
                      .withAvailableReplicas(replicas)
                      .build());
              return d;
            });
  }
}
