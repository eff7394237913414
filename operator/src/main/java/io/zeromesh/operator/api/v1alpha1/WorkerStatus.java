package io.zeromesh.operator.api.v1alpha1;

/** Worker counts reported by the kinds that run workers. */
public interface WorkerStatus {
  Integer getReplicas();

  void setReplicas(Integer replicas);

  Integer getReadyReplicas();

  void setReadyReplicas(Integer readyReplicas);

  String getSelector();

  void setSelector(String selector);

  String getWorkers();

  void setWorkers(String workers);
}
