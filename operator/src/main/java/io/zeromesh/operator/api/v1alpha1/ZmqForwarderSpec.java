package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A pub-sub forwarder (XSUB frontend, XPUB backend), optionally fed by upstreams. */
@ValidationRule(value = DeviceSpec.RULE_PORTS_DIFFER, message = DeviceSpec.MESSAGE_PORTS_DIFFER)
@ValidationRule(value = DeviceSpec.RULE_NOT_ADMIN_PORT, message = DeviceSpec.MESSAGE_NOT_ADMIN_PORT)
@ValidationRule(value = DeviceSpec.RULE_NODE_PORT, message = DeviceSpec.MESSAGE_NODE_PORT)
public class ZmqForwarderSpec extends DeviceSpec {
  @JsonPropertyDescription("Frontend (XSUB): where publishers connect.")
  @Default("{}")
  private ForwarderFrontend frontend = new ForwarderFrontend();

  @JsonPropertyDescription("Backend (XPUB): where subscribers connect.")
  @Default("{}")
  private ForwarderBackend backend = new ForwarderBackend();

  @JsonPropertyDescription(
      "Upstreams the frontend also connects out to and subscribes at: other ZmqForwarders (a"
          + " cascade) or raw endpoints.")
  private List<UpstreamSpec> upstreams = new ArrayList<>();

  @JsonPropertyDescription("Replays the latest message of each topic to each new subscription.")
  @Default("false")
  private Boolean lastValueCache = false;

  @JsonPropertyDescription(
      "Sent to each new subscriber when it subscribes (the subscriber must subscribe to this"
          + " prefix too); empty: off.")
  private String welcomeMessage;

  @JsonPropertyDescription(
      "Start gate: holds published messages until this many subscribers are subscribed; 0: off.")
  @Default("0")
  @Min(0)
  private Integer minSubscribers = 0;

  @JsonPropertyDescription("Messages the start gate holds at most.")
  @Default("100000")
  @Min(1)
  private Integer startGateBuffer = 100000;

  @Override
  public ForwarderFrontend frontend() {
    return getFrontend();
  }

  @Override
  public ForwarderBackend backend() {
    return getBackend();
  }

  @Override
  public List<DeviceLink> links() {
    List<DeviceLink> links = new ArrayList<>();
    List<UpstreamSpec> upstreams = getUpstreams();
    for (int i = 0; i < upstreams.size(); i++) {
      UpstreamSpec u = upstreams.get(i);
      links.add(
          new DeviceLink(
              DeviceLink.Role.UPSTREAM.field() + "[" + i + "]",
              DeviceKind.FORWARDER.kind(),
              u.getName(),
              u.getNamespace(),
              u.getEndpoint(),
              u.getTopics(),
              DeviceLink.Role.UPSTREAM));
    }
    return links;
  }

  @Override
  public Map<String, Object> modeSettings() {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("ZEROMESH_LAST_VALUE_CACHE", lastValueCache);
    settings.put("ZEROMESH_WELCOME_MESSAGE", welcomeMessage);
    settings.put("ZEROMESH_MIN_SUBSCRIBERS", minSubscribers);
    settings.put("ZEROMESH_START_GATE_BUFFER", startGateBuffer);
    return settings;
  }

  public ForwarderFrontend getFrontend() {
    return frontend == null ? new ForwarderFrontend() : frontend;
  }

  public void setFrontend(ForwarderFrontend frontend) {
    this.frontend = frontend;
  }

  public ForwarderBackend getBackend() {
    return backend == null ? new ForwarderBackend() : backend;
  }

  public void setBackend(ForwarderBackend backend) {
    this.backend = backend;
  }

  public List<UpstreamSpec> getUpstreams() {
    return upstreams == null ? List.of() : upstreams;
  }

  public void setUpstreams(List<UpstreamSpec> upstreams) {
    this.upstreams = upstreams;
  }

  public Boolean getLastValueCache() {
    return lastValueCache;
  }

  public void setLastValueCache(Boolean lastValueCache) {
    this.lastValueCache = lastValueCache;
  }

  public String getWelcomeMessage() {
    return welcomeMessage;
  }

  public void setWelcomeMessage(String welcomeMessage) {
    this.welcomeMessage = welcomeMessage;
  }

  public Integer getMinSubscribers() {
    return minSubscribers;
  }

  public void setMinSubscribers(Integer minSubscribers) {
    this.minSubscribers = minSubscribers;
  }

  public Integer getStartGateBuffer() {
    return startGateBuffer;
  }

  public void setStartGateBuffer(Integer startGateBuffer) {
    this.startGateBuffer = startGateBuffer;
  }
}
