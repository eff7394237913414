package io.zeromesh.e2e.support;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The custom resources of ZeroMesh, addressed through fabric8's generic API so the suite tests the
 * CRDs as a user sees them, without the operator's Java classes.
 */
public enum ZmqKind {
  BROKER("ZmqBroker", "zmqbrokers"),
  FORWARDER("ZmqForwarder", "zmqforwarders"),
  PIPELINE_STAGE("ZmqPipelineStage", "zmqpipelinestages");

  public static final String GROUP = "zeromesh.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  private final String kind;
  private final String plural;

  ZmqKind(String kind, String plural) {
    this.kind = kind;
    this.plural = plural;
  }

  public String kind() {
    return kind;
  }

  /** Name of the CustomResourceDefinition, {@code <plural>.<group>}. */
  public String crdName() {
    return plural + "." + GROUP;
  }

  public ResourceDefinitionContext context() {
    return new ResourceDefinitionContext.Builder()
        .withGroup(GROUP)
        .withVersion(VERSION)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }
}
