package io.zeromesh.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every device kind has: sockets, security, and how its pod runs. */
public abstract class DeviceSpec {
  // Cross-field rules the API server checks at admission (CEL, Kubernetes 1.25 and later; older
  // servers drop x-kubernetes-validations and the operator's SpecValidator reports the same rules
  // as InvalidSpec). Each kind's spec class carries them, since the annotations are not inherited.
  public static final String RULE_PORTS_DIFFER =
      "!has(self.frontend) || !has(self.backend) || !has(self.frontend.port)"
          + " || !has(self.backend.port) || self.frontend.port != self.backend.port";
  public static final String MESSAGE_PORTS_DIFFER =
      "spec.backend.port: must differ from spec.frontend.port";
  public static final String RULE_NOT_ADMIN_PORT =
      "(!has(self.frontend) || !has(self.frontend.port) || self.frontend.port != 8080)"
          + " && (!has(self.backend) || !has(self.backend.port) || self.backend.port != 8080)";
  public static final String MESSAGE_NOT_ADMIN_PORT =
      "spec.frontend.port, spec.backend.port: 8080 is the device's admin port";
  public static final String RULE_NODE_PORT =
      "!has(self.frontend) || !has(self.frontend.nodePort)"
          + " || (has(self.frontend.serviceType) && self.frontend.serviceType != 'ClusterIP')";
  public static final String MESSAGE_NODE_PORT =
      "spec.frontend.nodePort: only with serviceType NodePort or LoadBalancer";

  @JsonPropertyDescription("ZMTP socket options of both sockets; unset options keep the defaults.")
  private SocketOptions socketOptions;

  @JsonPropertyDescription("CURVE encryption and client authentication of both sockets.")
  private CurveSpec curve;

  @JsonPropertyDescription("A NetworkPolicy for the device pod; off unless enabled.")
  private NetworkPolicySpec networkPolicy;

  @JsonPropertyDescription(
      "Device pods (replicas of the device), distinct from the workers. 1: one pod of a"
          + " Deployment. More: a StatefulSet, a headless Service giving each replica a stable"
          + " DNS name, a PodDisruptionBudget (maxUnavailable 1), preferred anti-affinity across"
          + " nodes, and rolling changes one replica at a time. Managed workers connect to every"
          + " replica; see the operator README for who connects where.")
  @Default("1")
  @Min(1)
  private Integer deviceReplicas = 1;

  @JsonPropertyDescription(
      "Device image; empty: the operator's default (its ZEROMESH_BROKER_IMAGE setting).")
  private String image;

  @JsonPropertyDescription(
      "Pull policy of the device image; empty: the operator's default"
          + " (ZEROMESH_BROKER_IMAGE_PULL_POLICY, IfNotPresent).")
  private ImagePullPolicy imagePullPolicy;

  @JsonPropertyDescription("CPU and memory requests and limits of the device container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("Node labels the device pod must match.")
  private Map<String, String> nodeSelector = new LinkedHashMap<>();

  @JsonPropertyDescription("Tolerations of the device pod.")
  private List<Toleration> tolerations = new ArrayList<>();

  @JsonPropertyDescription("Affinity and anti-affinity of the device pod.")
  private Affinity affinity;

  @JsonPropertyDescription("Priority class of the device pod.")
  private String priorityClassName;

  @JsonPropertyDescription(
      "Extra labels on every object made for this resource and on the device pod. The"
          + " app.kubernetes.io labels of the operator win over these.")
  private Map<String, String> labels = new LinkedHashMap<>();

  @JsonPropertyDescription(
      "Extra annotations on every object made for this resource and on the device pod.")
  private Map<String, String> annotations = new LinkedHashMap<>();

  @JsonPropertyDescription("Log level of the device: debug, info, warn or error (default info).")
  @Pattern("^(debug|info|warn|error)$")
  private String logLevel;

  @JsonPropertyDescription("Log format of the device: plain or json (default plain).")
  @Pattern("^(plain|json)$")
  private String logFormat;

  /** The frontend of this kind. */
  public abstract FrontendSpec frontend();

  /** The backend of this kind. */
  public abstract BackendSpec backend();

  /** The worker pods the resource asks for; null: it runs none. */
  public WorkerPool workerPool() {
    return null;
  }

  /** The devices this resource connects to (forwarder upstreams, stage output), in spec order. */
  public List<DeviceLink> links() {
    return List.of();
  }

  /**
   * The daemon settings only this kind's mode has, as ZEROMESH_* variable and value (null values
   * are not passed), in a stable order.
   */
  public Map<String, Object> modeSettings() {
    return Map.of();
  }

  public Integer getDeviceReplicas() {
    return deviceReplicas == null ? 1 : deviceReplicas;
  }

  public void setDeviceReplicas(Integer deviceReplicas) {
    this.deviceReplicas = deviceReplicas;
  }

  /** True when the device runs more than one pod. */
  public boolean replicated() {
    return getDeviceReplicas() > 1;
  }

  public SocketOptions getSocketOptions() {
    return socketOptions;
  }

  public void setSocketOptions(SocketOptions socketOptions) {
    this.socketOptions = socketOptions;
  }

  public CurveSpec getCurve() {
    return curve;
  }

  public void setCurve(CurveSpec curve) {
    this.curve = curve;
  }

  /** True when CURVE is on. */
  public boolean curveEnabled() {
    return curve != null && curve.enabled();
  }

  public NetworkPolicySpec getNetworkPolicy() {
    return networkPolicy;
  }

  public void setNetworkPolicy(NetworkPolicySpec networkPolicy) {
    this.networkPolicy = networkPolicy;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public ImagePullPolicy getImagePullPolicy() {
    return imagePullPolicy;
  }

  public void setImagePullPolicy(ImagePullPolicy imagePullPolicy) {
    this.imagePullPolicy = imagePullPolicy;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector == null ? Map.of() : nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations == null ? List.of() : tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  public Map<String, String> getLabels() {
    return labels == null ? Map.of() : labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public Map<String, String> getAnnotations() {
    return annotations == null ? Map.of() : annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }

  public String getLogLevel() {
    return logLevel;
  }

  public void setLogLevel(String logLevel) {
    this.logLevel = logLevel;
  }

  public String getLogFormat() {
    return logFormat;
  }

  public void setLogFormat(String logFormat) {
    this.logFormat = logFormat;
  }
}
