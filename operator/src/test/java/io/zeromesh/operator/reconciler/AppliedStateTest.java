package io.zeromesh.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The applied-state matcher, on children as the API server returns them: with the defaults and
 * status it adds, and without managedFields (the operator's client drops them).
 */
class AppliedStateTest {
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  private static Deployment desiredDeployment() {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("orders-broker")
        .withNamespace("shop")
        .withLabels(Map.of("app.kubernetes.io/name", "zeromesh-broker"))
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .withMatchLabels(Map.of("app.kubernetes.io/instance", "orders"))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app.kubernetes.io/instance", "orders"))
        .endMetadata()
        .withNewSpec()
        .withHostNetwork(false)
        .addNewContainer()
        .withName("device")
        .withImage("zeromesh/broker:0.1.0")
        .withArgs("broker")
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("0.5"), "memory", new Quantity("64Mi")))
        .endResources()
        .addNewPort()
        .withName("frontend")
        .withContainerPort(5555)
        .endPort()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** What the API server answers for an applied object: defaults, status, normalized values. */
  private <R extends HasMetadata> R asServed(R applied, Consumer<R> serverChanges) {
    R served = serialization.clone(applied);
    served.getMetadata().setUid("0d1e");
    served.getMetadata().setResourceVersion("42");
    served.getMetadata().setCreationTimestamp("2026-12-03T10:00:00Z");
    served
        .getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion("zeromesh.io/v1alpha1")
                    .withKind("ZmqBroker")
                    .withName("orders")
                    .withUid("ab12")
                    .build()));
    serverChanges.accept(served);
    return served;
  }

  private static void deploymentDefaults(Deployment d) {
    d.getSpec().setRevisionHistoryLimit(10);
    d.getSpec().getTemplate().getSpec().setHostNetwork(null); // omitempty
    d.getSpec().getTemplate().getSpec().setDnsPolicy("ClusterFirst");
    var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    container.setTerminationMessagePath("/dev/termination-log");
    container.setImagePullPolicy("IfNotPresent");
    container.getPorts().get(0).setProtocol("TCP");
    container.getResources().getRequests().put("cpu", new Quantity("500m"));
    d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatus());
    d.getStatus().setObservedGeneration(1L);
  }

  private Deployment applied() {
    Deployment applied = desiredDeployment();
    AppliedState.stamp(applied, serialization);
    return applied;
  }

  @Test
  void aChildAsTheServerReturnsItMatchesWhatWasApplied() {
    Deployment actual = asServed(applied(), AppliedStateTest::deploymentDefaults);
    assertTrue(AppliedState.matches(actual, desiredDeployment(), serialization));
  }

  @Test
  void aChildWithoutTheStampIsApplied() {
    Deployment actual = asServed(desiredDeployment(), AppliedStateTest::deploymentDefaults);
    assertFalse(AppliedState.matches(actual, desiredDeployment(), serialization));
    assertFalse(AppliedState.matches(null, desiredDeployment(), serialization));
  }

  @Test
  void aChangedDesiredStateIsAppliedEvenWhenItOnlyDropsAField() {
    Deployment actual = asServed(applied(), AppliedStateTest::deploymentDefaults);
    Deployment fewerArgs = desiredDeployment();
    fewerArgs.getSpec().getTemplate().getSpec().getContainers().get(0).setArgs(List.of());
    // the child still has every desired field (and one more): only the stamp tells them apart
    assertFalse(AppliedState.matches(actual, fewerArgs, serialization));
  }

  @Test
  void anEditOfAFieldTheOperatorSetsIsDrift() {
    Deployment image =
        asServed(
            applied(),
            d -> {
              deploymentDefaults(d);
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil:latest");
            });
    assertFalse(AppliedState.matches(image, desiredDeployment(), serialization));

    Deployment scaled =
        asServed(
            applied(),
            d -> {
              deploymentDefaults(d);
              d.getSpec().setReplicas(0);
            });
    assertFalse(AppliedState.matches(scaled, desiredDeployment(), serialization));

    Deployment memory =
        asServed(
            applied(),
            d -> {
              deploymentDefaults(d);
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getResources()
                  .getRequests()
                  .put("memory", new Quantity("1Gi"));
            });
    assertFalse(AppliedState.matches(memory, desiredDeployment(), serialization));

    Deployment label =
        asServed(
            applied(),
            d -> {
              deploymentDefaults(d);
              d.getMetadata().setLabels(Map.of("app.kubernetes.io/name", "other"));
            });
    assertFalse(AppliedState.matches(label, desiredDeployment(), serialization));
  }

  @Test
  void fieldsAndLabelsOthersAddAreNotDrift() {
    Deployment actual =
        asServed(
            applied(),
            d -> {
              deploymentDefaults(d);
              d.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", "1");
              d.getSpec()
                  .getTemplate()
                  .getMetadata()
                  .setAnnotations(Map.of("kubectl.kubernetes.io/restartedAt", "now"));
            });
    assertTrue(AppliedState.matches(actual, desiredDeployment(), serialization));
  }

  @Test
  void theStampIgnoresOwnerReferencesAndJosdksEventFilterAnnotation() {
    Deployment plain = desiredDeployment();
    Deployment withMetadata = desiredDeployment();
    withMetadata
        .getMetadata()
        .getAnnotations()
        .put(InformerEventSource.PREVIOUS_ANNOTATION_KEY, "x,1");
    withMetadata
        .getMetadata()
        .setOwnerReferences(
            List.of(new OwnerReferenceBuilder().withKind("ZmqBroker").withUid("ab12").build()));
    assertEquals(
        AppliedState.hash(plain, serialization), AppliedState.hash(withMetadata, serialization));
    Deployment other = desiredDeployment();
    other.getSpec().setReplicas(2);
    assertNotEquals(
        AppliedState.hash(plain, serialization), AppliedState.hash(other, serialization));
  }

  @Test
  void aServiceWithTheAddressesTheServerGaveItMatches() {
    Service desired =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("orders-broker")
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .withSelector(Map.of("app.kubernetes.io/instance", "orders"))
            .addNewPort()
            .withName("frontend")
            .withPort(5555)
            .withProtocol("TCP")
            .withTargetPort(new IntOrString("frontend"))
            .endPort()
            .endSpec()
            .build();
    Service applied = serialization.clone(desired);
    AppliedState.stamp(applied, serialization);
    Service actual =
        asServed(
            applied,
            s -> {
              s.getSpec().setClusterIP("10.0.0.7");
              s.getSpec().setClusterIPs(List.of("10.0.0.7"));
              s.getSpec().setType("ClusterIP");
              s.getSpec().setSessionAffinity("None");
              s.getSpec().setIpFamilies(List.of("IPv4"));
            });
    assertTrue(AppliedState.matches(actual, desired, serialization));

    Service repointed = serialization.clone(actual);
    repointed.getSpec().getPorts().get(0).setPort(6000);
    assertFalse(AppliedState.matches(repointed, desired, serialization));
    Service extraPort = serialization.clone(actual);
    extraPort.getSpec().getPorts().add(serialization.clone(actual.getSpec().getPorts().get(0)));
    assertFalse(AppliedState.matches(extraPort, desired, serialization));
  }
}
