package io.zeromesh.operator.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrinterColumnOrderTest {
  private static final Map<String, List<String>> EXPECTED =
      Map.of(
          "zmqbrokers.zeromesh.io",
          List.of("Ready", "Reason", "Endpoint", "Workers", "Devices", "Age"),
          "zmqforwarders.zeromesh.io",
          List.of("Ready", "Reason", "Endpoint", "Devices", "Age"),
          "zmqpipelinestages.zeromesh.io",
          List.of("Ready", "Reason", "Endpoint", "Workers", "Devices", "Age"));

  @Test
  void eachKindDeclaresReadyEndpointWorkersDevicesThenAge() {
    assertEquals(
        EXPECTED.get("zmqbrokers.zeromesh.io"), PrinterColumnOrder.declaredOrder(ZmqBroker.class));
    assertEquals(
        EXPECTED.get("zmqforwarders.zeromesh.io"),
        PrinterColumnOrder.declaredOrder(ZmqForwarder.class));
    assertEquals(
        EXPECTED.get("zmqpipelinestages.zeromesh.io"),
        PrinterColumnOrder.declaredOrder(ZmqPipelineStage.class));
  }

  @Test
  void columnsSortedByJsonPathComeOutInTheDeclaredOrder() {
    // As the generator hands them over: by JSON path, .metadata (Age) first.
    CustomResourceDefinition crd =
        crd(
            "ZmqBroker",
            column("Age", ".metadata.creationTimestamp"),
            column("Ready", ".status.conditions[?(@.type==\"Ready\")].status"),
            column("Reason", ".status.conditions[?(@.type==\"Ready\")].reason"),
            column("Devices", ".status.devices"),
            column("Endpoint", ".status.endpoints.frontend"),
            column("Workers", ".status.workers"));
    new PrinterColumnOrder().process(crd, "v1");
    assertEquals(EXPECTED.get("zmqbrokers.zeromesh.io"), names(crd));
  }

  @Test
  void aColumnTheKindDoesNotDeclareGoesLastAndAnUnknownKindFails() {
    CustomResourceDefinition crd =
        crd(
            "ZmqForwarder",
            column("Extra", ".spec.extra"),
            column("Age", ".metadata.creationTimestamp"),
            column("Ready", ".status.ready"));
    new PrinterColumnOrder().process(crd, "v1");
    assertEquals(List.of("Ready", "Age", "Extra"), names(crd));

    assertThrows(
        IllegalStateException.class, () -> new PrinterColumnOrder().process(crd("Other"), "v1"));
  }

  /** The committed CRDs (crds/, kept equal to the generated ones by CrdsInSyncIT) show them so. */
  @Test
  void committedCrdsListTheColumnsInTheDeclaredOrder() throws IOException {
    Path crds =
        Path.of(System.getProperty("zeromesh.repo.root", "..")).toAbsolutePath().resolve("crds");
    for (var expected : EXPECTED.entrySet()) {
      try (InputStream in = Files.newInputStream(crds.resolve(expected.getKey() + "-v1.yml"))) {
        CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
        assertEquals(expected.getValue(), names(crd), expected.getKey());
      }
    }
  }

  private static List<String> names(CustomResourceDefinition crd) {
    return crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
        .map(CustomResourceColumnDefinition::getName)
        .toList();
  }

  private static CustomResourceColumnDefinition column(String name, String path) {
    return new CustomResourceColumnDefinitionBuilder()
        .withName(name)
        .withJsonPath(path)
        .withType("string")
        .build();
  }

  private static CustomResourceDefinition crd(
      String kind, CustomResourceColumnDefinition... columns) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName(kind.toLowerCase() + "s.zeromesh.io")
        .endMetadata()
        .withNewSpec()
        .withNewNames()
        .withKind(kind)
        .endNames()
        .addNewVersion()
        .withName("v1alpha1")
        .withAdditionalPrinterColumns(columns)
        .endVersion()
        .endSpec()
        .build();
  }
}
