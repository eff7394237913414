package io.zeromesh.operator.resources;

import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The app.kubernetes.io label set of every object the operator makes. */
public final class Labels {
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String PART_OF = "app.kubernetes.io/part-of";

  public static final String OPERATOR = "zeromesh-operator";
  public static final String PART_OF_VALUE = "zeromesh";

  /** Selects what the operator manages; its informers watch only these objects. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  /** The device pod of a resource. */
  public static final String COMPONENT_DEVICE = "device";

  /** The worker pods of a resource. */
  public static final String COMPONENT_WORKERS = "workers";

  private Labels() {}

  /** The labels that select one component of one resource; stable for the resource's life. */
  public static Map<String, String> selector(ZmqDevice device, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, "zeromesh-" + device.deviceKind().shortName());
    labels.put(INSTANCE, device.getMetadata().getName());
    labels.put(COMPONENT, component);
    return labels;
  }

  /** The user's extra labels, then the full app.kubernetes.io set for one component. */
  public static Map<String, String> of(ZmqDevice device, String component) {
    Map<String, String> labels = new LinkedHashMap<>(device.deviceSpec().getLabels());
    labels.putAll(selector(device, component));
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(PART_OF, PART_OF_VALUE);
    return labels;
  }

  /** A selector as the string form kubectl and the /scale subresource use. */
  public static String asString(Map<String, String> selector) {
    return selector.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
