package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A ZeroMQ pipeline stage: a streamer (PULL/PUSH) and the workers that pull from it. */
// ZmqDevice extends HasMetadata, whose polymorphic deserializer would otherwise recurse here.
@JsonDeserialize(using = JsonDeserializer.None.class)
@Group("zeromesh.io")
@Version("v1alpha1")
@ShortNames("zstage")
@Categories("zeromesh")
@JsonClassDescription(
    "A ZeroMQ pipeline stage: a streamer (PULL/PUSH) and the workers that pull from it.")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Reason",
    priority = 1,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Endpoint",
    jsonPath = ".status.endpoints.frontend",
    type = Type.STRING)
@AdditionalPrinterColumn(name = "Workers", jsonPath = ".status.workers", type = Type.STRING)
@AdditionalPrinterColumn(name = "Devices", jsonPath = ".status.devices", type = Type.STRING)
// kubectl shows the columns in this order: the CRD generator sorts them by JSON path (Age first),
// and crd.PrinterColumnOrder puts them back in the order declared here at build time.
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ZmqPipelineStage extends CustomResource<ZmqPipelineStageSpec, WorkersStatus>
    implements Namespaced, ZmqDevice {

  @Override
  public DeviceKind deviceKind() {
    return DeviceKind.PIPELINE_STAGE;
  }

  @Override
  public DeviceSpec deviceSpec() {
    return getSpec();
  }

  @Override
  protected ZmqPipelineStageSpec initSpec() {
    return new ZmqPipelineStageSpec();
  }
}
