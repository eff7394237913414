package io.zeromesh.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.api.v1alpha1.ZmqForwarder;
import io.zeromesh.operator.api.v1alpha1.ZmqPipelineStage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Puts the printer columns of the generated CRDs in the order their kind declares its
 * {@code @AdditionalPrinterColumn}s (Ready, Endpoint, Workers, Devices, Age last), which is the
 * order kubectl shows. The fabric8 CRD generator sorts them by JSON path, so Age ({@code
 * .metadata.creationTimestamp}) came first, and its annotation has no order of its own; the Quarkus
 * Operator SDK runs this at build time ({@code quarkus.operator-sdk.crd.post-processor} in
 * application.properties) on each CRD before it is written. Never used at run time.
 */
public final class PrinterColumnOrder implements CRDPostProcessor {
  /** The kinds whose CRDs are generated, by their kind name. */
  static final Map<String, Class<?>> KINDS =
      Map.of(
          "ZmqBroker", ZmqBroker.class,
          "ZmqForwarder", ZmqForwarder.class,
          "ZmqPipelineStage", ZmqPipelineStage.class);

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    if (crd instanceof CustomResourceDefinition definition) {
      Class<?> type = KINDS.get(definition.getSpec().getNames().getKind());
      if (type == null) {
        throw new IllegalStateException(
            "no printer column order for the CRD of kind "
                + definition.getSpec().getNames().getKind()
                + ": add its class to PrinterColumnOrder.KINDS");
      }
      List<String> order = declaredOrder(type);
      for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
        if (version.getAdditionalPrinterColumns() != null) {
          version.setAdditionalPrinterColumns(
              ordered(version.getAdditionalPrinterColumns(), order));
        }
      }
    }
    return crd;
  }

  /** The column names in the order the class declares them. */
  static List<String> declaredOrder(Class<?> type) {
    return Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
        .map(AdditionalPrinterColumn::name)
        .toList();
  }

  /**
   * The columns sorted by their place in {@code order}; a column not named there (none today) keeps
   * its place relative to the others, after the named ones.
   */
  static List<CustomResourceColumnDefinition> ordered(
      List<CustomResourceColumnDefinition> columns, List<String> order) {
    List<CustomResourceColumnDefinition> sorted = new ArrayList<>(columns);
    sorted.sort(
        Comparator.comparingInt(
            c -> order.contains(c.getName()) ? order.indexOf(c.getName()) : order.size()));
    return sorted;
  }
}
