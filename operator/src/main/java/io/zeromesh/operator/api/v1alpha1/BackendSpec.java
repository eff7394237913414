package io.zeromesh.operator.api.v1alpha1;

/**
 * The backend socket of a device, behind a ClusterIP Service. Each kind has its own subclass, only
 * to carry its own default port in the schema.
 */
public abstract class BackendSpec {
  /** TCP port of the backend socket and of its Service. */
  public abstract Integer getPort();

  public abstract void setPort(Integer port);
}
