package io.zeromesh.operator.api.v1alpha1;

/** Status of a ZmqForwarder. */
public class ZmqForwarderStatus extends DeviceStatus {}
