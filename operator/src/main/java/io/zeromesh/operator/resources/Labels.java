package io.zeromesh.operator.resources;

import io.zeromesh.operator.api.v1alpha1.DeviceKind;
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

  /** Selects everything the operator manages. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  /** The device pod of a resource. */
  public static final String COMPONENT_DEVICE = "device";

  /** The worker pods of a resource. */
  public static final String COMPONENT_WORKERS = "workers";

  /** The app.kubernetes.io/name of each kind's objects. */
  public static final String NAME_BROKER = "zeromesh-broker";

  public static final String NAME_FORWARDER = "zeromesh-forwarder";
  public static final String NAME_STAGE = "zeromesh-stage";

  // One selector per kind and component, for the dependents' informers (annotation constants): an
  // informer caches only its own objects, not every managed object of its type once per dependent.
  public static final String BROKER_DEVICE_SELECTOR =
      MANAGED_SELECTOR + "," + NAME + "=" + NAME_BROKER + "," + COMPONENT + "=" + COMPONENT_DEVICE;
  public static final String BROKER_WORKERS_SELECTOR =
      MANAGED_SELECTOR + "," + NAME + "=" + NAME_BROKER + "," + COMPONENT + "=" + COMPONENT_WORKERS;
  public static final String FORWARDER_DEVICE_SELECTOR =
      MANAGED_SELECTOR
          + ","
          + NAME
          + "="
          + NAME_FORWARDER
          + ","
          + COMPONENT
          + "="
          + COMPONENT_DEVICE;
  public static final String STAGE_DEVICE_SELECTOR =
      MANAGED_SELECTOR + "," + NAME + "=" + NAME_STAGE + "," + COMPONENT + "=" + COMPONENT_DEVICE;
  public static final String STAGE_WORKERS_SELECTOR =
      MANAGED_SELECTOR + "," + NAME + "=" + NAME_STAGE + "," + COMPONENT + "=" + COMPONENT_WORKERS;

  private Labels() {}

  /** The labels that select one component of one resource; stable for the resource's life. */
  public static Map<String, String> selector(ZmqDevice device, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, name(device.deviceKind()));
    labels.put(INSTANCE, device.getMetadata().getName());
    labels.put(COMPONENT, component);
    return labels;
  }

  /** The app.kubernetes.io/name of a kind's objects. */
  public static String name(DeviceKind kind) {
    return switch (kind) {
      case BROKER -> NAME_BROKER;
      case FORWARDER -> NAME_FORWARDER;
      case PIPELINE_STAGE -> NAME_STAGE;
    };
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
