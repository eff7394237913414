package io.zeromesh.operator.api.v1alpha1;

/** When the kubelet pulls the device image. */
public enum ImagePullPolicy {
  /** Pull on every pod start. */
  Always,
  /** Pull only when the node does not have the image. */
  IfNotPresent,
  /** Never pull; the image must be on the node. */
  Never
}
