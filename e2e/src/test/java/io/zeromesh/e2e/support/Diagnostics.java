package io.zeromesh.e2e.support;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What a failed case leaves for the reader: operator logs, events, the ZeroMesh resources with
 * their status, and the logs of every pod of the case. Each part is printed on its own, so one that
 * cannot be read does not hide the others.
 */
final class Diagnostics {
  private static final int TAIL_LINES = 200;

  private Diagnostics() {}

  static void dump(KubernetesClient kube, String caseNamespace) {
    String operatorNamespace = E2eSettings.operatorNamespace();
    section(
        "operator pods and logs (" + operatorNamespace + ")",
        () -> podLogs(kube, operatorNamespace));
    section("events in " + caseNamespace, () -> events(kube, caseNamespace));
    section("ZeroMesh resources in " + caseNamespace, () -> resources(kube, caseNamespace));
    section("Services and endpoints in " + caseNamespace, () -> services(kube, caseNamespace));
    section("pods and logs in " + caseNamespace, () -> podLogs(kube, caseNamespace));
    section("events in " + operatorNamespace, () -> events(kube, operatorNamespace));
    section("Leases in " + operatorNamespace, () -> leases(kube, operatorNamespace));
  }

  private static void leases(KubernetesClient kube, String namespace) {
    kube.leases().inNamespace(namespace).list().getItems().stream()
        .map(l -> l.getMetadata().getName() + " " + l.getSpec())
        .forEach(System.out::println);
  }

  static void dumpOperator(KubernetesClient kube) {
    String operatorNamespace = E2eSettings.operatorNamespace();
    section(
        "operator pods and logs (" + operatorNamespace + ")",
        () -> podLogs(kube, operatorNamespace));
    section("events in " + operatorNamespace, () -> events(kube, operatorNamespace));
  }

  private static void section(String title, Runnable body) {
    System.out.println("=============== " + title + " ===============");
    try {
      body.run();
    } catch (RuntimeException e) {
      System.out.println("(could not read: " + e + ")");
    }
    System.out.flush();
  }

  private static void events(KubernetesClient kube, String namespace) {
    List<Event> events = kube.v1().events().inNamespace(namespace).list().getItems();
    events.stream()
        .sorted(Comparator.comparing(Diagnostics::when, Comparator.nullsFirst(String::compareTo)))
        .forEach(
            e ->
                System.out.printf(
                    "%s %s %s/%s %s: %s%s%n",
                    when(e),
                    e.getType(),
                    e.getInvolvedObject().getKind(),
                    e.getInvolvedObject().getName(),
                    e.getReason(),
                    e.getMessage(),
                    e.getCount() == null ? "" : " (x" + e.getCount() + ")"));
  }

  private static String when(Event e) {
    return Objects.requireNonNullElse(
        e.getLastTimestamp(),
        Objects.requireNonNullElse(
            e.getEventTime() == null ? null : e.getEventTime().getTime(), ""));
  }

  private static void resources(KubernetesClient kube, String namespace) {
    for (ZmqKind kind : ZmqKind.values()) {
      for (GenericKubernetesResource r :
          kube.genericKubernetesResources(kind.context())
              .inNamespace(namespace)
              .list()
              .getItems()) {
        r.getMetadata().setManagedFields(null);
        System.out.println(kube.getKubernetesSerialization().asYaml(r));
      }
    }
  }

  private static void services(KubernetesClient kube, String namespace) {
    for (Service service : kube.services().inNamespace(namespace).list().getItems()) {
      String name = service.getMetadata().getName();
      Endpoints endpoints = kube.endpoints().inNamespace(namespace).withName(name).get();
      System.out.printf(
          "%s clusterIP=%s created=%s ports=%s ready=%s notReady=%s%n",
          name,
          service.getSpec().getClusterIP(),
          service.getMetadata().getCreationTimestamp(),
          service.getSpec().getPorts().stream().map(p -> p.getName() + ":" + p.getPort()).toList(),
          endpoints == null
              ? "(no Endpoints)"
              : endpoints.getSubsets().stream()
                  .flatMap(s -> s.getAddresses().stream())
                  .map(a -> a.getIp())
                  .toList(),
          endpoints == null
              ? ""
              : endpoints.getSubsets().stream()
                  .flatMap(s -> s.getNotReadyAddresses().stream())
                  .map(a -> a.getIp())
                  .toList());
    }
  }

  private static void podLogs(KubernetesClient kube, String namespace) {
    for (Pod pod : kube.pods().inNamespace(namespace).list().getItems()) {
      String name = pod.getMetadata().getName();
      System.out.printf(
          "--- pod %s phase=%s node=%s%n",
          name, pod.getStatus().getPhase(), pod.getSpec().getNodeName());
      for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
        System.out.printf(
            "    container %s ready=%s restarts=%s state=%s%n",
            s.getName(), s.getReady(), s.getRestartCount(), s.getState());
      }
      for (Container c : pod.getSpec().getContainers()) {
        System.out.printf("--- log of %s/%s (last %d lines)%n", name, c.getName(), TAIL_LINES);
        try {
          System.out.println(
              kube.pods()
                  .inNamespace(namespace)
                  .withName(name)
                  .inContainer(c.getName())
                  .tailingLines(TAIL_LINES)
                  .getLog());
        } catch (RuntimeException e) {
          System.out.println("(no log: " + e.getMessage() + ")");
        }
      }
    }
  }
}
